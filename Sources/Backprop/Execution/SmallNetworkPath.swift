import CBackpropKernels

/// The whole training step in one fused kernel, for `Float` networks whose layers are all
/// narrow (the 2-3-1 classifier, the 3-2-2 worked example): no matrix-product dispatch, no packing, no
/// thread hand-off, no per-layer passes over the batch.
///
/// **Which networks**: `Scalar == Float`; layers Dense, g, Dense, g, …, Dense (every dense
/// layer but the last followed by exactly one `Sigmoid`, `Tanh`, `ReLU` or `Identity`), at
/// most `layerLimit` dense layers, every width (inputs and each layer's outputs) at most
/// `widthLimit`, no parameter object shared between layers; any of the three losses, softmax
/// cross-entropy with class-index (n x 1) or class-probability (n x k) targets. Other networks,
/// and `Double` ones, take the general layer-by-layer path. `StepPlanner` gives a network that
/// qualifies a `SmallNetworkStep`, which runs this path.
///
/// **What the kernel does** (`bp_small_network_run`, CBackpropKernels/small_network.c): the
/// batch is cut into blocks of one example per SIMD lane (16 with AVX-512, 8 with AVX2,
/// 4 otherwise; when every width is at most 4, 32 with AVX-512 and 16 with AVX2: two
/// registers per value, so two blocks' dependency chains interleave). Each block goes
/// forward through every layer (Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾·Wᵀ + b with the weights broadcast,
/// A⁽ˡ⁾ = g(Z⁽ˡ⁾)), through the fused loss (BP1), and back: BP3/BP4 add
/// δ and δ·a to per-lane accumulators, BP2 gives δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾·W⁽ˡ⁾) ⊙ g′. After the last
/// block each accumulator's lanes are summed in a fixed order, so the gradients are the same
/// bit for bit from run to run and do not depend on the thread count (one thread always).
/// The 1/n average sits in δ⁽ᴸ⁾, as in the losses. Lanes past the end of the batch are
/// cleared before they reach an accumulator. When every width is at most 4 (or 8), the weights
/// are copied into zero-padded 4 x 4 (8 x 8) tables and each loop over units runs at most 4 (8)
/// iterations, so the loops unroll; they stop at the real widths, so no padded entry is summed
/// or read. The seeds' networks (2-3-1, 3-2-2) run copies compiled for their exact widths, with
/// no width test left in the block loop and the same results bit for bit
/// (`usesExactShapeKernels`). Scratch is a per-thread buffer reused from step to step: a warm
/// step allocates nothing.
///
/// **Results** agree with the general path to `Float` rounding (different summation order;
/// the softmax's exp and log are vector polynomials, `VectorMath`'s exp and a Cephes log,
/// where the general path calls the C library). After a step, in `Workspace`'s terms:
/// - J is returned as the loss defines it (BCE: mean over the n·k entries; softmax CE: mean
///   over rows; mean squared error: sum over outputs, mean over rows);
/// - every `Parameter.gradient` holds ∂J/∂θ;
/// - `workspace.outputs[l]` holds every layer's output for the batch (Z of dense layers,
///   A of activations), as after the general path; with `storingHiddenOutputs` false, only
///   the last layer's (a training step reads no other: the kernel's stores of the 3-wide
///   hidden Z and A took a measurable share of the 2-3-1 classifier's step; figures in
///   docs/performance.md, "Design measurements");
/// - `workspace.gradients[L − 1]` holds δ⁽ᴸ⁾ = ∂J/∂Z⁽ᴸ⁾;
/// - the other `workspace.gradients[l]` are not written (they keep whatever an earlier general
///   step left there): the per-layer δ live only inside the kernel.
/// NaN and ±∞ propagate as in the general path: a NaN input gives a NaN loss.
final class SmallNetworkPath<Scalar: NetworkScalar> {
    /// The widest layer (inputs or outputs) the path accepts: 12 units.
    ///
    /// Measured before the 32-lane pairing of the 4-wide kernels (AVX-512, one thread, tanh +
    /// mse, batches of 200 and 1000), the fused step beat the general path up to 12 units and
    /// not from 16 on (figures in docs/performance.md, "Design measurements"). Widths up to 8
    /// run fully unrolled over zero-padded 4- or 8-wide tables; wider layers run loops whose
    /// per-lane accumulators go through memory, and from about 16 units the packed matrix
    /// products are as fast. The kernel itself accepts up to `BP_SMALL_MAX_WIDTH` (32).
    static var widthLimit: Int { 12 }
    /// The most dense layers the path accepts.
    static var layerLimit: Int { Int(BP_SMALL_MAX_LAYERS) }

    /// The dense layers in order.
    let denseLayers: [Dense<Scalar>]
    /// Widths, activation codes and loss; pointers are filled in for each call.
    let template: bp_small_network
    /// The instruction-set level the kernel runs at (tests lower it to check each one).
    var level: SIMDLevel = .detected
    /// Whether the seeds' shapes (2-3-1, 3-2-2) run the kernel copies compiled for their exact
    /// widths (measured faster on tiny; figures in docs/performance.md, "Design measurements");
    /// false runs the run-time-width copy, whose results are the same bit for bit (tests
    /// compare the two).
    var usesExactShapeKernels = true

    /// The path for `network`, or `nil` when it does not qualify (see the type's documentation).
    convenience init?(network: Network<Scalar>) {
        self.init(inputSize: network.inputSize, layers: network.layers, loss: network.loss)
    }

    /// The path for a network with these layers, or `nil` when it does not qualify (see the
    /// type's documentation).
    init?(inputSize: Int, layers: [any Layer<Scalar>], loss: LossFunction) {
        guard Scalar.self == Float.self,
              layers.count % 2 == 1,
              layers.count / 2 + 1 <= Self.layerLimit,
              inputSize >= 1, inputSize <= Self.widthLimit
        else { return nil }
        var network = bp_small_network()
        network.layer_count = layers.count / 2 + 1
        network.loss = switch loss {
        case .meanSquaredError: BP_SMALL_MEAN_SQUARED_ERROR
        case .binaryCrossEntropy: BP_SMALL_BINARY_CROSS_ENTROPY
        case .softmaxCrossEntropy: BP_SMALL_SOFTMAX_CLASS_INDEX
        }
        var widths = [inputSize]
        var dense: [Dense<Scalar>] = []
        var activations: [Int32] = []
        var seen = Set<ObjectIdentifier>()
        for (index, layer) in layers.enumerated() {
            if index % 2 == 0 {
                guard let layer = layer as? Dense<Scalar>,
                      layer.inputSize == widths[widths.count - 1],
                      layer.outputSize >= 1, layer.outputSize <= Self.widthLimit
                else { return nil }
                for parameter in layer.parameters {
                    guard seen.insert(ObjectIdentifier(parameter)).inserted else { return nil }
                }
                dense.append(layer)
                widths.append(layer.outputSize)
            } else {
                guard let code = Self.activationCode(layer) else { return nil }
                activations.append(code)
            }
        }
        Self.setElements(of: &network.widths, to: widths)
        Self.setElements(of: &network.activations, to: activations)
        denseLayers = dense
        template = network
    }

    /// The kernel's code for an activation layer; `nil` for any other layer type.
    static func activationCode(_ layer: any Layer<Scalar>) -> Int32? {
        switch Activation(of: layer) {
        case .sigmoid: BP_SMALL_SIGMOID
        case .tanh: BP_SMALL_TANH
        case .relu: BP_SMALL_RELU
        case .identity: BP_SMALL_IDENTITY
        case nil: nil
        }
    }

    /// Runs forward, loss and (when `computeGradients`) backward over the batch loaded in
    /// `workspace`; returns J, or `nil` without touching anything when the workspace or a
    /// parameter does not have the shapes the path was built for (the caller then takes the
    /// general path, which reports the mismatch). The inputs must be n x `inputSize` and the
    /// targets n rows; the other buffers are checked by element count.
    ///
    /// Each buffer's size is checked where its pointer is taken (`bind`), so the step reads
    /// every class property once; buffers the kernel only reads are copied out (a retain)
    /// instead of being held in a long access, which leaves five tracked accesses for
    /// the 2-3-1 classifier's network (two workspace arrays, three parameter gradients).
    @_specialize(where Scalar == Float)
    func run(in workspace: Workspace<Scalar>, computeGradients: Bool, storingHiddenOutputs: Bool = true) -> Double? {
        guard Scalar.self == Float.self else { return nil }
        let level = Int32(level.rawValue)
        let inputSize = template.widths.0
        let outputSize = denseLayers[denseLayers.count - 1].outputSize
        let last = denseLayers.count * 2 - 2
        let inputMatrix = workspace.input, targetMatrix = workspace.targets
        guard inputMatrix.columns == inputSize else { return nil }
        let rows = inputMatrix.rows
        return inputMatrix.storage.withUnsafeBufferPointer { input -> Double? in
            guard input.count == rows * inputSize, targetMatrix.rows == rows else { return nil }
            return targetMatrix.storage.withUnsafeBufferPointer { targets -> Double? in
                var network = template
                network.runtime_widths_only = usesExactShapeKernels ? 0 : 1
                if targets.count != rows * outputSize {
                    guard network.loss == BP_SMALL_SOFTMAX_CLASS_INDEX, targets.count == rows else { return nil }
                } else if network.loss == BP_SMALL_SOFTMAX_CLASS_INDEX && outputSize > 1 {
                    network.loss = BP_SMALL_SOFTMAX_PROBABILITIES
                }
                return workspace.outputs.withUnsafeMutableBufferPointer { outputs -> Double? in
                    workspace.gradients.withUnsafeMutableBufferPointer { gradients -> Double? in
                        guard outputs.count == last + 1, gradients.count == last + 1 else { return nil }
                        return gradients[last].storage.withUnsafeMutableBufferPointer { delta -> Double? in
                            guard delta.count == rows * outputSize else { return nil }
                            return bind(layer: 0, rows: rows, storingHiddenOutputs: storingHiddenOutputs, &network, outputs) { network in
                                var loss = 0.0
                                let status = bp_small_network_run(
                                    &network, input.baseAddress?.floats, targets.baseAddress?.floats,
                                    rows, delta.baseAddress?.floats, computeGradients ? 1 : 0, level, &loss)
                                return status == 0 ? loss : nil
                            }
                        }
                    }
                }
            }
        }
    }

    /// Fills the pointers of dense layer `index` and of every layer after it, each inside its
    /// own `withUnsafe…BufferPointer` and after checking its size, then calls `body`.
    private func bind(
        layer index: Int, rows: Int, storingHiddenOutputs: Bool, _ network: inout bp_small_network,
        _ outputs: UnsafeMutableBufferPointer<Matrix<Scalar>>,
        _ body: (inout bp_small_network) -> Double?
    ) -> Double? {
        guard index < denseLayers.count else { return body(&network) }
        let layer = denseLayers[index]
        let weightCount = layer.outputSize * layer.inputSize
        let outputCount = rows * layer.outputSize
        let isLast = index == denseLayers.count - 1
        let stores = isLast || storingHiddenOutputs
        // Read-only buffers are read once into a local (a retain, no long exclusivity access).
        let weightValues = layer.weight.value.storage
        let biasValues = layer.bias?.value.storage
        return weightValues.withUnsafeBufferPointer { weight -> Double? in
            guard weight.count == weightCount else { return nil }
            Self.setElement(of: &network.weights, at: index, to: weight.baseAddress?.floats)
            return layer.weight.gradient.storage.withUnsafeMutableBufferPointer { weightGradient -> Double? in
                guard weightGradient.count == weightCount else { return nil }
                Self.setElement(of: &network.weight_gradients, at: index, to: weightGradient.baseAddress?.floats)
                return outputs[2 * index].storage.withUnsafeMutableBufferPointer { z -> Double? in
                    guard z.count == outputCount else { return nil }
                    Self.setElement(of: &network.preactivations, at: index, to: stores ? z.baseAddress?.floats : nil)
                    // The activation's output (every dense layer but the last), then the bias.
                    func withActivation() -> Double? {
                        guard !isLast else { return withBias() }
                        return outputs[2 * index + 1].storage.withUnsafeMutableBufferPointer { a -> Double? in
                            guard a.count == outputCount else { return nil }
                            Self.setElement(of: &network.activation_outputs, at: index, to: stores ? a.baseAddress?.floats : nil)
                            return withBias()
                        }
                    }
                    func withBias() -> Double? {
                        guard let bias = layer.bias, let biasValues else { return bind(layer: index + 1, rows: rows, storingHiddenOutputs: storingHiddenOutputs, &network, outputs, body) }
                        return biasValues.withUnsafeBufferPointer { value -> Double? in
                            guard value.count == layer.outputSize else { return nil }
                            Self.setElement(of: &network.biases, at: index, to: value.baseAddress?.floats)
                            return bias.gradient.storage.withUnsafeMutableBufferPointer { biasGradient -> Double? in
                                guard biasGradient.count == layer.outputSize else { return nil }
                                Self.setElement(of: &network.bias_gradients, at: index, to: biasGradient.baseAddress?.floats)
                                return bind(layer: index + 1, rows: rows, storingHiddenOutputs: storingHiddenOutputs, &network, outputs, body)
                            }
                        }
                    }
                    return withActivation()
                }
            }
        }
    }

    /// Element `index` of a C fixed-size array (imported as a homogeneous tuple).
    @inline(__always)
    private static func setElement<Tuple, Element>(of tuple: inout Tuple, at index: Int, to value: Element) {
        withUnsafeMutableBytes(of: &tuple) { bytes in
            bytes.storeBytes(of: value, toByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
        }
    }

    private static func setElements<Tuple, Element>(of tuple: inout Tuple, to values: [Element]) {
        for (index, value) in values.enumerated() { setElement(of: &tuple, at: index, to: value) }
    }
}
