/// What one epoch of training measured; one line of `--metrics FILE.jsonl`.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean of the minibatch costs J seen during the epoch, each computed before its
    /// update and weighted by its batch size (as Keras and a typical PyTorch loop report).
    /// The data term only: an L2 penalty is not included.
    public var trainLoss: Double
    /// Fraction of training examples classified correctly during the epoch (classification).
    public var trainAccuracy: Double?
    /// Cost and accuracy on the validation set after the epoch, when there is one.
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// The learning rate used during the epoch.
    public var learningRate: Double
    /// Wall-clock seconds of the epoch's training steps (validation excluded).
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch
        case trainLoss = "train_loss"
        case trainAccuracy = "train_accuracy"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
        case learningRate = "learning_rate"
        case seconds
    }

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
    }
}
