/// Where training stands, exactly enough to continue a run bit for bit: counters, the
/// shuffle generator as it was before the current epoch's shuffle, and the running sums of
/// a partly finished epoch.
public struct TrainingPosition: Codable, Equatable, Sendable {
    /// Epochs finished.
    public var completedEpochs = 0
    /// Optimizer updates made.
    public var completedSteps = 0
    /// Batches already done in the epoch in progress (0 between epochs).
    public var batchesIntoEpoch = 0
    /// The shuffle generator before the epoch in progress shuffled (or now, between epochs).
    public var epochStartGenerator: SeededGenerator
    /// Running sums of the epoch in progress: Σ batch loss × batch size (as its bit pattern,
    /// so it survives JSON exactly), correct predictions, seconds spent.
    public var partialLossSumBits: UInt64 = 0
    public var partialCorrect = 0
    public var partialSeconds = 0.0

    public init(seed: UInt64) {
        epochStartGenerator = SeededGenerator(seed: seed)
    }

    var partialLossSum: Double {
        get { Double(bitPattern: partialLossSumBits) }
        set { partialLossSumBits = newValue.bitPattern }
    }
}
