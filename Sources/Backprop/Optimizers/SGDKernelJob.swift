import CBackpropKernels

/// One SGD update of a `Float` tensor through the vectorized C kernel (`bp_sgd_update`), split
/// into disjoint shares (`parameterShare`) on two threads when the tensor is large. Every
/// element is updated by the same arithmetic whichever thread runs it, so the result does not
/// depend on the split.
struct SGDKernelJob: ParallelJob {
    var theta: UnsafeMutablePointer<Float>
    var gradient: UnsafePointer<Float>
    /// nil without momentum.
    var velocity: UnsafeMutablePointer<Float>?
    var count: Int
    var workers: Int
    var constants: bp_sgd_constants
    var level: Int32

    /// Tensors with this many parameters are updated on two threads, others on the calling
    /// thread. The update is one pass over memory. A tensor that fits the cores' caches gains
    /// when each thread updates the rows whose gradients it computed (784-30 with batches of
    /// 10); a larger one streams from memory at the same speed with one thread, and splitting
    /// it measured slower (784-300). Figures in docs/performance.md, "Design measurements".
    static let parallelRange = 16_384...65_536

    func run(worker: Int) {
        let share = parameterShare(worker: worker, workers: workers, count: count)
        guard !share.isEmpty else { return }
        var constants = constants
        bp_sgd_update(theta + share.lowerBound, gradient + share.lowerBound,
                      velocity.map { $0 + share.lowerBound }, share.count, &constants, level)
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: SGDKernelJob.self).pointee.run(worker: worker)
    }

    /// Runs the update, on two threads when its size is in `parallelRange` and the backend
    /// has them.
    static func update(
        theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        velocity: UnsafeMutablePointer<Float>?, count: Int, constants: bp_sgd_constants
    ) {
        let workers = splitWorkers(parallelRange.contains(count))
        parallelFor(workers: workers, SGDKernelJob(
            theta: theta, gradient: gradient, velocity: velocity, count: count, workers: workers,
            constants: constants, level: Backend.kernelLevel))
    }
}
