import CBackpropKernels
import Foundation

/// Work split into `workers` disjoint parts, run by `parallelFor`.
///
/// A conforming type supplies `task`, a C function pointer that casts the context back to the
/// type and calls `run(worker:)`. Handing work over as a plain struct and a C function pointer
/// (rather than a Swift closure) is what keeps a parallel call free of heap allocations.
protocol ParallelJob {
    /// Computes part `worker` of the job; parts write disjoint outputs.
    func run(worker: Int)
    /// `{ context, worker in context!.assumingMemoryBound(to: Self.self).pointee.run(worker: worker) }`
    static var task: bp_parallel_task { get }
}

/// Runs `job.run(worker: 0) … job.run(worker: workers − 1)` on up to `workers` threads and
/// returns when all have finished. Worker 0 runs on the calling thread, the others on a
/// persistent pool of helper threads (`bp_parallel_run`), so a warm call allocates nothing.
///
/// Since parts write disjoint outputs, no result depends on which thread ran which part;
/// that is also why handing the job's raw pointers to other threads is safe.
@inline(__always)
func parallelFor<Job: ParallelJob>(workers: Int, _ job: Job) {
    if workers <= 1 {
        job.run(worker: 0)
        return
    }
    var job = job
    withUnsafeMutablePointer(to: &job) { pointer in
        bp_parallel_run(workers, Job.task, pointer)
    }
}

/// The number of cores this process may run on (never less than 1).
let availableCores = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// The workers of a job split in two shares: two when `worthSplitting` and the backend has
/// two threads and the machine two cores, else one (the calling thread).
func splitWorkers(_ worthSplitting: Bool) -> Int {
    worthSplitting ? max(1, min(Backend.current.threads, availableCores, 2)) : 1
}
