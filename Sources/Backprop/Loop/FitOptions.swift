/// How `Model.fit` trains: the settings `backprop train` takes as flags, for in-memory data.
public struct FitOptions: Sendable {
    /// Passes over the training data (0: none, the network is returned as it is).
    public var epochs: Int
    /// Rows per minibatch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// The update rule and its hyper-parameters; its learning rate is the schedule's α₀.
    public var optimizer: OptimizerConfiguration
    /// How the learning rate changes from epoch to epoch.
    public var schedule: LearningRateSchedule
    /// The L2 penalty λ on weights (`L2Penalty`).
    public var l2: Double
    /// Shuffle the rows at the start of every epoch, from a generator seeded with `seed`.
    public var shuffle: Bool
    public var seed: UInt64
    /// How inputs are scaled: fitted on the training data, applied to the validation data,
    /// and kept in the model for `predict` (`InputScaling`).
    public var inputScaling: InputScaling.Kind
    /// Stop when the monitored value (validation loss, else training loss) stops improving.
    public var earlyStopping: EarlyStopping?
    /// Flush subnormal values to zero during steps (`TrainingConfiguration.flushesSubnormals`).
    public var flushesSubnormals: Bool
    /// The backend and thread tuning of the steps (by default the calling thread's backend).
    public var execution: ExecutionPolicy

    public init(
        epochs: Int = 10, batchSize: Int = 32, optimizer: OptimizerConfiguration = .sgd(SGD(learningRate: 0.1)),
        schedule: LearningRateSchedule = .constant, l2: Double = 0, shuffle: Bool = true, seed: UInt64 = 0,
        inputScaling: InputScaling.Kind = .automatic, earlyStopping: EarlyStopping? = nil,
        flushesSubnormals: Bool = true, execution: ExecutionPolicy = ExecutionPolicy()
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.schedule = schedule
        self.l2 = l2
        self.shuffle = shuffle
        self.seed = seed
        self.inputScaling = inputScaling
        self.earlyStopping = earlyStopping
        self.flushesSubnormals = flushesSubnormals
        self.execution = execution
    }

    /// Throws `TrainingError.configuration` naming the first setting out of range.
    public func validate() throws(TrainingError) {
        guard epochs >= 0 else { throw .configuration("epochs must be at least 0, got \(epochs)") }
        guard batchSize >= 1 else { throw .configuration("batch size must be at least 1, got \(batchSize)") }
        let rate = optimizer.optimizer.learningRate
        guard rate.isFinite, rate >= 0 else { throw .configuration("learning rate must be a finite number ≥ 0, got \(rate)") }
        guard l2.isFinite, l2 >= 0 else { throw .configuration("L2 penalty must be a finite number ≥ 0, got \(l2)") }
        do {
            try schedule.validate()
        } catch {
            throw .configuration(error.description)
        }
    }
}
