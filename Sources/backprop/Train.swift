import ArgumentParser
import Backprop
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network and save it as safetensors.",
        discussion: """
            With no arguments, trains a small tanh classifier on the built-in two-moons set \
            and saves it to model.safetensors. Options given with --preset override the preset's values.
            """)

    // MARK: Data

    @Option(help: "Start from a textbook setup: cs229, nielsen, modern (data: fashion-mnist unless --data is given).")
    var preset: PresetName?

    @Option(help: "Training data: moons, blobs, xor, spiral (built in), fashion-mnist, csv:PATH, idx:DIR, mnist:DIR, npy:INPUTS,TARGETS, cs229:IMAGES,LABELS. (default: moons)")
    var data: String?

    @Option(help: "Validation data (same forms as --data); its test split is used when it has one.")
    var validation: String?

    @Option(help: "CSV data: the target column(s), by header name or 1-based number, comma-separated (default: the last).")
    var target: String?

    @Option(help: "CSV data: columns that are neither features nor targets (an id), by header name or 1-based number, comma-separated.")
    var ignore: String?

    @Option(name: .customLong("validation-split"), parsing: .unconditional, help: "Fraction of the training data held out for validation (seeded).")
    var validationSplit: Double?

    @Flag(name: .customLong("no-validation"), help: "No validation set, even if the preset holds one out.")
    var noValidation = false

    @Option(help: "Input scaling fitted on the training part: auto, none, divide:DIVISOR (e.g. divide:255), standardize (per feature), standardize:per-feature, standardize:global. auto divides 8-bit images by 255 and standardizes other data per feature; the fitted scaling is stored in the model and applied by every command. (default: auto)")
    var scale: String?

    // MARK: Network

    @Option(help: "Layer widths including input and output, e.g. 784,300,10. (default: inputs,H,H,outputs with H the power of two at or above √(inputs·outputs), from 16 to 64)")
    var layers: LayerSizes?

    @Option(help: "Hidden-layer activation: sigmoid, tanh, relu, identity. (default: tanh)")
    var activation: Activation?

    @Option(help: "Loss: softmax-cross-entropy, binary-cross-entropy, mse. (default: softmax-cross-entropy)")
    var loss: LossFunction?

    @Flag(help: "Hidden dense layers without bias (the 2-3-1 classifier's network).")
    var noHiddenBias = false

    @Option(name: [.customLong("init"), .customLong("initializer")],
            help: "Weight initialization: normal, normal-with-bias, glorot, he, lecun. (default: glorot)")
    var initializer: Initializer?

    @Option(name: .customLong("init-weights"), help: "Start from these parameters (safetensors with PyTorch state-dict names: 0.weight, 0.bias, 2.weight, ...).")
    var initWeights: String?

    // MARK: Optimization

    @Option(help: "Optimizer: sgd, momentum, nesterov, adam, adamw, rmsprop. (default: sgd)")
    var optimizer: String?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Step size α. (default: 0.5)")
    var learningRate: Double?

    @Option(parsing: .unconditional, help: "Momentum μ for sgd/momentum/nesterov/rmsprop.")
    var momentum: Double?

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay as PyTorch's optimizers apply it (decoupled for adamw).")
    var weightDecay: Double?

    @Option(help: "Learning-rate schedule: constant, step:SIZE:GAMMA, exponential:GAMMA, cosine[:MIN], plateau[:FACTOR:PATIENCE].")
    var schedule: String?

    @Option(parsing: .unconditional, help: "Examples per minibatch; 0 = the whole training set (full-batch gradient descent). (default: 32)")
    var batchSize: Int?

    @Option(parsing: .unconditional, help: "Passes over the training data; 0 saves the initial (or --init-weights) model without training. (default: 100)")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "L2 penalty λ·Σ‖W‖² on weights only (gradient 2λW). (default: 0)")
    var l2: Double?

    @Option(help: "Seed for initialization, shuffling, splits and built-in data. (default: 0)")
    var seed: UInt64?

    @Flag(help: "Keep the data in file order instead of shuffling every epoch.")
    var noShuffle = false

    @Flag(help: "Keep IEEE 754 subnormal values (below 2⁻¹²⁶ in Float) during training steps instead of flushing them to zero as XLA does on CPU (the default): strict, but several times slower on CPUs that handle subnormals in microcode when saturated sigmoid units make them.")
    var ieeeSubnormals = false

    @Option(name: .customLong("early-stopping"), parsing: .unconditional, help: "Stop after this many epochs without improvement of the validation loss (training loss without validation).")
    var earlyStopping: Int?

    @Flag(name: .customLong("restore-best-weights"), help: "With --early-stopping, end with the best epoch's parameters.")
    var restoreBestWeights = false

    @Option(parsing: .unconditional, help: "Threads for the training step (default: what is fastest for the model's size; between ~1 and ~50 MFLOP per step, one and two threads are timed on the first steps and the faster kept).")
    var threads: Int?

    // MARK: Output

    @Option(help: "Where to save the trained model. (default: model.safetensors)")
    var output: String?

    @Flag(help: "Replace --output if it exists.")
    var overwrite = false

    @Option(help: "Write one JSON object per epoch to this file (JSON Lines).")
    var metrics: String?

    @Option(help: "Write TensorBoard event files (loss, accuracy, learning rate per epoch) into this directory.")
    var tensorboard: String?

    @Option(help: "Write a self-contained HTML report (curves, confusion matrix, decision boundary, first-layer weights).")
    var report: String?

    @Option(name: .customLong("checkpoint-dir"), help: "Write a checkpoint into this directory after every epoch.")
    var checkpointDirectory: String?

    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Also checkpoint every N optimizer steps (needs --checkpoint-dir).")
    var checkpointEvery: Int?

    @Option(help: "Continue the run checkpointed in this directory (other options are taken from the checkpoint; --epochs may extend it).")
    var resume: String?

    @Flag(help: "Print only the final summary.")
    var quiet = false

    static let defaultOutput = "model.safetensors"

    enum PresetName: String, ExpressibleByArgument, CaseIterable {
        case cs229, nielsen, modern
    }

    mutating func validate() throws {
        if let learningRate, !(learningRate >= 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a number ≥ 0") }
        if let batchSize, batchSize < 0 { throw ValidationError("--batch-size must be ≥ 0 (0 = full batch)") }
        if let epochs, epochs < 0 { throw ValidationError("--epochs must be ≥ 0 (0 saves the initial or given weights without training)") }
        if let l2, !(l2 >= 0) { throw ValidationError("--l2 must be ≥ 0") }
        if let validationSplit, !(validationSplit > 0 && validationSplit < 1) { throw ValidationError("--validation-split must be between 0 and 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1") }
        if checkpointEvery != nil && checkpointDirectory == nil && resume == nil { throw ValidationError("--checkpoint-every needs --checkpoint-dir") }
        if resume != nil, !recipeOptionsGiven.isEmpty {
            throw ValidationError("--resume continues the checkpointed run with its own settings; \(recipeOptionsGiven.joined(separator: ", ")) cannot change it (start a new run instead; --epochs may extend it)")
        }
    }

    /// The recipe the options describe: the preset's (or the defaults), then every option given.
    func recipe() throws -> TrainingRecipe {
        var recipe = preset.map { TrainingPreset(rawValue: $0.rawValue)!.recipe(data: data ?? "fashion-mnist") } ?? TrainingRecipe()
        if let data { recipe.data = data }
        if let validation { recipe.validationData = validation }
        if let validationSplit { recipe.validationSplit = validationSplit }
        if target != nil || ignore != nil {
            func names(_ list: String?) -> [String] {
                list.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            }
            recipe.csvColumns = CSVColumns(targets: names(target), ignored: names(ignore))
        }
        if noValidation {
            recipe.validationData = nil
            recipe.validationSplit = nil
        }
        if let scale { recipe.inputScaling = try InputScaling.Kind(parsing: scale) }
        if let layers { recipe.layers = layers.sizes }
        if let activation { recipe.activation = activation }
        if let loss { recipe.loss = loss }
        if noHiddenBias { recipe.hiddenBias = false }
        if let initializer { recipe.initializer = initializer }
        if let initWeights { recipe.initialWeights = initWeights }
        if let optimizer { recipe.optimizer = optimizer }
        if let learningRate { recipe.learningRate = learningRate }
        if let momentum { recipe.momentum = momentum }
        if let weightDecay { recipe.weightDecay = weightDecay }
        if let batchSize { recipe.batchSize = batchSize }
        if let epochs { recipe.epochs = epochs }
        if let schedule {
            recipe.schedule = try LearningRateSchedule(parsing: schedule, totalEpochs: recipe.epochs)
        } else if case .cosine(_, let minimum) = recipe.schedule {
            // A preset's cosine schedule spans the run, however many epochs it has.
            recipe.schedule = .cosine(totalEpochs: recipe.epochs, minimum: minimum)
        }
        if let l2 { recipe.l2 = l2 }
        if let seed { recipe.seed = seed }
        if noShuffle { recipe.shuffle = false }
        if ieeeSubnormals { recipe.flushSubnormals = false }
        if let earlyStopping { recipe.earlyStoppingPatience = earlyStopping }
        if restoreBestWeights { recipe.restoreBestWeights = true }
        try recipe.validate()
        return recipe
    }

    /// Options that define a run: `--resume` takes them from the checkpoint, so giving one
    /// beside it is refused rather than silently ignored.
    var recipeOptionsGiven: [String] {
        var given: [String] = []
        func note(_ isSet: Bool, _ name: String) { if isSet { given.append(name) } }
        note(preset != nil, "--preset"); note(data != nil, "--data"); note(validation != nil, "--validation")
        note(validationSplit != nil, "--validation-split"); note(target != nil, "--target"); note(ignore != nil, "--ignore"); note(noValidation, "--no-validation"); note(scale != nil, "--scale")
        note(layers != nil, "--layers"); note(activation != nil, "--activation"); note(loss != nil, "--loss")
        note(noHiddenBias, "--no-hidden-bias"); note(initializer != nil, "--init"); note(initWeights != nil, "--init-weights")
        note(optimizer != nil, "--optimizer"); note(learningRate != nil, "--learning-rate"); note(momentum != nil, "--momentum")
        note(weightDecay != nil, "--weight-decay"); note(schedule != nil, "--schedule"); note(batchSize != nil, "--batch-size")
        note(l2 != nil, "--l2"); note(seed != nil, "--seed"); note(noShuffle, "--no-shuffle")
        note(ieeeSubnormals, "--ieee-subnormals"); note(earlyStopping != nil, "--early-stopping")
        note(restoreBestWeights, "--restore-best-weights")
        return given
    }

    func run() throws {
        // A resumed run saves where it was saving unless told otherwise.
        var resumed: TrainingSession?
        if let resume { resumed = try TrainingSession(resumingFrom: resume, epochs: epochs) }
        let resumedOutput = output == nil ? resumed?.checkpointOutput : nil
        let outputPath = output ?? resumedOutput ?? Self.defaultOutput
        // A path the user named is never replaced without --overwrite (nor is a file that
        // appears there during training); the default output, and a resumed run's own, are
        // the run's to refresh.
        let replacesOutput = overwrite || output == nil
        if !replacesOutput && OutputPaths.exists(outputPath) {
            throw CommandFailure("\(outputPath) already exists; pass --overwrite to replace it or choose another --output")
        }
        try OutputPaths.checkWritableFile(outputPath, option: "--output")
        if let metrics { try OutputPaths.checkWritableFile(metrics, option: "--metrics") }
        if let report { try OutputPaths.checkWritableFile(report, option: "--report") }
        if let tensorboard { try OutputPaths.checkWritableDirectory(tensorboard, option: "--tensorboard") }
        if let checkpointDirectory { try OutputPaths.checkWritableDirectory(checkpointDirectory, option: "--checkpoint-dir") }
        AtomicFile.removeStaleTemporaryFiles(for: outputPath)
        if let directory = checkpointDirectory ?? resume { AtomicFile.removeStaleTemporaryFiles(for: Checkpoint<Float>.path(in: directory)) }

        if let directory = checkpointDirectory ?? resume {
            try CheckpointDirectoryLock.acquire(directory)
            // A fresh run never replaces another run's checkpoint without being asked.
            if resume == nil, !overwrite, OutputPaths.exists(Checkpoint<Float>.path(in: directory)) {
                throw CommandFailure("--checkpoint-dir \(directory) already holds a run's checkpoint; continue that run with --resume \(directory), choose another directory, or pass --overwrite to replace it")
            }
        }
        let session = try resumed ?? TrainingSession(recipe: recipe())
        session.output = outputPath
        if checkpointDirectory ?? resume != nil {
            let slots = OptimizerConfiguration(session.trainer.optimizer)?.slotCount ?? 2
            try Checkpoint<Float>.checkFits(parameterCount: session.network.parameterCount, slots: slots,
                                            keepsBest: session.recipe.restoreBestWeights)
        }
        if let resumedOutput, !quiet { print("output: \(resumedOutput) (the resumed run's --output)") }
        let network = session.network
        let batchSize = session.trainer.configuration.batchSize
        // This thread's backend runs evaluation; the trainer's runs the steps.
        Backend.current.threads = threads ?? Backend.recommendedThreads(parameterCount: network.parameterCount, batchSize: batchSize)
        session.trainer.execution = ExecutionPolicy(
            backend: .current,
            threadTuner: threads != nil ? nil : Backend.threadCountsToMeasure(
                parameterCount: network.parameterCount, batchSize: batchSize).map { ThreadTuner(candidates: $0) })
        var reportedThreads = false
        let recipe = session.recipe
        let epochsBefore = session.trainer.completedEpochs

        let progress = ProgressDisplay(enabled: !quiet && TerminalDetection.isTerminal(fileDescriptor: 1), epochs: recipe.epochs)
        if !quiet {
            print("network: \(network.layerDescription), loss \(recipe.loss.rawValue), \(network.parameterCount) parameters")
            var line = "data: \(recipe.data) (\(session.training.count) training examples"
            if let validation = session.validation { line += ", \(validation.count) validation" }
            line += ", \(session.training.featureCount) features); \(session.configuredOptimizerDescription), batch \(session.trainer.configuration.batchSize), \(recipe.epochs) epochs"
            print(line)
            print("input scaling: \(session.inputScaling.formula)" + (recipe.inputScaling == .automatic ? " (auto; --scale none keeps the inputs as they are)" : ""))
            if let warning = Self.continuousTargetWarning(session) { print("warning: \(warning)") }
            if session.trainer.completedEpochs > 0 || session.trainer.position.batchesIntoEpoch > 0 {
                print("resuming after epoch \(session.trainer.completedEpochs), step \(session.trainer.completedSteps)")
            }
            fflush(nil)
        }
        let metricsWriter = try metrics.map { try MetricsWriter(path: $0, history: session.history) }
        let tensorBoard = try tensorboard.map { try TensorBoardWriter(directory: $0) }
        let checkpoints = (checkpointDirectory ?? resume).map {
            TrainingSession.CheckpointPolicy(directory: $0, everySteps: checkpointEvery)
        }
        let stop = StopRequest.shared
        stop.install()
        do {
            try session.run(checkpoints: checkpoints) { event in
                switch event {
                case .step(let step):
                    progress.update(step)
                    try stop.check()
                case .epochEnded(let epochMetrics):
                    progress.clear()
                    if !quiet { print(Self.format(epochMetrics, of: recipe.epochs)) }
                    if !quiet, !reportedThreads, let choice = session.trainer.execution.threadTuner?.report {
                        print("threads: \(choice)")
                        reportedThreads = true
                    }
                    if !quiet, epochMetrics.epoch == epochsBefore + 3, let hint = Self.chanceHint(epochMetrics, session: session) {
                        print("hint: \(hint)")
                    }
                    // Redirected output is block-buffered: a log read after a kill shows every epoch.
                    fflush(nil)
                    try metricsWriter?.append(epochMetrics)
                    if let tensorBoard { try TrainingSession.log(epochMetrics, to: tensorBoard) }
                case .checkpointWritten:
                    break
                case .stoppedEarly(let epoch, let bestEpoch):
                    if !quiet { print("early stopping after epoch \(epoch): no improvement since epoch \(bestEpoch)") }
                case .restoredBestWeights(let epoch):
                    if !quiet { print("restored the parameters of epoch \(epoch)") }
                }
            }
        } catch let error as TrainingError {
            progress.clear()
            // The network holds the last epoch's finite parameters: keep them on disk, unless
            // no epoch of this run finished (they are the initial ones, worth nothing).
            guard session.trainer.completedEpochs > epochsBefore else {
                throw CommandFailure(error.description + " No epoch finished, so nothing was saved"
                    + (OutputPaths.exists(outputPath) ? " (\(outputPath) was left as it is)." : "."))
            }
            try OutputPaths.save(session, to: outputPath, replacing: replacesOutput)
            throw CommandFailure(error.description + " The parameters after the last finite epoch were saved to \(outputPath).")
        } catch let interrupted as StopRequest.Interrupted {
            progress.clear()
            let name = StopRequest.name(interrupted.signal)
            let at = "epoch \(session.trainer.completedEpochs + 1), step \(session.trainer.completedSteps)"
            if let checkpoints {
                try session.writeCheckpoint(to: checkpoints.directory)
                let command = "backprop train --resume \(checkpoints.directory)" + (output.map { " --output \($0)" } ?? "")
                FileHandle.standardError.write(Data("backprop: stopped by \(name) in \(at); checkpoint saved to \(Checkpoint<Float>.path(in: checkpoints.directory)); continue with: \(command)\n".utf8))
            } else {
                FileHandle.standardError.write(Data("backprop: stopped by \(name) in \(at); nothing was saved (with --checkpoint-dir DIR a stopped run can be resumed)\n".utf8))
            }
            throw ExitCode(128 + interrupted.signal)
        } catch {
            // A failed metrics, TensorBoard or checkpoint write: the trained model is still kept.
            progress.clear()
            guard session.trainer.completedEpochs > epochsBefore else { throw error }
            try OutputPaths.save(session, to: outputPath, replacing: replacesOutput)
            throw CommandFailure("\(Self.message(error)); the model after epoch \(session.trainer.completedEpochs) was saved to \(outputPath)")
        }
        try tensorBoard?.close()
        try OutputPaths.save(session, to: outputPath, replacing: replacesOutput)
        try printSummary(session, outputPath: outputPath)
        if let report {
            do {
                try session.report().write(toFile: report)
            } catch {
                throw CommandFailure("--report: \(Self.message(error)) (the model was saved to \(outputPath))")
            }
            if !quiet { print("report: \(report)") }
        }
    }

    /// A classification run whose accuracy is still at chance after its third epoch is
    /// usually unscaled inputs or a step size that saturates the units: say what to try.
    static func chanceHint(_ metrics: EpochMetrics, session: TrainingSession) -> String? {
        guard let accuracy = metrics.trainAccuracy else { return nil }
        let classes = max(session.network.outputSize, 2)
        guard accuracy <= 1 / Double(classes) + 0.01 else { return nil }
        var advice = ["a smaller --learning-rate (now \(session.recipe.learningRate))", "--optimizer adam"]
        if session.inputScaling == .none { advice.insert("--scale auto (the inputs are not scaled)", at: 0) }
        return "accuracy is at chance (\(percent(accuracy)) with \(classes) classes) after 3 epochs; try " + advice.joined(separator: ", or ")
    }

    /// Integer targets with many classes and few examples per class look like a regression
    /// target read as class labels.
    static func continuousTargetWarning(_ session: TrainingSession) -> String? {
        guard session.recipe.loss == .softmaxCrossEntropy, session.training.targets.columns == 1 else { return nil }
        let classes = session.network.outputSize
        let distinct = Set(session.training.targets.storage).count
        guard classes > 50, session.training.count < 5 * distinct else { return nil }
        return "\(session.recipe.data) has \(distinct) distinct target values over \(session.training.count) examples, read as \(classes) classes; if the target is a quantity, use --loss mse"
    }

    /// An error's one-line text, without Foundation's domain and code.
    static func message(_ error: any Error) -> String {
        if error is CocoaError || type(of: error) == NSError.self { return OutputPaths.reason(error) }
        return String(describing: error)
    }

    func printSummary(_ session: TrainingSession, outputPath: String) throws {
        let network = session.network
        let sets: [(name: String, data: Dataset<Float>?)] =
            [("train", session.training), ("validation", session.validation), ("test", session.test)]
        var parts: [String] = []
        for case let (name, data?) in sets {
            var part = "\(name) \(Self.summary(try network.evaluate(data)))"
            if network.loss == .meanSquaredError { part += " (\(try RegressionReport(network: network, dataset: data).summary))" }
            parts.append(part)
        }
        print("final: " + parts.joined(separator: "; ") + "; saved \(outputPath)")
        if !quiet, network.loss.isClassification {
            let evaluated = session.test ?? session.validation ?? session.training
            let which = session.test != nil ? "test" : session.validation != nil ? "validation" : "training"
            printConfusionMatrix(
                try ConfusionMatrix.from(network: network, dataset: evaluated), classNames: evaluated.classNames, set: which)
        }
    }

    /// "loss 0.123456, accuracy 97.50%" (no accuracy for regression).
    static func summary(_ evaluation: Evaluation) -> String {
        var text = "loss \(number(evaluation.loss))"
        if let accuracy = evaluation.accuracy { text += ", accuracy \(percent(accuracy))" }
        return text
    }

    static func format(_ metrics: EpochMetrics, of epochs: Int) -> String {
        let width = String(epochs).count
        let epoch = String(metrics.epoch)
        var line = "epoch \(String(repeating: " ", count: max(0, width - epoch.count)))\(epoch)/\(epochs)  loss \(number(metrics.trainLoss))"
        if let accuracy = metrics.trainAccuracy { line += "  accuracy \(percent(accuracy))" }
        if let loss = metrics.validationLoss { line += "  val loss \(number(loss))" }
        if let accuracy = metrics.validationAccuracy { line += "  val accuracy \(percent(accuracy))" }
        line += "  lr \(String(format: "%.4g", metrics.learningRate))  \(String(format: "%.3f", metrics.seconds))s"
        return line
    }

    static func number(_ value: Double) -> String { String(format: "%.6f", value) }
    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
}
