extension Backend {
    /// Threads worth using for a training step of a network with `parameterCount`
    /// parameters on batches of `batchSize` rows: one step does about
    /// 6·parameters·batch floating-point operations (forward, ∂W and ∂A products). Below
    /// ~1 MFLOP per step (the seeds' networks) nothing is worth a hand-off and the step stays
    /// on one thread; above it, two, and each product, batch copy and update decides from
    /// its own size whether to use the second (784-30 on batches of 10, 1.4 MFLOP per step,
    /// measured faster on two threads than on one on a quiet machine; figures in
    /// docs/performance.md, "Design measurements"). Never more threads than cores.
    public static func recommendedThreads(parameterCount: Int, batchSize: Int) -> Int {
        stepFlops(parameterCount: parameterCount, batchSize: batchSize) < 1e6 ? 1 : min(2, availableCores)
    }

    /// The thread counts worth timing on the run's first steps (`ThreadTuner`) for such a
    /// step: one and two between ~1 and ~50 MFLOP per step, where the machine decides which
    /// is faster; `nil` outside that range (and on one core), where `recommendedThreads` is
    /// clear (below, one; above, two: cs229's 784-300 on batches of 1000 measured faster on
    /// two threads even on a busy machine; figures in docs/performance.md, "Design
    /// measurements").
    public static func threadCountsToMeasure(parameterCount: Int, batchSize: Int) -> [Int]? {
        let flops = stepFlops(parameterCount: parameterCount, batchSize: batchSize)
        return availableCores >= 2 && flops >= 1e6 && flops < 5e7 ? [1, 2] : nil
    }

    /// About 6·parameters·batch: forward, ∂W and ∂A products.
    static func stepFlops(parameterCount: Int, batchSize: Int) -> Double {
        6.0 * Double(parameterCount) * Double(batchSize)
    }
}
