import Foundation

/// A whole training run as `backprop train` performs it: load and scale the data, hold out
/// validation, build (or load, or resume) the network, train epoch by epoch with the
/// schedule, early stopping and checkpoints, and report what happens through events.
///
/// The command line only turns options into a `TrainingRecipe` and prints the events.
public final class TrainingSession {
    public let recipe: TrainingRecipe
    public let network: Network<Float>
    public let trainer: Trainer<Float>
    public let training: Dataset<Float>
    public let validation: Dataset<Float>?
    /// The source's test split, scaled like the training data: the `t10k` files of IDX data
    /// and Fashion-MNIST, a fresh sample (seed + 1) of a built-in set; nil for CSV, NPY and
    /// CS229 files.
    public let test: Dataset<Float>?
    public let inputScaling: InputScaling
    /// Height and width when the inputs are images.
    public let imageShape: (height: Int, width: Int)?
    /// The epochs: training, validation, schedule, early stopping, best weights.
    public let loop: EpochLoop<Float>
    public var history: [EpochMetrics] { loop.history }
    public var earlyStopping: EarlyStopping? { loop.earlyStopping }
    /// Parameters of the best epoch so far (kept when `restoreBestWeights`).
    public var best: Network<Float>? { loop.best }
    /// The training data's digest, taken when the first checkpoint is written (or checked
    /// against the checkpoint on resume).
    var trainingDigest: DataDigest?
    /// The metrics history file of the checkpoint directory this session writes to.
    var historyLog: (directory: String, log: CheckpointHistory)?
    /// The directory and checkpoint this session resumed from, to continue its history file.
    var resumedFrom: (directory: String, count: Int, checksum: UInt32)?

    /// The history file of the checkpoint this session resumed from, when `directory` is it.
    func resumedHistory(_ directory: String) throws -> CheckpointHistory? {
        guard let resumedFrom, resumedFrom.directory == directory else { return nil }
        return try CheckpointHistory(directory: directory, count: resumedFrom.count, checksum: resumedFrom.checksum)
    }

    /// Where the model is saved, recorded in checkpoints (`--output`).
    public var output: String?
    /// The output recorded in the checkpoint this session resumed from.
    public private(set) var checkpointOutput: String?

    /// What happens during `run`, in order.
    public enum Event {
        case step(Trainer<Float>.StepProgress)
        case epochEnded(EpochMetrics)
        case checkpointWritten(path: String)
        case stoppedEarly(epoch: Int, bestEpoch: Int)
        case restoredBestWeights(epoch: Int)
    }

    /// Where and how often to checkpoint: after every epoch, and every `everySteps` updates.
    public struct CheckpointPolicy: Sendable {
        public var directory: String
        public var everySteps: Int?
        public init(directory: String, everySteps: Int? = nil) {
            self.directory = directory
            self.everySteps = everySteps
        }
    }

    /// A fresh run of `recipe`.
    public convenience init(recipe: TrainingRecipe) throws {
        try recipe.validate()
        let source = try DataSource(parsing: recipe.data)
        var specification = recipe.specification
        var initial: Network<Float>?
        if let path = recipe.initialWeights {
            initial = try ModelFile.initialNetwork(path: path, specification: specification, as: Float.self)
            specification.sizes = initial!.layerSizes
        }
        if let sizes = specification.sizes {
            // Before the data is read: a size that cannot be trained here is refused at once.
            try NetworkSize(sizes: sizes, batchSize: recipe.batchSize).checkFits()
        }
        let loaded: LoadedData<Float> = try source.load(
            loss: recipe.loss, outputSize: specification.declaredOutputSize ?? 1, seed: recipe.seed, columns: recipe.csvColumns)
        let sizes = try specification.resolvedSizes(
            featureCount: loaded.training.featureCount,
            outputSize: try specification.declaredOutputSize ?? Self.outputSize(for: loaded.training, loss: recipe.loss, data: recipe.data))
        let batchSize = recipe.batchSize == 0 ? loaded.training.count : recipe.batchSize
        try NetworkSize(sizes: sizes, batchSize: batchSize).checkFits()
        let network = try initial ?? specification.makeNetwork(sizes: sizes, as: Float.self)
        try self.init(recipe: recipe, network: network, loaded: consume loaded, scaling: nil, optimizer: recipe.makeOptimizer(),
                      position: nil, scheduler: nil, earlyStopping: nil, history: [], best: nil)
    }

    /// `NetworkSpecification.outputSize`, with the data set named in its error.
    static func outputSize(for training: Dataset<Float>, loss: LossFunction, data: String) throws -> Int {
        do {
            return try NetworkSpecification.outputSize(for: training, loss: loss)
        } catch {
            throw ShapeError("\(data): \(error.description)")
        }
    }

    /// Continues the run checkpointed in `directory`; `epochs` can extend it.
    public convenience init(resumingFrom directory: String, epochs: Int? = nil) throws {
        let checkpoint = try Checkpoint<Float>.read(from: directory)
        var recipe = checkpoint.state.recipe
        if let epochs {
            // A cosine schedule spans the epochs it was made for and then stays at its
            // minimum: extending it would train on at that rate (0 by default).
            if case .cosine(let total, let minimum) = recipe.schedule, epochs > total {
                throw ShapeError("\(Checkpoint<Float>.path(in: directory)): the run's cosine schedule spans \(total) epochs and ends at rate \(minimum); --epochs \(epochs) would train epochs \(total + 1)...\(epochs) at that rate. Start a new run from the model instead (--init-weights)")
            }
            recipe.epochs = epochs
        }
        let loaded: LoadedData<Float> = try DataSource(parsing: recipe.data).load(
            loss: recipe.loss, outputSize: checkpoint.network.outputSize, seed: recipe.seed, columns: recipe.csvColumns)
        try self.init(recipe: recipe, network: checkpoint.network, loaded: consume loaded, scaling: checkpoint.state.inputScaling,
                      optimizer: checkpoint.state.optimizer, position: checkpoint.state.position,
                      scheduler: checkpoint.state.scheduler, earlyStopping: checkpoint.state.earlyStopping,
                      history: checkpoint.state.history, best: checkpoint.best)
        if let recorded = checkpoint.state.trainingData {
            let current = DataDigest(training)
            if let difference = recorded.mismatch(with: current) {
                throw ModelFile.Error("\(Checkpoint<Float>.path(in: directory)): \(recipe.data) is not the data this run was checkpointed on: \(difference). Resume with the same data, or start a new run")
            }
            trainingDigest = current
        }
        checkpointOutput = checkpoint.state.output
        output = checkpoint.state.output
        if let count = checkpoint.state.historyCount, let checksum = checkpoint.state.historyChecksum {
            resumedFrom = (directory, count, checksum)
        }
    }

    /// `loaded` is consumed: its data sets are moved out and scaled in place, so a large
    /// image set is never held twice.
    init(recipe: TrainingRecipe, network: Network<Float>, loaded: consuming LoadedData<Float>, scaling: InputScaling?,
         optimizer: OptimizerConfiguration, position: TrainingPosition?, scheduler: LearningRateScheduler?,
         earlyStopping: EarlyStopping?, history: [EpochMetrics], best: Network<Float>?) throws {
        let imageShape = loaded.imageShape
        var training = loaded.training
        var test = loaded.test
        loaded = LoadedData(training: Dataset(inputs: Matrix(rows: 0, columns: 0), targets: Matrix(rows: 0, columns: 0)))
        var validation: Dataset<Float>?
        if let validationData = recipe.validationData {
            let other: LoadedData<Float> = try DataSource(parsing: validationData).load(
                loss: recipe.loss, outputSize: network.outputSize, seed: recipe.seed &+ 2, classNames: training.classNames,
                columns: recipe.csvColumns)
            validation = other.test ?? other.training
        } else if let fraction = recipe.validationSplit {
            let parts = try ValidationSplit(fraction: fraction, seed: recipe.seed).split(training)
            training = parts.training
            validation = parts.validation
        }
        let scaling = try scaling ?? InputScaling.fit(recipe.inputScaling, to: training.inputs)
        try scaling.apply(to: &training)
        if validation != nil { try scaling.apply(to: &validation!) }
        if test != nil { try scaling.apply(to: &test!) }

        let batchSize = recipe.batchSize == 0 ? training.count : recipe.batchSize
        let configuration = TrainingConfiguration(
            batchSize: max(batchSize, 1), shuffle: recipe.shuffle, seed: recipe.seed, l2: recipe.l2,
            flushesSubnormals: recipe.flushSubnormals ?? false)
        let trainer = Trainer(
            network: network, optimizer: optimizer.optimizer, configuration: configuration,
            scheduler: scheduler ?? LearningRateScheduler(schedule: recipe.schedule, baseLearningRate: recipe.learningRate))
        if let position { trainer.position = position }
        try trainer.validate(training, name: recipe.data)
        if let validation { try trainer.validate(validation, name: recipe.validationData.map { "\($0) (validation data)" } ?? "validation data") }
        // The test split is read from its own files (IDX's t10k, a built-in set's fresh
        // sample): a label the network cannot output is named here, not deep in evaluation.
        if let test { try trainer.validate(test, name: "\(recipe.data) (test set)") }

        self.recipe = recipe
        self.network = network
        self.trainer = trainer
        self.training = training
        self.validation = validation
        self.test = test
        self.inputScaling = scaling
        self.imageShape = imageShape
        var stopping = earlyStopping
        if stopping == nil, let patience = recipe.earlyStoppingPatience {
            stopping = try EarlyStopping(patience: patience, minimumDelta: recipe.earlyStoppingMinimumDelta,
                                         restoreBestWeights: recipe.restoreBestWeights)
        }
        self.loop = EpochLoop(
            trainer: trainer, training: training, validation: validation, earlyStopping: stopping,
            history: history, best: best)
    }

    /// The optimizer as the recipe configures it (the learning rate before any schedule),
    /// e.g. "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)".
    public var configuredOptimizerDescription: String {
        (try? recipe.makeOptimizer().optimizer.description) ?? trainer.optimizer.description
    }

    /// Whether the run has more epochs to go.
    public var isFinished: Bool {
        trainer.completedEpochs >= recipe.epochs || loop.hasStoppedEarly
    }

    /// Trains until the recipe's epoch count (or early stopping), writing checkpoints as
    /// asked. On divergence the network is put back to the last epoch with a finite loss
    /// and the `TrainingError` is rethrown.
    public func run(checkpoints: CheckpointPolicy? = nil, onEvent: (Event) throws -> Void = { _ in }) throws {
        while !isFinished {
            let (metrics, decision) = try loop.runEpoch { progress in
                try onEvent(.step(progress))
                if let checkpoints, let every = checkpoints.everySteps, progress.completedSteps % every == 0,
                   progress.batchesDone < progress.batchCount {
                    try self.writeCheckpoint(to: checkpoints.directory)
                    try onEvent(.checkpointWritten(path: Checkpoint<Float>.path(in: checkpoints.directory)))
                }
            }
            try onEvent(.epochEnded(metrics))
            if decision == .stop {
                try onEvent(.stoppedEarly(epoch: metrics.epoch, bestEpoch: earlyStopping?.bestEpoch ?? metrics.epoch))
            }
            if let checkpoints {
                try writeCheckpoint(to: checkpoints.directory)
                try onEvent(.checkpointWritten(path: Checkpoint<Float>.path(in: checkpoints.directory)))
            }
        }
        if let epoch = loop.restoreBestWeights() {
            try onEvent(.restoredBestWeights(epoch: epoch))
        }
    }

    /// The run's state as a checkpoint.
    public var checkpoint: Checkpoint<Float> {
        Checkpoint(
            state: CheckpointState(
                recipe: recipe, position: trainer.position,
                optimizer: OptimizerConfiguration(trainer.optimizer) ?? .sgd(SGD(learningRate: trainer.optimizer.learningRate)),
                scheduler: trainer.scheduler, earlyStopping: earlyStopping, inputScaling: inputScaling, history: history,
                trainingData: trainingDigest, output: output),
            network: network, best: best)
    }

    /// Writes `checkpoint` into `directory` atomically, appending the epochs since the last
    /// checkpoint to the directory's metrics history.
    public func writeCheckpoint(to directory: String) throws {
        if trainingDigest == nil { trainingDigest = DataDigest(training) }
        if historyLog?.directory != directory {
            historyLog = (directory, try resumedHistory(directory) ?? CheckpointHistory(directory: directory))
        }
        try checkpoint.write(to: directory, history: historyLog!.log)
    }

    /// Saves the model (with the input scaling in its metadata) atomically; without
    /// `replacing`, never over anything already at `path` (`AtomicFile`).
    public func saveModel(to path: String, replacing: Bool = true) throws {
        let names = training.classNames.flatMap { $0.count == network.outputSize ? $0 : nil }
        try ModelFile.save(network, to: path, inputScaling: inputScaling, replacing: replacing, classNames: names,
                           csvColumns: recipe.csvColumns)
    }
}
