/// How minibatches are formed and penalized. (How many epochs to run is the caller's
/// loop: `Trainer.trainEpoch(on:)` runs one, `TrainingSession` runs the recipe's.)
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// Rows per minibatch; the last batch of an epoch may be smaller (it is kept).
    public var batchSize: Int
    /// Shuffle the rows at the start of every epoch (false: file order, as CS229's starter).
    public var shuffle: Bool
    /// Seed of the shuffle's generator.
    public var seed: UInt64
    /// L2 penalty λ·Σ‖W‖² on weights only (not biases), added to the cost's gradient as
    /// 2λW, as in the CS229 problem set.
    public var l2: Double
    /// Run each training step with subnormal values flushed to zero (results below 2⁻¹²⁶ in
    /// Float become ±0, and so are such inputs), as JAX does on CPU and
    /// `torch.set_flush_denormal(True)` does. Many CPUs handle subnormals in microcode: a
    /// sigmoid network whose saturated units give σ′(z) < 2⁻¹²⁶ can spend a tenth of its step
    /// there. Off (IEEE 754 arithmetic) by default. Only the step's arithmetic is affected: the
    /// mode is set for each step and the caller's mode is back before `afterStep` runs.
    /// Results stay bitwise the same for any thread count and from run to run.
    public var flushesSubnormals: Bool

    public init(batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0, l2: Double = 0,
                flushesSubnormals: Bool = false) {
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.l2 = l2
        self.flushesSubnormals = flushesSubnormals
    }
}
