#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Backend {
    /// Threads worth using for a training step of a network with `parameterCount`
    /// parameters on batches of `batchSize` rows: one step does about
    /// 6·parameters·batch floating-point operations (forward, ∂W and ∂A products). Below
    /// ~1 MFLOP per step (the seeds' networks) nothing is worth a hand-off and the step stays
    /// on one thread; above it, two, and each product, batch copy and update decides from
    /// its own size whether to use the second (784-30 on batches of 10, 1.4 MFLOP per step:
    /// 0.135 s/epoch on one thread, 0.107 on two, on a quiet machine). Never more threads
    /// than cores.
    public static func recommendedThreads(parameterCount: Int, batchSize: Int) -> Int {
        let flopsPerStep = 6.0 * Double(parameterCount) * Double(batchSize)
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return flopsPerStep < 1e6 ? 1 : min(2, cores)
    }
}
