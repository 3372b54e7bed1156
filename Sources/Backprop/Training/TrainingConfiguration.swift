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

    public init(batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0, l2: Double = 0) {
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.l2 = l2
    }
}
