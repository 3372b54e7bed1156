import CBackpropKernels

/// A `Float` elementwise C kernel over a large array, split into disjoint shares
/// (`parameterShare`: multiples of 64 values) on two threads. Every element goes through the
/// same vector code whichever thread and share it falls in, so the result does not depend on
/// the split. Below `parallelThreshold` values the calling thread does it all.
struct ElementwiseJob: ParallelJob {
    /// y[i] = f(x[i]), e.g. `bp_vsigmoid`.
    typealias Unary = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int32) -> Void
    /// out[i] = f(a[i], b[i]), e.g. `bp_sigmoid_backward`.
    typealias Binary = @convention(c) (
        UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int32
    ) -> Void

    var unary: Unary?
    var binary: Binary?
    var first: UnsafePointer<Float>
    var second: UnsafePointer<Float>?
    var output: UnsafeMutablePointer<Float>
    var count, workers: Int
    var level: Int32

    /// A 1000 x 300 hidden layer (300 000 values) is split; 128 x 256 (32 768) is not.
    static let parallelThreshold = 65_536

    func run(worker: Int) {
        let share = parameterShare(worker: worker, workers: workers, count: count)
        guard !share.isEmpty else { return }
        let start = share.lowerBound
        if let unary {
            unary(first + start, output + start, share.count, level)
        } else if let binary, let second {
            binary(first + start, second + start, output + start, share.count, level)
        }
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: ElementwiseJob.self).pointee.run(worker: worker)
    }

    static func workers(count: Int) -> Int {
        splitWorkers(count >= parallelThreshold)
    }

    /// output[i] = kernel(input[i]) for i in 0..<count.
    static func run(
        _ kernel: Unary, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        count: Int, level: Int32
    ) {
        let workers = workers(count: count)
        parallelFor(workers: workers, ElementwiseJob(
            unary: kernel, binary: nil, first: input, second: nil, output: output,
            count: count, workers: workers, level: level))
    }

    /// output[i] = kernel(first[i], second[i]) for i in 0..<count.
    static func run(
        _ kernel: Binary, _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>,
        _ output: UnsafeMutablePointer<Float>, count: Int, level: Int32
    ) {
        let workers = workers(count: count)
        parallelFor(workers: workers, ElementwiseJob(
            unary: nil, binary: kernel, first: first, second: second, output: output,
            count: count, workers: workers, level: level))
    }
}
