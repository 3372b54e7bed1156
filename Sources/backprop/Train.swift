import ArgumentParser
import Backprop
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network and save it as safetensors.",
        discussion: """
            With no arguments, trains a small tanh classifier on the built-in two-moons set \
            and saves it to model.safetensors.
            """)

    @Option(help: "Training data: moons, blobs, xor, spiral (built in), or csv:PATH (last column: class index; for mse, the last k columns are the targets).")
    var data = "moons"

    @Option(help: "Layer widths including input and output, e.g. 784,300,10.")
    var layers: LayerSizes?

    @Option(help: "Hidden-layer activation: sigmoid, tanh, relu, identity.")
    var activation: Activation = .tanh

    @Option(help: "Loss: softmax-cross-entropy, binary-cross-entropy, mse.")
    var loss: LossFunction = .softmaxCrossEntropy

    @Flag(help: "Hidden dense layers without bias (seed 001's network).")
    var noHiddenBias = false

    @Option(name: .customLong("learning-rate"), help: "Step size α.")
    var learningRate = 0.5

    @Option(help: "Examples per minibatch (0: the whole training set, full-batch gradient descent).")
    var batchSize = 32

    @Option(help: "Passes over the training data.")
    var epochs = 100

    @Option(help: "L2 penalty λ·Σ‖W‖² on weights only (gradient 2λW).")
    var l2 = 0.0

    @Option(help: "Seed for initialization, shuffling and built-in data.")
    var seed: UInt64 = 0

    @Option(help: "Weight initialization: normal, normal-with-bias, glorot, he, lecun.")
    var initializer: Initializer = .glorot

    @Option(name: .customLong("init-weights"), help: "Start from these parameters (safetensors with PyTorch state-dict names: 0.weight, 0.bias, 2.weight, ...).")
    var initWeights: String?

    @Flag(help: "Keep the data in file order instead of shuffling every epoch.")
    var noShuffle = false

    @Option(help: "Where to save the trained model.")
    var output: String?

    @Flag(help: "Replace --output if it exists.")
    var overwrite = false

    @Option(help: "Write one JSON object per epoch to this file (JSON Lines).")
    var metrics: String?

    @Flag(help: "Print only the final summary.")
    var quiet = false

    static let defaultOutput = "model.safetensors"

    mutating func validate() throws {
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be a positive number") }
        guard batchSize >= 0 else { throw ValidationError("--batch-size must be ≥ 0 (0 = full batch)") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard l2 >= 0 else { throw ValidationError("--l2 must be ≥ 0") }
    }

    func run() throws {
        let outputPath = output ?? Self.defaultOutput
        // A path the user named is never replaced silently; the default output is ours to refresh.
        if output != nil && !overwrite && FileManager.default.fileExists(atPath: outputPath) {
            throw CommandFailure("\(outputPath) already exists; pass --overwrite to replace it or choose another --output")
        }
        let source = try DataSource(parsing: data)
        var specification = NetworkSpecification(
            sizes: layers?.sizes, activation: activation, loss: loss, initializer: initializer,
            seed: seed, hiddenBias: !noHiddenBias)

        // The network: from the initial weights file, or built fresh for the data.
        var network: Network<Float>?
        if let initWeights {
            let initial = try ModelFile.initialNetwork(path: initWeights, specification: specification, as: Float.self)
            specification.sizes = initial.layerSizes
            network = initial
        }
        let outputSize = specification.declaredOutputSize
        let training: Dataset<Float> = try source.load(loss: loss, outputSize: outputSize ?? 1, seed: seed).training
        let sizes = try specification.resolvedSizes(
            featureCount: training.featureCount,
            outputSize: outputSize ?? NetworkSpecification.outputSize(for: training, loss: loss))
        if network == nil { network = try specification.makeNetwork(sizes: sizes, as: Float.self) }
        let model = network!

        let configuration = TrainingConfiguration(
            epochs: epochs, batchSize: batchSize == 0 ? max(training.count, 1) : batchSize,
            shuffle: !noShuffle, seed: seed, l2: l2)
        let trainer = Trainer(network: model, optimizer: SGD(learningRate: learningRate), configuration: configuration)
        do {
            try trainer.validate(training, name: source.description)
        } catch {
            throw CommandFailure(error.description)
        }

        if !quiet {
            print("network: \(model.layers.map(\.kind.description).joined(separator: " → ")), loss \(loss.rawValue), \(model.parameterCount) parameters")
            print("data: \(source) (\(training.count) examples, \(training.featureCount) features); \(trainer.optimizer.description), batch \(configuration.batchSize), \(epochs) epochs")
        }
        var metricsLines: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var divergence: TrainingError?
        for _ in 0..<epochs {
            let epochMetrics: EpochMetrics
            do {
                epochMetrics = try trainer.trainEpoch(on: training)
            } catch {
                divergence = error
                break
            }
            if !quiet { print(Self.format(epochMetrics, of: epochs)) }
            if metrics != nil {
                metricsLines.append(String(decoding: try encoder.encode(epochMetrics), as: UTF8.self))
            }
        }
        if let metrics {
            try AtomicFile.write(Array((metricsLines.map { $0 + "\n" }.joined()).utf8), to: metrics)
        }
        if let divergence {
            throw CommandFailure(divergence.description + " Nothing was saved to \(outputPath).")
        }
        let evaluation = try model.evaluate(training)
        try ModelFile.save(model, to: outputPath)
        var summary = "final: loss \(Self.number(evaluation.loss))"
        if let accuracy = evaluation.accuracy { summary += ", accuracy \(Self.percent(accuracy))" }
        print(summary + " on \(training.count) training examples; saved \(outputPath)")
    }

    static func format(_ metrics: EpochMetrics, of epochs: Int) -> String {
        let width = String(epochs).count
        let epoch = String(metrics.epoch)
        var line = "epoch \(String(repeating: " ", count: max(0, width - epoch.count)))\(epoch)/\(epochs)  loss \(number(metrics.trainLoss))"
        if let accuracy = metrics.trainAccuracy { line += "  accuracy \(percent(accuracy))" }
        if let loss = metrics.validationLoss { line += "  val loss \(number(loss))" }
        if let accuracy = metrics.validationAccuracy { line += "  val accuracy \(percent(accuracy))" }
        line += "  \(String(format: "%.3f", metrics.seconds))s"
        return line
    }

    static func number(_ value: Double) -> String { String(format: "%.6f", value) }
    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
}
