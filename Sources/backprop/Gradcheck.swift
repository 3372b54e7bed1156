import ArgumentParser
import Backprop
import Foundation

struct Gradcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare backpropagation's gradients with central finite differences on a random batch.",
        discussion: """
            Builds a network (--layers, --activation, --loss, --initializer, --seed) or loads \
            --model, draws a seeded random batch with targets valid for the loss, and prints the \
            largest relative error |backprop - numeric| / max(|backprop| + |numeric|, 1e-8) per \
            parameter tensor, computed in Double. Exits with status 1 above --threshold.
            """)

    @Option(help: "Check this model file instead of building a network.")
    var model: String?

    @Option(help: "Layer widths including input and output.")
    var layers = LayerSizes(argument: "4,5,3")!

    @Option(help: "Hidden-layer activation: sigmoid, tanh, relu, identity.")
    var activation: Activation = .tanh

    @Option(help: "Loss: softmax-cross-entropy, binary-cross-entropy, mse.")
    var loss: LossFunction = .softmaxCrossEntropy

    @Option(help: "Weight initialization: normal, normal-with-bias, glorot, he, lecun.")
    var initializer: Initializer = .glorot

    @Option(help: "Seed for the weights, the batch and the sampled entries.")
    var seed: UInt64 = 0

    @Option(help: "Examples in the random batch.")
    var batchSize = 8

    @Option(help: "The finite-difference step h.")
    var step = 1e-5

    @Option(help: "Fail when any tensor's largest relative error is above this.")
    var threshold = 1e-6

    @Option(help: "Entries checked per tensor; larger tensors are sampled (seeded).")
    var samples = 2000

    mutating func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") }
        guard threshold > 0 else { throw ValidationError("--threshold must be positive") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }

    func run() throws {
        let (text, result) = try check()
        print(text, terminator: "")
        let failures = result.failures(threshold: threshold)
        if !failures.isEmpty {
            let worst = failures.map { "\($0.name) \(Self.scientific($0.maximumRelativeError))" }.joined(separator: ", ")
            throw CommandFailure("gradient check failed: relative error above \(Self.scientific(threshold)) in \(worst)")
        }
    }

    /// The report and the result.
    func check() throws -> (String, GradientCheckResult) {
        let network: Network<Double>
        if let model {
            network = try ModelFile.load(path: model, as: Double.self)
        } else {
            do {
                network = try Network(sizes: layers.sizes, activation: activation, loss: loss, initializer: initializer, seed: seed)
            } catch {
                throw CommandFailure(error.description)
            }
        }
        let batch = GradientCheck.randomBatch(for: network, rows: batchSize, seed: seed &+ 1)
        let workspace = Workspace(network: network, batchSize: batchSize)
        workspace.load(inputs: batch.inputs, targets: batch.targets)
        let result = GradientCheck(step: step, maximumSamplesPerTensor: samples, seed: seed).run(network: network, workspace: workspace)
        return (Self.report(result, network: network, batchSize: batchSize, threshold: threshold), result)
    }

    static func report(_ result: GradientCheckResult, network: Network<Double>, batchSize: Int, threshold: Double) -> String {
        var lines: [String] = []
        lines.append("network: \(network.layerDescription), loss \(network.loss.rawValue)")
        lines.append("batch of \(batchSize) random examples; central differences in Double, h = \(scientific(result.step))")
        lines.append("relative error = |backprop - numeric| / max(|backprop| + |numeric|, 1e-8); threshold \(scientific(threshold))")
        lines.append("")
        let header = ["tensor", "shape", "checked", "max relative error", "worst entry", "backprop", "numeric", ""]
        let rows: [[String]] = result.tensors.map { tensor in
            let position = tensor.worstIndex.map { "[\($0 / tensor.shape[1]),\($0 % tensor.shape[1])]" } ?? "-"
            return [tensor.name, tensor.shape.map(String.init).joined(separator: "x"), "\(tensor.checkedCount)/\(tensor.count)",
                    scientific(tensor.maximumRelativeError), position,
                    String(format: "%.10g", tensor.analytic), String(format: "%.10g", tensor.numeric),
                    tensor.passes(threshold: threshold) ? "ok" : "FAIL"]
        }
        lines += alignedRows([header] + rows)
        lines.append("")
        let worst = result.maximumRelativeError
        lines.append(result.passes(threshold: threshold)
            ? "passed: largest relative error \(scientific(worst)) ≤ \(scientific(threshold))"
            : "FAILED: largest relative error \(scientific(worst)) > \(scientific(threshold))")
        return lines.joined(separator: "\n") + "\n"
    }

    static func scientific(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.2e", value)
    }
}
