import ArgumentParser
import Backprop
import Foundation

struct Gradcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare backpropagation's gradients with central finite differences on a batch.",
        discussion: """
            Builds a network (--layers, --activation, --loss, --initializer, --seed) or loads \
            --model, takes a batch (the first --batch-size rows of --data, scaled as the model's \
            training scaled them, or a seeded random batch with inputs ~ N(0, 1) as the network \
            sees them and targets valid for the loss) and prints, per parameter tensor, the \
            largest relative error beyond the finite difference's own uncertainty u: \
            max(0, |backprop - numeric| - 4u) / max(|backprop| + |numeric|, 1e-8), in Double. \
            u is the central difference D(h)'s truncation error, estimated from a second \
            difference at 2h as |D(2h) - D(h)| / 3, plus its rounding error 32 eps |J| / h: on \
            trained models, gradients of 1e-9 are below what a difference of costs resolves. \
            Exits with status 1 above --threshold.
            """)

    @Option(help: "Check this model file instead of building a network.")
    var model: String?

    @Option(help: "With --model: check on the first --batch-size rows of this data set (as for training), with the model's input scaling applied.")
    var data: String?

    @Option(help: "Layer widths including input and output. (default: 4,5,3)")
    var layers: LayerSizes?

    @Option(help: "Hidden-layer activation: sigmoid, tanh, relu, identity.")
    var activation: Activation = .tanh

    @Option(help: "Loss: softmax-cross-entropy, binary-cross-entropy, mse.")
    var loss: LossFunction = .softmaxCrossEntropy

    @Option(help: "Weight initialization: normal, normal-with-bias, glorot, he, lecun.")
    var initializer: Initializer = .glorot

    @Option(help: "Seed for the weights, the batch and the sampled entries.")
    var seed: UInt64 = 0

    @Option(help: "Examples in the batch.")
    var batchSize = 8

    @Option(help: "The finite-difference step h.")
    var step = 1e-5

    @Option(help: "Fail when any tensor's largest error (beyond the finite difference's uncertainty) is above this.")
    var threshold = 1e-6

    @Option(help: "Entries checked per tensor; larger tensors are sampled (seeded).")
    var samples = 2000

    static let defaultLayers = [4, 5, 3]

    mutating func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") }
        guard threshold > 0 else { throw ValidationError("--threshold must be positive") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard data == nil || model != nil else { throw ValidationError("--data needs --model (a built network has no data of its own)") }
    }

    func run() throws {
        let (text, result) = try check()
        print(text, terminator: "")
        try Self.verdict(result, threshold: threshold)
    }

    /// Throws the exit-status-1 failure naming every tensor above `threshold`.
    static func verdict(_ result: GradientCheckResult, threshold: Double) throws {
        let failures = result.failures(threshold: threshold)
        if !failures.isEmpty {
            let worst = failures.map { "\($0.name) \(Self.scientific($0.maximumRelativeError))" }.joined(separator: ", ")
            throw CommandFailure("gradient check failed: error above \(Self.scientific(threshold)) in \(worst)")
        }
    }

    /// The report and the result.
    func check() throws -> (String, GradientCheckResult) {
        let network: Network<Double>
        var scaling = InputScaling.none
        if let model {
            // A plain PyTorch state dict reads with --layers, --activation and --loss.
            (network, scaling) = try ModelFile.loadWithInputScaling(
                path: model, as: Double.self,
                plainSpecification: NetworkSpecification(sizes: layers?.sizes, activation: activation, loss: loss))
        } else {
            do {
                network = try Network(sizes: layers?.sizes ?? Self.defaultLayers, activation: activation, loss: loss,
                                      initializer: initializer, seed: seed)
            } catch {
                throw CommandFailure(error.description)
            }
        }
        var batch = GradientCheck.randomBatch(for: network, rows: batchSize, seed: seed &+ 1)
        var batchDescription = "\(batchSize) random examples"
        if let data, let model {
            batch = try Self.firstRows(of: data, rows: batchSize, network: network, scaling: scaling, model: model, seed: seed)
            batchDescription = "the first \(batch.inputs.rows) examples of \(data)"
                + (scaling == .none ? "" : ", input scaling \(scaling.formula)")
        } else if scaling != .none {
            batchDescription += " (inputs ~ N(0, 1) as the network sees them, after the model's input scaling)"
        }
        let workspace = Workspace(network: network, batchSize: batch.inputs.rows)
        workspace.load(inputs: batch.inputs, targets: batch.targets)
        let result = GradientCheck(step: step, maximumSamplesPerTensor: samples, seed: seed).run(network: network, workspace: workspace)
        return (Self.report(result, network: network, batch: batchDescription, threshold: threshold), result)
    }

    /// The first `rows` examples of `data`, with the model's input scaling applied.
    static func firstRows(
        of data: String, rows: Int, network: Network<Double>, scaling: InputScaling, model: String, seed: UInt64
    ) throws -> (inputs: Matrix<Double>, targets: Matrix<Double>) {
        let source = try DataSource(parsing: data)
        let reading = try ModelFile.dataReading(path: model)
        let loaded: LoadedData<Double> = try source.load(
            loss: network.loss, outputSize: network.outputSize, seed: seed, classNames: reading.classNames,
            columns: reading.csvColumns)
        let training = loaded.training
        guard training.featureCount == network.inputSize else {
            throw CommandFailure("\(source): \(training.featureCount) features per example, but \(model) expects \(network.inputSize)")
        }
        let count = min(rows, training.count)
        var inputs = Matrix<Double>(rows: count, columns: training.featureCount)
        var targets = Matrix<Double>(rows: count, columns: training.targets.columns)
        for row in 0..<count {
            for column in 0..<inputs.columns { inputs[row, column] = training.inputs[row, column] }
            for column in 0..<targets.columns { targets[row, column] = training.targets[row, column] }
        }
        do {
            try scaling.apply(to: &inputs)
        } catch {
            throw CommandFailure("\(model)'s input scaling on \(source): \(error.description)")
        }
        return (inputs, targets)
    }

    static func report(_ result: GradientCheckResult, network: Network<Double>, batch: String, threshold: Double) -> String {
        var lines: [String] = []
        lines.append("network: \(network.layerDescription), loss \(network.loss.rawValue)")
        lines.append("batch: \(batch); central differences D(h) in Double, h = \(scientific(result.step))")
        lines.append("error = max(0, |backprop - numeric| - 4u) / max(|backprop| + |numeric|, 1e-8), u = |D(2h) - D(h)|/3 + 32 eps |J|/h; threshold \(scientific(threshold))")
        lines.append("")
        let header = ["tensor", "shape", "checked", "max error", "worst entry", "backprop", "numeric", "u", ""]
        let rows: [[String]] = result.tensors.map { tensor in
            let position = tensor.worstIndex.map { "[\($0 / tensor.shape[1]),\($0 % tensor.shape[1])]" } ?? "-"
            return [tensor.name, tensor.shape.map(String.init).joined(separator: "x"), "\(tensor.checkedCount)/\(tensor.count)",
                    scientific(tensor.maximumRelativeError), position,
                    String(format: "%.10g", tensor.analytic), String(format: "%.10g", tensor.numeric),
                    scientific(tensor.uncertainty), tensor.passes(threshold: threshold) ? "ok" : "FAIL"]
        }
        lines += alignedRows([header] + rows)
        lines.append("")
        let worst = result.maximumRelativeError
        lines.append(result.passes(threshold: threshold)
            ? "passed: largest error \(scientific(worst)) ≤ \(scientific(threshold))"
            : "FAILED: largest error \(scientific(worst)) > \(scientific(threshold))")
        return lines.joined(separator: "\n") + "\n"
    }

    static func scientific(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.2e", value)
    }
}
