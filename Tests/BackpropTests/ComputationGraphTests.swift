import Testing
@testable import Backprop

/// DOT export: the expected nodes and edges, balanced braces, quoted labels.
@Suite struct ComputationGraphTests {
    static func seedNetwork() throws -> Network<Double> {
        let hidden = Dense<Double>(weight: Matrix([[0.1, 0.2, -0.1], [-0.2, 0.1, 0.3]]), bias: [0.1, -0.1])
        let output = Dense<Double>(weight: Matrix([[0.2, -0.1], [0.1, 0.2]]), bias: [0.05, 0.1])
        return try Network(inputSize: 3, layers: [hidden, ReLU(), output], loss: .meanSquaredError)
    }

    /// Braces balance outside quoted strings, quotes pair up, and every statement line ends
    /// in `;`, `{` or `}`.
    static func isPlausibleDOT(_ text: String) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for character in text {
            if escaped { escaped = false; continue }
            if inString {
                if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{": depth += 1
            case "}": depth -= 1; if depth < 0 { return false }
            default: break
            }
        }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return depth == 0 && !inString && lines.allSatisfy { $0.hasSuffix(";") || $0.hasSuffix("{") || $0.hasSuffix("}") }
    }

    @Test func layerGraphOfSeed002() throws {
        let dot = ComputationGraph.layerGraph(try Self.seedNetwork())
        #expect(dot.hasPrefix("digraph network {"))
        #expect(Self.isPlausibleDOT(dot), "\(dot)")
        for edge in ["X -> linear1 [label=\"n×3\"]", "W1 -> linear1 [label=\"2×3\"]", "b1 -> linear1 [label=\"1×2\"]",
                     "linear1 -> Z1 [label=\"n×2\"]", "Z1 -> activation1 [label=\"n×2\"]", "activation1 -> A1",
                     "A1 -> linear2 [label=\"n×2\"]", "W2 -> linear2 [label=\"2×2\"]", "Z2 -> loss [label=\"n×2\"]",
                     "Y -> loss [label=\"n×2\"]", "loss -> J"] {
            #expect(dot.contains(edge), "missing \(edge) in\n\(dot)")
        }
        #expect(dot.contains("Z⁽²⁾ = A⁽¹⁾·W⁽²⁾ᵀ + b⁽²⁾"))
    }

    @Test func layerGraphWithoutBiasAndWithClassIndexTargets() throws {
        let network = try Network<Double>(sizes: [4, 3, 5], activation: .sigmoid, loss: .softmaxCrossEntropy, hiddenBias: false)
        let dot = ComputationGraph.layerGraph(network)
        #expect(Self.isPlausibleDOT(dot))
        #expect(!dot.contains("b1 -> linear1"))
        #expect(dot.contains("b2 -> linear2 [label=\"1×5\"]"))
        #expect(dot.contains("Y -> loss [label=\"n×1\"]"), "class indices: one target column")
        #expect(dot.contains("activation1 [label=\"Sigmoid\"]"))
    }

    @Test func neuronGraphOfSeed002() throws {
        let dot = try ComputationGraph.neuronGraph(try Self.seedNetwork())
        #expect(dot.hasPrefix("digraph neurons {"))
        #expect(Self.isPlausibleDOT(dot), "\(dot)")
        for node in ["x1 [label=\"x₁\"]", "x3 [label=\"x₃\"]", "n1_1 [label=\"a₁⁽¹⁾\"]", "n1_2 [label=\"a₂⁽¹⁾\"]",
                     "n2_1 [label=\"z₁⁽²⁾\"]", "n2_2 [label=\"z₂⁽²⁾\"]"] {
            #expect(dot.contains(node), "missing \(node)")
        }
        for edge in ["x1 -> n1_1 [label=\"w₁₁⁽¹⁾ = 0.1\"]", "x3 -> n1_1 [label=\"w₁₃⁽¹⁾ = -0.1\"]",
                     "x1 -> n1_2 [label=\"w₂₁⁽¹⁾ = -0.2\"]", "n1_2 -> n2_1 [label=\"w₁₂⁽²⁾ = -0.1\"]",
                     "n1_1 -> n2_2 [label=\"w₂₁⁽²⁾ = 0.1\"]", "n2_1 -> L", "n2_2 -> L"] {
            #expect(dot.contains(edge), "missing \(edge)")
        }
        #expect(dot.components(separatedBy: " -> ").count - 1 == 6 + 4 + 2, "one edge per weight, one per output")
    }

    @Test func neuronGraphRefusesBigNetworks() throws {
        let network = try Network<Double>(sizes: [30, 20, 2], activation: .relu, loss: .softmaxCrossEntropy)
        #expect(throws: ExplainError.self) { try ComputationGraph.neuronGraph(network) }
    }

    @Test func quotesAreEscaped() {
        #expect(ComputationGraph.quote("a \"b\" \\ c\nd") == "\"a \\\"b\\\" \\\\ c\\nd\"")
    }
}
