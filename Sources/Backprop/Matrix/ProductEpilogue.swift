import CBackpropKernels

/// What a `Float` product does to its result C before it returns: the elementwise step that a
/// dense layer's product is followed by, applied while C is still in cache.
///
/// - **Forward** (`biasActivation`): a dense layer and the activation after it,
///
///       Z = X·Wᵀ + b,    A = g(Z)        (X: n x inputs, W: outputs x inputs, Z, A: n x outputs)
///
///   run as one product instead of three passes over Z (the product, the bias, g).
/// - **Backward** (`activationGradient`): BP2 through a dense layer and the activation below it,
///
///       ∂J/∂A⁽ˡ⁻¹⁾ = δ⁽ˡ⁾·W⁽ˡ⁾,    δ⁽ˡ⁻¹⁾ = ∂J/∂A⁽ˡ⁻¹⁾ ⊙ g′(Z⁽ˡ⁻¹⁾)        (all n x width)
///
///   with g′ read as the activation layer's backward reads it (from Z for ReLU, from
///   A = g(Z) for sigmoid and tanh).
///
/// The native backend applies the epilogue to each block of rows of C as soon as the block is
/// final (its last k slice), on the thread that computed it; the other backends after the
/// product.
///
/// **Same bits.** The C kernels round every value as the separate passes do (z + b as
/// `bp_add_row_vector`, g by the activation's own vector function at the instruction-set level
/// of `VectorMath`, like the activation layers, whatever level the product's kernels run at;
/// g′ by the activation layers' backward kernels), and each value of C is final when its block
/// is handed over, so the results are bitwise those of the separate passes on any backend,
/// thread count and block split.
struct ProductEpilogue {
    enum Operation {
        /// C += b (b: one value per column; nil for none), then A = g(C) into `activated`
        /// (nil to keep only C).
        case biasActivation(bias: UnsafePointer<Float>?, activated: UnsafeMutablePointer<Float>?)
        /// `gradient` = C ⊙ g′, g′ from `source` (Z for ReLU, A for sigmoid and tanh).
        case activationGradient(source: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>)
    }

    var operation: Operation
    /// The row stride of `activated`, or of `source` and `gradient` (all shaped like C).
    var stride: Int
    /// g, one of the `BP_ACTIVATION_…` numbers.
    var activation: Int32
    /// The instruction-set level of g′, the creating thread's backend's (helper threads that
    /// apply the epilogue to their blocks have their own `Backend.current`).
    var level: Int32

    init(operation: Operation, activation: Activation, stride: Int) {
        self.operation = operation
        self.stride = stride
        self.level = Backend.kernelLevel
        switch activation {
        case .identity: self.activation = Int32(BP_ACTIVATION_IDENTITY)
        case .sigmoid: self.activation = Int32(BP_ACTIVATION_SIGMOID)
        case .tanh: self.activation = Int32(BP_ACTIVATION_TANH)
        case .relu: self.activation = Int32(BP_ACTIVATION_RELU)
        }
    }

    /// The epilogue of the columns from `column` on (for a worker that computes them with
    /// C's pointer already moved there).
    func shifted(byColumns column: Int) -> ProductEpilogue {
        var result = self
        switch operation {
        case .biasActivation(let bias, let activated):
            result.operation = .biasActivation(bias: bias.map { $0 + column }, activated: activated.map { $0 + column })
        case .activationGradient(let source, let gradient):
            result.operation = .activationGradient(source: source + column, gradient: gradient + column)
        }
        return result
    }

    /// Applies the epilogue to rows `rows` and columns `0..<columns` of C (row stride `ldc`,
    /// `c` pointing at C's first element).
    func apply(to c: UnsafeMutablePointer<Float>, ldc: Int, rows: Range<Int>, columns: Int) {
        guard !rows.isEmpty else { return }
        let first = rows.lowerBound
        switch operation {
        case .biasActivation(let bias, let activated):
            bp_bias_activation(
                c + first * ldc, rows.count, columns, ldc, bias, activated.map { $0 + first * stride }, stride,
                activation, VectorMath.level)
        case .activationGradient(let source, let gradient):
            bp_activation_gradient(
                c + first * ldc, rows.count, columns, ldc, source + first * stride, stride,
                gradient + first * stride, stride, activation, level)
        }
    }

    /// Applies the epilogue to all of C (m x n), on two threads when it is large (the same
    /// split as `ElementwiseJob`), after a product that did not apply it as it went.
    func applyAfterProduct(to c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int) {
        let workers = splitWorkers(m >= 2 && m * n >= ElementwiseJob.parallelThreshold)
        parallelFor(workers: workers, EpilogueJob(
            epilogue: self, c: c, ldc: ldc, chunk: (m + workers - 1) / workers, m: m, n: n))
    }
}

/// Rows [worker·chunk, (worker+1)·chunk) of `ProductEpilogue.applyAfterProduct`.
struct EpilogueJob: ParallelJob {
    var epilogue: ProductEpilogue
    var c: UnsafeMutablePointer<Float>
    var ldc, chunk, m, n: Int

    func run(worker: Int) {
        let start = min(worker * chunk, m)
        epilogue.apply(to: c, ldc: ldc, rows: start..<min(start + chunk, m), columns: n)
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: EpilogueJob.self).pointee.run(worker: worker)
    }
}
