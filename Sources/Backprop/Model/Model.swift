import Foundation

/// A network with what predicting needs besides its parameters: the input scaling it was
/// trained with and its classes' names. `predict` and `evaluate` take inputs as the data has
/// them and scale them first, so a model trained on standardized inputs predicts from raw
/// ones; `save(to:)` and `load(from:)` keep all three in one safetensors file (the scaling and
/// names in its metadata), the file `backprop train` writes and `backprop predict` reads.
///
///     var options = FitOptions(epochs: 20, optimizer: .adam(Adam()))
///     options.earlyStopping = try EarlyStopping(patience: 3, restoreBestWeights: true)
///     let network = try Network<Float>(sizes: [4, 16, 3], activation: .relu, loss: .softmaxCrossEntropy)
///     let model = try Model.fit(network, on: training, validation: validation, options: options)
///     try model.save(to: "iris.safetensors")
///     let probabilities = try Model<Float>.load(from: "iris.safetensors").predict(inputs)
public struct Model<Scalar: NetworkScalar> {
    public let network: Network<Scalar>
    /// Applied to inputs before the network sees them.
    public var inputScaling: InputScaling
    /// Class 0's name first; nil when the classes are only numbers.
    public var classNames: [String]?

    public init(network: Network<Scalar>, inputScaling: InputScaling = .none, classNames: [String]? = nil) {
        self.network = network
        self.inputScaling = inputScaling
        self.classNames = classNames
    }

    // MARK: - Fitting

    /// Trains `network` in place on `training` as `backprop train` does (`EpochLoop`): the
    /// input scaling fitted on the training inputs and applied to both sets, then epochs of
    /// minibatch steps with the schedule, validation and early stopping (the best epoch's
    /// parameters put back when it restores them). `onEpoch` gets each epoch's metrics,
    /// `onStep` each update's progress; either may throw to stop the run.
    ///
    /// - Throws: `TrainingError.configuration` for options out of range, `.shape` for data
    ///   that does not fit the network, `.diverged` when the loss stops being finite (the
    ///   network then holds the last finite epoch's parameters).
    public static func fit(
        _ network: Network<Scalar>, on training: Dataset<Scalar>, validation: Dataset<Scalar>? = nil,
        options: FitOptions = FitOptions(),
        onEpoch: (EpochMetrics) throws -> Void = { _ in },
        onStep: (Trainer<Scalar>.StepProgress) throws -> Void = { _ in }
    ) throws -> Model {
        try options.validate()
        var training = training
        var validation = validation
        let scaling: InputScaling
        do {
            scaling = try InputScaling.fit(options.inputScaling, to: training.inputs)
            try scaling.apply(to: &training)
            if validation != nil { try scaling.apply(to: &validation!) }
        } catch {
            throw TrainingError.shape("input scaling: \(error.description)")
        }
        let optimizer = options.optimizer.optimizer
        let trainer = Trainer(
            network: network, optimizer: optimizer,
            configuration: TrainingConfiguration(
                batchSize: options.batchSize, shuffle: options.shuffle, seed: options.seed, l2: options.l2,
                flushesSubnormals: options.flushesSubnormals),
            scheduler: LearningRateScheduler(schedule: options.schedule, baseLearningRate: optimizer.learningRate),
            execution: options.execution)
        try trainer.validate(training, name: "training data")
        if let validation { try trainer.validate(validation, name: "validation data") }
        let loop = EpochLoop(trainer: trainer, training: training, validation: validation, earlyStopping: options.earlyStopping)
        while trainer.completedEpochs < options.epochs && !loop.hasStoppedEarly {
            try onEpoch(try loop.runEpoch(afterStep: onStep).metrics)
        }
        _ = loop.restoreBestWeights()
        return Model(network: network, inputScaling: scaling, classNames: training.classNames)
    }

    // MARK: - Using a model

    /// The predictions for inputs as the data has them (n x features, unscaled): class
    /// probabilities (softmax), positive-class probabilities (sigmoid) or regression outputs.
    public func predict(_ inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try network.predict(try scaled(inputs))
    }

    /// The most probable class of each row of `inputs` (unscaled); for a sigmoid output, 1
    /// when its probability is at least ½.
    public func classify(_ inputs: Matrix<Scalar>) throws -> [Int] {
        let outputs = try predict(inputs)
        return (0..<outputs.rows).map { row in
            guard outputs.columns > 1 else { return outputs[row, 0] >= 0.5 ? 1 : 0 }
            var best = 0
            for column in 1..<outputs.columns where outputs[row, column] > outputs[row, best] { best = column }
            return best
        }
    }

    /// Loss and accuracy on a data set as the data has it (unscaled).
    public func evaluate(_ dataset: Dataset<Scalar>) throws -> Evaluation {
        var dataset = dataset
        dataset.inputs = try scaled(dataset.inputs)
        return try network.evaluate(dataset)
    }

    private func scaled(_ inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard inputs.columns == network.inputSize else {
            throw ShapeError("model: expected \(network.inputSize) input columns, got \(inputs.columns)")
        }
        return try inputScaling.applied(to: inputs)
    }

    // MARK: - Files

    /// Writes the model atomically (temporary file, then rename): the parameters as F32 (F64
    /// for a `Double` model) under PyTorch's state-dict names, the architecture, scaling and
    /// class names in the metadata. Without `replacing`, never over an existing file.
    public func save(to path: String, replacing: Bool = true) throws {
        let names = classNames.flatMap { $0.count == network.outputSize ? $0 : nil }
        try ModelFile.save(
            network, to: path, inputScaling: inputScaling, fullPrecision: Scalar.self == Double.self,
            replacing: replacing, classNames: names)
    }

    /// A model written by `save(to:)` or `backprop train`.
    public static func load(from path: String) throws -> Model {
        let file = try SafeTensors.read(from: path)
        return Model(
            network: try ModelFile.network(from: file, path: path),
            inputScaling: try ModelFile.inputScaling(from: file, path: path),
            classNames: try ModelFile.classNames(from: file, path: path))
    }
}
