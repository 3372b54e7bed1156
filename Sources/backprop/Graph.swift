import ArgumentParser
import Backprop

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's computation graph in Graphviz DOT (render with `dot -Tsvg`).",
        discussion: """
            The default graph shows tensors and operations, X → Linear(W, b) → Z → activation \
            → A → … → loss, with shapes on the edges (n = batch size). --neurons draws one node \
            per neuron and one edge per weight, for small networks.
            """)

    @Option(help: "A model file written by `backprop train`.")
    var model: String

    @OptionGroup var plain: PlainModelOptions

    @Flag(help: "One node per neuron, edges labelled with the weights.")
    var neurons = false

    @Option(name: .customLong("max-edges"), help: "With --neurons: refuse networks with more weights than this.")
    var maximumEdges = 500

    @Flag(inversion: .prefixedNo, help: "With --neurons: write each weight on its edge (default: only for networks of at most 40 weights; otherwise edges show weights by width and color, blue negative, red positive, with the value as tooltip).")
    var edgeLabels: Bool?

    func run() throws {
        print(try output(), terminator: "")
    }

    func output() throws -> String {
        let (network, _): (Network<Double>, InputScaling) = try plain.load(model)
        guard neurons else { return ComputationGraph.layerGraph(network) }
        do {
            return try ComputationGraph.neuronGraph(network, maximumEdges: maximumEdges, labelsEdges: edgeLabels)
        } catch {
            throw CommandFailure("\(model): \(error.description)")
        }
    }
}
