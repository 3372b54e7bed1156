import ArgumentParser
import Backprop

extension TraceFormatter.Format: ExpressibleByArgument {}
extension ExplainNotation: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Derive ∂L/∂θ for one example by the chain rule: forward values, the sum over paths, and checks.",
        discussion: """
            Parameters are named as in the state dict (0.weight[j,i], 0.bias[j], 0-based) or in \
            seed notation (w11(1), w_12^(1), b2(2): 1-based, layers counted over dense layers; \
            w_ji^(l) is the weight from neuron i of layer l-1 to neuron j of layer l). \
            L is the loss of this one example. Without --parameter, prints every parameter's gradient.
            """)

    @Option(help: "A model file written by `backprop train` (safetensors with architecture metadata).")
    var model: String

    @OptionGroup var plain: PlainModelOptions

    @Option(help: "The example's features, comma-separated (e.g. 4,7,0.85), as in the data: the model's stored input scaling is applied to them.")
    var input: String?

    @Option(help: "The target: a class index for softmax cross-entropy, else one value per output (e.g. 0.9,0.8).")
    var target: String?

    @Option(help: "Take the example from this data set instead: csv:PATH, or moons, blobs, xor, spiral.")
    var data: String?

    @Option(help: "With --data: the example's row, 1-based (a header line is not counted).")
    var row: Int?

    @Option(help: "Seed for built-in data sets.")
    var seed: UInt64 = 0

    @Option(name: .customLong("parameter"), help: "A parameter to derive (repeatable): 0.weight[0,0], 0.bias[1], w11(1), b2(2).")
    var parameters: [String] = []

    @Flag(help: "Also print the table of every parameter's gradient (chain rule, backprop, finite difference).")
    var all = false

    @Option(help: "Output format: text, markdown, json.")
    var format: TraceFormatter.Format = .text

    @Option(help: "Symbols: unicode (∂L/∂w₁₁⁽¹⁾) or ascii (dL/dw11(1)).")
    var notation: ExplainNotation = .unicode

    @Option(name: .customLong("max-paths"), help: "List paths one by one up to this many; above it, group them by the neuron of the next layer.")
    var maximumPaths = 64

    @Option(help: "The finite-difference step h.")
    var step = 1e-5

    static let maximumTableParameters = 5000

    mutating func validate() throws {
        guard maximumPaths >= 1 else { throw ValidationError("--max-paths must be at least 1") }
        guard step > 0, step.isFinite else { throw ValidationError("--step must be a positive number") }
        if data != nil {
            guard row != nil else { throw ValidationError("--data needs --row N to pick the example") }
            guard input == nil, target == nil else { throw ValidationError("give either --data/--row or --input/--target, not both") }
        } else {
            guard row == nil else { throw ValidationError("--row needs --data") }
            guard input != nil, target != nil else { throw ValidationError("give --input and --target, or --data and --row") }
        }
    }

    func run() throws {
        print(try output(), terminator: "")
    }

    /// The whole explanation as printed.
    func output() throws -> String {
        let (network, scaling): (Network<Double>, InputScaling) = try plain.load(model)
        let (inputValues, targetValues) = try example(for: network)
        let explainer: ChainRuleExplainer
        do {
            explainer = try ChainRuleExplainer(network: network, input: inputValues, target: targetValues, inputScaling: scaling)
        } catch {
            throw CommandFailure(error.description)
        }
        var references: [ParameterReference] = []
        do {
            for name in parameters { references.append(try ParameterReference(parsing: name, in: network)) }
        } catch {
            throw CommandFailure(error.description)
        }
        let showTable = all || references.isEmpty
        if showTable && network.parameterCount > Self.maximumTableParameters {
            throw CommandFailure("\(model) has \(network.parameterCount) parameters, too many for the table (at most \(Self.maximumTableParameters)); name one with --parameter, or check them all with `backprop gradcheck --model \(model)`")
        }
        let traces = references.map { explainer.trace($0, maximumPaths: maximumPaths, step: step) }
        let table = showTable
            ? ParameterReference.all(in: network).map { explainer.trace($0, maximumPaths: maximumPaths, step: step) } : []
        return TraceFormatter(notation: notation).render(format, network: network, example: explainer.example, traces: traces, table: table)
    }

    /// The input and target, from --input/--target or from row --row of --data.
    func example(for network: Network<Double>) throws -> ([Double], [Double]) {
        if let data, let row {
            let source = try DataSource(parsing: data)
            let reading = try ModelFile.dataReading(path: model)
            let loaded: LoadedData<Double> = try source.load(
            loss: network.loss, outputSize: network.outputSize, seed: seed, classNames: reading.classNames,
            columns: reading.csvColumns)
            let dataset = loaded.training
            guard row >= 1, row <= dataset.count else {
                throw CommandFailure("\(source): --row \(row) is out of range; the data has rows 1...\(dataset.count)")
            }
            return (dataset.inputs.row(row - 1), dataset.targets.row(row - 1))
        }
        return (try Self.numbers(input ?? "", option: "--input"), try Self.numbers(target ?? "", option: "--target"))
    }

    static func numbers(_ text: String, option: String) throws -> [Double] {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try fields.map { field in
            guard let value = Double(field), value.isFinite else {
                throw CommandFailure("\(option): '\(field)' is not a number (write comma-separated numbers, e.g. 4,7,0.85)")
            }
            return value
        }
    }
}
