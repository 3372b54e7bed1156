#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Backend {
    /// Threads worth using for a training step of a network with `parameterCount`
    /// parameters on batches of `batchSize` rows: one step does about
    /// 6·parameters·batch floating-point operations (forward, ∂W and ∂A products); below
    /// ~50 MFLOP per step a second thread costs more in hand-off than it saves, so tiny
    /// and online-sized models stay on one thread. Never more threads than cores.
    public static func recommendedThreads(parameterCount: Int, batchSize: Int) -> Int {
        let flopsPerStep = 6.0 * Double(parameterCount) * Double(batchSize)
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return flopsPerStep < 50e6 ? 1 : min(2, cores)
    }
}
