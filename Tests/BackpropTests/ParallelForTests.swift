import CBackpropKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Backprop

/// The thread pool behind every parallel product: each worker index of each job runs exactly
/// once, whichever thread claims it, for jobs started back to back (helpers still spinning),
/// after the helpers have gone to sleep, and with more workers than helpers.
@Suite struct ParallelForTests {
    /// Adds 1 to counts[worker]: a worker that ran twice, or not at all, shows in the counts.
    struct CountingJob: ParallelJob {
        var counts: UnsafeMutablePointer<Int>

        func run(worker: Int) { counts[worker] += 1 }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: CountingJob.self).pointee.run(worker: worker)
        }
    }

    func runJobs(workers: Int, jobs: Int, pauseMicroseconds: UInt32 = 0) -> [Int] {
        var counts = [Int](repeating: 0, count: workers)
        counts.withUnsafeMutableBufferPointer { counts in
            for _ in 0..<jobs {
                parallelFor(workers: workers, CountingJob(counts: counts.baseAddress!))
                if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
            }
        }
        return counts
    }

    @Test func everyWorkerRunsOncePerJobBackToBack() {
        #expect(runJobs(workers: 2, jobs: 20_000) == [20_000, 20_000])
        #expect(runJobs(workers: 5, jobs: 5_000) == [Int](repeating: 5_000, count: 5))
    }

    @Test func everyWorkerRunsOncePerJobAfterTheHelpersSleep() {
        // 60 µs apart: past the helpers' 50 µs spin, so each job wakes them from sleep.
        #expect(runJobs(workers: 2, jobs: 200, pauseMicroseconds: 60) == [200, 200])
    }
}
