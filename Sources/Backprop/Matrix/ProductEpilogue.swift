import CBackpropKernels

/// What a `Float` product does to its result C before it returns: add a bias row, then write
/// an activation of it. A dense layer's forward pass with the activation after it,
///
///     Z = X·Wᵀ + b,    A = g(Z)        (X: n x inputs, W: outputs x inputs, Z and A: n x outputs)
///
/// runs as one product with this epilogue instead of three passes over Z (the product, the
/// bias, the activation). The native backend applies it to each block of rows of C as soon as
/// the block is final (its last k slice), while the block is still in cache, and on the thread
/// that computed it; the other backends apply it after the product.
///
/// **Same bits.** `bp_bias_activation` rounds every value as the separate passes do (z + b as
/// `bp_add_row_vector`, then the activation's own vector function, lane by lane, at the
/// instruction-set level of `VectorMath` like the activation layers, whatever level the
/// product's kernels run at), and each value of C is final when its block is handed over, so
/// Z and A are bitwise those of the unfused forward pass on any backend, thread count and
/// block split.
struct ProductEpilogue {
    /// b (one value per column of C), or nil for none.
    var bias: UnsafePointer<Float>?
    /// Where A = g(C) goes (same shape as C, row stride `activatedStride`), or nil to keep
    /// only C.
    var activated: UnsafeMutablePointer<Float>?
    var activatedStride: Int
    /// g, one of the `BP_ACTIVATION_…` numbers.
    var activation: Int32

    init(bias: UnsafePointer<Float>?, activation: Activation, activated: UnsafeMutablePointer<Float>?,
         activatedStride: Int) {
        self.bias = bias
        self.activated = activated
        self.activatedStride = activatedStride
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
        result.bias = bias.map { $0 + column }
        result.activated = activated.map { $0 + column }
        return result
    }

    /// Applies the epilogue to rows `rows` and columns `0..<columns` of C (row stride `ldc`,
    /// `c` pointing at C's first element).
    func apply(to c: UnsafeMutablePointer<Float>, ldc: Int, rows: Range<Int>, columns: Int) {
        guard !rows.isEmpty else { return }
        bp_bias_activation(
            c + rows.lowerBound * ldc, rows.count, columns, ldc, bias,
            activated.map { $0 + rows.lowerBound * activatedStride }, activatedStride,
            activation, VectorMath.level)
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
