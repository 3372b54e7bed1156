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
    /// Float, 2⁻¹⁰²² in Double, become ±0, and such inputs are read as ±0), as XLA does on CPU
    /// and `torch.set_flush_denormal(True)` does. The default: many CPUs handle subnormals in
    /// microcode (Intel cores take an assist of ~100 cycles per subnormal operand or result),
    /// and a sigmoid network whose saturated units give σ′(z) < 2⁻¹²⁶ makes many of them.
    /// Only the step's arithmetic is affected: the mode is set for each step and the caller's
    /// is back before `afterStep` runs. Set it to false for strict IEEE 754 arithmetic: the
    /// calling thread's mode is then left as it is. With the native backend, results stay
    /// bitwise the same for any thread count and from run to run in either mode.
    public var flushesSubnormals: Bool

    public init(batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0, l2: Double = 0,
                flushesSubnormals: Bool = true) {
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.l2 = l2
        self.flushesSubnormals = flushesSubnormals
    }

    /// Reads configurations encoded before `flushesSubnormals` existed as false, the mode
    /// they were trained in, so that a resumed run continues bit for bit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        shuffle = try container.decode(Bool.self, forKey: .shuffle)
        seed = try container.decode(UInt64.self, forKey: .seed)
        l2 = try container.decode(Double.self, forKey: .l2)
        flushesSubnormals = try container.decodeIfPresent(Bool.self, forKey: .flushesSubnormals) ?? false
    }
}
