/// Graphviz DOT descriptions of a network's computation.
///
/// - `layerGraph`: the tensor-level graph a backward pass walks in reverse,
///   X → Linear(W⁽¹⁾, b⁽¹⁾) → Z⁽¹⁾ → g → A⁽¹⁾ → … → Z⁽ᴸ⁾ → loss(·, Y) → J, with each edge
///   labelled by the shape of the tensor on it (n = batch size; W is outputs x inputs).
/// - `neuronGraph`: the 3-2-2 worked example's picture for small networks: one node per input and neuron
///   (x₁, a₁⁽¹⁾, z₁⁽²⁾, …), one edge per weight labelled with its name and value, and the
///   loss L fed by the outputs.
///
/// Node identifiers are plain ASCII; labels are quoted and escaped, so the text is valid
/// DOT for `dot -Tsvg`.
public enum ComputationGraph {
    /// The tensor-level graph of `network`.
    public static func layerGraph<Scalar: NetworkScalar>(_ network: Network<Scalar>) -> String {
        var lines = ["digraph network {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];",
                     "  edge [fontname=\"Helvetica\", fontsize=10];"]
        lines.append("  X [shape=ellipse, label=\"X\"];")
        var previous = "X"
        var width = network.inputSize
        var denseNumber = 0
        var lastLetter = "X"
        for (index, layer) in network.layers.enumerated() {
            let outputWidth = network.widths[index + 1]
            switch layer.kind {
            case .dense(let inputs, let outputs, let hasBias):
                denseNumber += 1
                let op = "linear\(denseNumber)"
                let weight = "W\(denseNumber)"
                lines.append("  \(weight) [shape=note, label=\(quote("W⁽\(superscript(denseNumber))⁾ (\(index).weight)"))];")
                let l = superscript(denseNumber)
                let equation = "Z⁽\(l)⁾ = \(lastLetter)·W⁽\(l)⁾ᵀ" + (hasBias ? " + b⁽\(l)⁾" : "")
                lines.append("  \(op) [label=\(quote("\(layer.kind)\n\(equation)"))];")
                lines.append("  \(weight) -> \(op) [label=\(quote("\(outputs)×\(inputs)"))];")
                if hasBias {
                    let bias = "b\(denseNumber)"
                    lines.append("  \(bias) [shape=note, label=\(quote("b⁽\(superscript(denseNumber))⁾ (\(index).bias)"))];")
                    lines.append("  \(bias) -> \(op) [label=\(quote("1×\(outputs)"))];")
                }
                lines.append("  \(previous) -> \(op) [label=\(quote("n×\(width)"))];")
                let z = "Z\(denseNumber)"
                lines.append("  \(z) [shape=ellipse, label=\(quote("Z⁽\(superscript(denseNumber))⁾"))];")
                lines.append("  \(op) -> \(z) [label=\(quote("n×\(outputWidth)"))];")
                previous = z
                lastLetter = "Z⁽\(superscript(denseNumber))⁾"
            case .activation(let function):
                let op = "activation\(index)"
                let a = "A\(index)"
                lines.append("  \(op) [label=\(quote(function.pyTorchName))];")
                lines.append("  \(previous) -> \(op) [label=\(quote("n×\(width)"))];")
                lines.append("  \(a) [shape=ellipse, label=\(quote("A⁽\(superscript(denseNumber))⁾"))];")
                lines.append("  \(op) -> \(a) [label=\(quote("n×\(outputWidth)"))];")
                previous = a
                lastLetter = "A⁽\(superscript(denseNumber))⁾"
            }
            width = outputWidth
        }
        let targetColumns = network.loss.targetColumns(outputSize: network.outputSize)
        lines.append("  Y [shape=ellipse, label=\"Y\"];")
        lines.append("  loss [label=\(quote("\(network.loss.rawValue)\n\(lossFormula(network.loss, output: lastLetter))"))];")
        lines.append("  \(previous) -> loss [label=\(quote("n×\(width)"))];")
        lines.append("  Y -> loss [label=\(quote("n×\(targetColumns)"))];")
        lines.append("  J [shape=doublecircle, label=\"J\"];")
        lines.append("  loss -> J [label=\"1×1\"];")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The most weights `neuronGraph` labels by default.
    public static let maximumLabelledEdges = 40

    /// The per-neuron graph; throws above `maximumEdges` weights (too many to draw).
    /// Neurons keep their order within a layer (top to bottom); edge labels are written
    /// when `labelsEdges` says so, by default only for networks of at most
    /// `maximumLabelledEdges` weights (more labels than that pile up far from their edges):
    /// without labels an edge's weight is its tooltip, and its width and color show it.
    public static func neuronGraph<Scalar: NetworkScalar>(
        _ network: Network<Scalar>, maximumEdges: Int = 500, labelsEdges: Bool? = nil
    ) throws(ExplainError) -> String {
        let references = ParameterReference.all(in: network).filter { $0.role == .weight }
        guard references.count <= maximumEdges else {
            throw ExplainError("the network has \(references.count) weights, more than \(maximumEdges) edges; draw it with the layer graph (without --neurons)")
        }
        let notation = ExplainNotation.unicode
        var lines = ["digraph neurons {", "  rankdir=LR;", "  splines=line;", "  node [shape=circle, fontname=\"Helvetica\"];",
                     "  edge [fontname=\"Helvetica\", fontsize=9];"]
        let labels = labelsEdges ?? (references.count <= maximumLabelledEdges)
        if !labels { lines.append("  nodesep=0.15;") }
        // Edges leave each node in the order written (neuron order), which keeps every layer's
        // neurons in order from top to bottom.
        lines.append("  ordering=out;")
        // One cluster per layer: the inputs, then each dense layer's neurons.
        lines.append("  subgraph cluster_input { label=\"input\"; color=white;")
        for i in 0..<network.inputSize {
            lines.append("    x\(i + 1) [label=\(quote(notation.input(i + 1)))];")
        }
        lines.append("  }")
        var denseLayers: [(number: Int, index: Int, outputs: Int, hasActivation: Bool, bias: Bool)] = []
        for (index, layer) in network.layers.enumerated() {
            if case .dense(_, let outputs, let hasBias) = layer.kind {
                denseLayers.append((denseLayers.count + 1, index, outputs, false, hasBias))
            } else if !denseLayers.isEmpty {
                denseLayers[denseLayers.count - 1].hasActivation = true
            }
        }
        func nodeName(layer: Int, neuron: Int) -> String {
            layer == 0 ? "x\(neuron + 1)" : "n\(layer)_\(neuron + 1)"
        }
        for layer in denseLayers {
            let isOutput = layer.number == denseLayers.count
            lines.append("  subgraph cluster_layer\(layer.number) { label=\(quote(isOutput ? "output" : "hidden \(layer.number)")); color=white;")
            for j in 0..<layer.outputs {
                let label = notation.neuron(layer.hasActivation ? "a" : "z", j + 1, layer: layer.number)
                lines.append("    \(nodeName(layer: layer.number, neuron: j)) [label=\(quote(label))];")
            }
            lines.append("  }")
        }
        let values = references.map { Double(network.parameter(named: $0.tensorName)!.value[$0.neuron, $0.input!]) }
        let largest = values.reduce(0) { max($0, abs($1)) }
        for (reference, value) in zip(references, values) {
            let label = "\(notation.name(of: reference)) = \(ExplainNumber.format(value, digits: 4))"
            let edge = "  \(nodeName(layer: reference.denseLayer - 1, neuron: reference.input!)) -> \(nodeName(layer: reference.denseLayer, neuron: reference.neuron))"
            if labels {
                lines.append(edge + " [label=\(quote(label))];")
            } else {
                let width = largest > 0 ? 0.3 + 2.7 * abs(value) / largest : 1
                let color = value < 0 ? "#2166ac" : "#b2182b"
                lines.append(edge + " [tooltip=\(quote(label)), penwidth=\(String(format: "%.2f", width)), color=\"\(color)\"];")
            }
        }
        lines.append("  L [shape=doublecircle, label=\(quote("L (\(network.loss.rawValue))"))];")
        if let output = denseLayers.last {
            for j in 0..<output.outputs {
                lines.append("  \(nodeName(layer: output.number, neuron: j)) -> L;")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func lossFormula(_ loss: LossFunction, output: String) -> String {
        switch loss {
        case .meanSquaredError: "J = (1/n) Σ ‖\(output) − Y‖²"
        case .softmaxCrossEntropy: "J = −(1/n) Σ log softmax(\(output))_y"
        case .binaryCrossEntropy: "J = mean BCE(σ(\(output)), Y)"
        }
    }

    static func superscript(_ number: Int) -> String {
        ExplainNotation.unicode.superscripted(String(number))
    }

    /// A DOT string literal: quotes and backslashes escaped, newlines as `\n`.
    static func quote(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
