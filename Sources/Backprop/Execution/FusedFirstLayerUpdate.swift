import CBackpropKernels

/// Plain SGD's update of the first layer's weights, fused into BP4, the product that computes
/// their gradient:
///
///     W⁽¹⁾ ← W⁽¹⁾ − α·(δ⁽¹⁾ᵀ·X)    instead of    G ← δ⁽¹⁾ᵀ·X, then W⁽¹⁾ ← W⁽¹⁾ − α·G
///
/// **Shapes**: δ⁽¹⁾ = ∂J/∂Z⁽¹⁾ is n x outputs (already carrying the 1/n batch average), X
/// (the batch) n x inputs, W⁽¹⁾ and G outputs x inputs.
///
/// **Same bits.** When the native product sums all n terms of each Gⱼᵢ in one accumulator
/// (`NativeGEMM.sumsInOneAccumulator`: packed panels only for n up to one KC slice, 384 rows on
/// AVX2 and AVX-512 and 256 otherwise; the small-batch and skinny kernels for any n), in the
/// same order whatever C is, its kernels with β = 1 store fl(W + fl(−α·Gⱼᵢ)), never a fused
/// multiply-add (gemm_kernels.c): the SGD kernel's fl(θ − fl(α·g)). The weights are
/// bit for bit those of the two-pass update, on any thread count. The step only saves passes
/// over memory: G is not written, read back by the optimizer or checked for NaN (784-30,
/// batches of 10: three passes over 94 KB per step, and `online` measured faster on one
/// thread; figures in docs/performance.md, "Design measurements").
///
/// **Divergence.** A step whose loss or gradient is not finite must update nothing, but G is
/// never stored, so its finiteness is proved before the update: every Gⱼᵢ = Σₖ δₖⱼ·Xₖᵢ has
/// |Gⱼᵢ| ≤ n·max|δ|·max|X|, and the n roundings of the sum grow that by a factor of at most
/// (1 + 2⁻²⁴)ⁿ ≤ 1 + 2n·2⁻²⁴ (n ≤ 2²²); with δ and X finite and the grown bound at most half
/// the largest `Float`, G holds no NaN and no ∞. When the bound fails, the layer's backward
/// runs as usual, G is stored and the trainer checks it like any other gradient.
///
/// After a fused step, `Parameter.gradient` of the first layer's weight still holds whatever an
/// earlier two-pass step left there (zeros at first). `FusedFirstLayerStep` runs it; a trainer
/// whose `step` is a `ReferenceStep` stores every gradient.
struct FusedFirstLayerUpdate<Scalar: NetworkScalar> {
    /// Layer 0.
    let layer: Dense<Scalar>
    /// Every parameter but layer 0's weight (`0.weight`), in state-dict order: what the
    /// optimizer updates on a fused step.
    let otherParameters: [(name: String, parameter: Parameter<Scalar>)]

    /// nil when no step of `network` can be fused: the scalar is not `Float`, the first layer
    /// is not dense, its weight is shared with another layer (the two-pass step would apply
    /// the first layer's gradient, written last, for both).
    init?(network: Network<Scalar>) {
        guard Scalar.self == Float.self,
            let first = network.layers.first as? Dense<Scalar>,
            network.parameters.first?.parameter === first.weight,
            !network.parameters.dropFirst().contains(where: { $0.parameter === first.weight })
        else { return nil }
        layer = first
        otherParameters = Array(network.parameters.dropFirst())
    }

    /// α for a batch of `rows` rows, or nil when this step cannot be fused: the backend is not
    /// the native one, the rule is not plain SGD (`Optimizer.plainDescentRate`), α is 0 (the
    /// product would return early, where θ − 0·g still turns −0 into +0), an L2 penalty is to
    /// be added to G, or the product would not sum each element in one accumulator.
    func learningRate(
        rows: Int, optimizer: any Optimizer, configuration: TrainingConfiguration
    ) -> Double? {
        guard Backend.current.kind == .native, configuration.l2 == 0,
            let rate = optimizer.plainDescentRate, rate != 0,
            NativeGEMM.sumsInOneAccumulator(
                transposeA: true, transposeB: false, m: layer.outputSize, n: layer.inputSize, k: rows,
                level: Backend.current.simdLevel)
        else { return nil }
        return rate
    }

    /// Layer 0's backward on a step to be fused: BP3 (∂J/∂b = 1ᵀ·δ) always; BP4 too, into
    /// `weight.gradient`, when G cannot be proved finite. Returns whether the weight update
    /// can be fused (G was then not computed).
    @_specialize(where Scalar == Float)
    func backward(in workspace: Workspace<Scalar>) -> Bool {
        let delta = workspace.gradients[0]
        guard Self.productIsFinite(delta, workspace.input) else {
            layer.backward(
                input: workspace.input, output: workspace.outputs[0], outputGradient: delta,
                inputGradient: &workspace.unusedGradient, computeInputGradient: false)
            return false
        }
        if let bias = layer.bias { delta.sumColumns(into: &bias.gradient) }
        return true
    }

    /// W ← W − α·δᵀ·X (BP4 and the SGD update in one product).
    @_specialize(where Scalar == Float)
    func update(in workspace: Workspace<Scalar>, learningRate: Double) {
        Matrix.multiply(
            workspace.gradients[0], workspace.input, transposeA: true, into: &layer.weight.value,
            alpha: -Scalar(learningRate), beta: 1)
    }

    /// Whether δᵀ·X is certainly free of NaN and ±∞: n·max|δ|·max|X|·(1 + 2n·2⁻²⁴) ≤ (largest
    /// Float) / 2 with n ≤ 2²², computed in Double (`bp_max_magnitude` gives +∞ for a
    /// non-finite value, and a NaN bound compares false).
    static func productIsFinite(_ delta: Matrix<Scalar>, _ input: Matrix<Scalar>) -> Bool {
        let level = Backend.kernelLevel
        func largestMagnitude(_ matrix: Matrix<Scalar>) -> Double {
            matrix.storage.withUnsafeBufferPointer { values in
                values.withMemoryRebound(to: Float.self) {
                    Double(bp_max_magnitude($0.baseAddress, $0.count, level))
                }
            }
        }
        guard delta.rows <= 1 << 22 else { return false }
        let rows = Double(delta.rows)
        let bound = rows * largestMagnitude(delta) * largestMagnitude(input) * (1 + 2 * rows * 0x1p-24)
        return bound <= Double(Float.greatestFiniteMagnitude) / 2
    }
}
