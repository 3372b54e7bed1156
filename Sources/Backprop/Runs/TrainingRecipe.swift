/// Everything that defines a training run, as the command line states it: data, network,
/// optimizer, schedule, batches, seeds. It is stored in checkpoints, so `--resume` needs
/// nothing else, and in model files' metadata as a record of how the model was made.
public struct TrainingRecipe: Codable, Equatable, Sendable {
    /// The training data, as `DataSource(parsing:)` reads it.
    public var data = "moons"
    /// A CSV's target columns and the columns left out (nil: the last column is the target).
    public var csvColumns: CSVColumns?
    /// A separate validation set; overrides `validationSplit`.
    public var validationData: String?
    /// Fraction of the training data held out for validation (seeded).
    public var validationSplit: Double?

    /// Widths including input and output; nil: inferred from the data or the weights.
    public var layers: [Int]?
    public var activation: Activation = .tanh
    public var loss: LossFunction = .softmaxCrossEntropy
    public var initializer: Initializer = .glorot
    public var hiddenBias = true
    /// A state dict to start from instead of a fresh initialization.
    public var initialWeights: String?
    /// How inputs are scaled before the first layer (fitted on the training part; the
    /// fitted scaling is stored in checkpoints and model files).
    public var inputScaling: InputScaling.Kind = .automatic

    /// `OptimizerConfiguration.names`.
    public var optimizer = "sgd"
    public var learningRate = 0.5
    public var momentum: Double?
    public var weightDecay: Double?
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    public var schedule: LearningRateSchedule = .constant

    public var epochs = 100
    /// Rows per minibatch; 0 means the whole training set (full-batch gradient descent).
    public var batchSize = 32
    public var shuffle = true
    public var l2 = 0.0
    public var seed: UInt64 = 0
    /// `TrainingConfiguration.flushesSubnormals` (true unless strict IEEE 754 subnormals are
    /// asked for); nil, as in recipes written before it existed, is false: the mode they
    /// were trained in.
    public var flushSubnormals: Bool? = true

    /// Stop after this many epochs without improvement of the validation loss (or the
    /// training loss without validation); nil: never.
    public var earlyStoppingPatience: Int?
    public var earlyStoppingMinimumDelta = 0.0
    public var restoreBestWeights = false

    public init() {}

    /// Checks values that do not depend on the data.
    public func validate() throws(TrainingError) {
        guard learningRate >= 0, learningRate.isFinite else { throw .configuration("--learning-rate must be a number ≥ 0, got \(learningRate)") }
        guard batchSize >= 0 else { throw .configuration("--batch-size must be ≥ 0 (0 = full batch), got \(batchSize)") }
        guard epochs >= 0 else { throw .configuration("--epochs must be ≥ 0, got \(epochs)") }
        guard l2 >= 0, l2.isFinite else { throw .configuration("--l2 must be ≥ 0, got \(l2)") }
        if let fraction = validationSplit, !(fraction > 0 && fraction < 1) {
            throw .configuration("--validation-split must be between 0 and 1 (exclusive), got \(fraction)")
        }
        if let layers, layers.count < 2 || layers.contains(where: { $0 <= 0 }) {
            throw .configuration("--layers needs at least two positive sizes, got \(layers)")
        }
        if let patience = earlyStoppingPatience, patience < 0 {
            throw .configuration("--early-stopping patience must be ≥ 0, got \(patience)")
        }
        if let csvColumns, !csvColumns.isDefault, !data.hasPrefix("csv:") {
            throw .configuration("--target and --ignore choose columns of csv: data, not of \(data)")
        }
        _ = try makeOptimizer()
    }

    /// The optimizer the recipe names, fresh.
    public func makeOptimizer() throws(TrainingError) -> OptimizerConfiguration {
        try OptimizerConfiguration(name: optimizer, learningRate: learningRate, momentum: momentum,
                                   weightDecay: weightDecay, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }

    /// The network part of the recipe.
    public var specification: NetworkSpecification {
        NetworkSpecification(sizes: layers, activation: activation, loss: loss, initializer: initializer,
                             seed: seed, hiddenBias: hiddenBias)
    }
}
