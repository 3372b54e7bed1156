#ifndef CBACKPROP_SMALL_NETWORK_H
#define CBACKPROP_SMALL_NETWORK_H

// MARK: - Whole training step for networks with small layers
//
// A network of `layer_count` dense layers, each but the last followed by an activation, the
// last one's logits fed to a loss fused with its output activation. Every width is at most
// BP_SMALL_MAX_WIDTH. One call runs forward, loss and (optionally) backward over a batch of
// `rows` examples on the calling thread, one example per SIMD lane, without calling the GEMM.
// Networks whose widths are all at most 4 or 8 run kernels unrolled over zero-padded weight
// tables; wider ones (up to BP_SMALL_MAX_WIDTH) a kernel with loops.
//
// Layout (row-major, one example per row): input is rows x widths[0]; weights[l] is
// widths[l+1] x widths[l] (PyTorch's nn.Linear), biases[l] has widths[l+1] values or is NULL;
// preactivations[l] (Z, rows x widths[l+1]) and, for l < layer_count − 1, activations[l]
// (A = g(Z), same shape) receive every layer's output; output_gradient (rows x widths[L])
// receives δ = ∂J/∂Z of the last layer; weight_gradients[l] and bias_gradients[l] (shaped like
// the parameters) receive ∂J/∂θ when `compute_gradients` is nonzero. Targets are rows x 1
// class indices for BP_SMALL_SOFTMAX_CLASS_INDEX, rows x widths[L] otherwise.

#define BP_SMALL_MAX_WIDTH 32
#define BP_SMALL_MAX_LAYERS 8

/// Activation codes.
#define BP_SMALL_IDENTITY 0
#define BP_SMALL_SIGMOID 1
#define BP_SMALL_TANH 2
#define BP_SMALL_RELU 3

/// Loss codes: J = (1/n) Σ ‖Z − Y‖² (mean squared error as the library defines it), sigmoid
/// + binary cross-entropy averaged over all n·k entries, softmax + cross-entropy averaged over
/// the n rows with class-index or class-probability targets.
#define BP_SMALL_MEAN_SQUARED_ERROR 0
#define BP_SMALL_BINARY_CROSS_ENTROPY 1
#define BP_SMALL_SOFTMAX_CLASS_INDEX 2
#define BP_SMALL_SOFTMAX_PROBABILITIES 3

typedef struct {
    long layer_count;
    long widths[BP_SMALL_MAX_LAYERS + 1];
    int activations[BP_SMALL_MAX_LAYERS];
    int loss;
    const float *weights[BP_SMALL_MAX_LAYERS];
    const float *biases[BP_SMALL_MAX_LAYERS];
    float *weight_gradients[BP_SMALL_MAX_LAYERS];
    float *bias_gradients[BP_SMALL_MAX_LAYERS];
    /// Z⁽ˡ⁾ and A⁽ˡ⁾ (n x widths[l + 1]) are stored here; NULL: not stored (a training step
    /// needs only the last layer's Z).
    float *preactivations[BP_SMALL_MAX_LAYERS];
    float *activation_outputs[BP_SMALL_MAX_LAYERS];
    /// 0: the seeds' shapes (2-3-1, 3-2-2) run copies compiled for their exact widths; 1: the
    /// run-time-width copy (the same results bit for bit; tests compare the two).
    int runtime_widths_only;
} bp_small_network;

/// Runs the step described above and stores J in *loss. Returns 0, or −1 (nothing written)
/// when the description is out of bounds or scratch memory cannot be had. Scratch is the
/// calling thread's buffer slot 3 (bp_thread_buffer), reused from call to call. `level` as in
/// bp_cpu_simd_level(); gradients are reduced over lanes in a fixed order, so results are
/// bitwise the same from run to run for a given level.
int bp_small_network_run(const bp_small_network *network, const float *input,
                         const float *targets, long rows, float *output_gradient,
                         int compute_gradients, int level, double *loss);

/// The exact-width copy bp_small_network_run takes for this network: 231 (2-3-1), 322 (3-2-2),
/// or 0 for the run-time-width copies (other shapes, or runtime_widths_only set).
int bp_small_network_exact_shape(const bp_small_network *network);

#endif
