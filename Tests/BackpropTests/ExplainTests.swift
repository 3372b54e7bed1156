import Testing
@testable import Backprop

/// Chain-rule traces: seed 002's every number through the path sums and the printed text,
/// path sums against BP1-BP4 on random networks of every activation and loss, parameter
/// names in both notations, and the grouped form above the path cap.
@Suite struct ExplainTests {
    /// Seed 002's network and example (the seed's hand-picked weights; W⁽ˡ⁾ row j = weights
    /// into neuron j), explained. L = ‖z⁽²⁾ − y‖².
    static func seedExplainer() throws -> ChainRuleExplainer {
        let hidden = Dense<Double>(weight: Matrix([[0.1, 0.2, -0.1], [-0.2, 0.1, 0.3]]), bias: [0.1, -0.1])
        let output = Dense<Double>(weight: Matrix([[0.2, -0.1], [0.1, 0.2]]), bias: [0.05, 0.1])
        let network = try Network(inputSize: 3, layers: [hidden, ReLU(), output], loss: .meanSquaredError)
        return try ChainRuleExplainer(network: network, input: [4, 7, 0.85], target: [0.9, 0.8])
    }

    /// The seed's hand arithmetic is exact to the digits printed; Double adds ~1e-16.
    static let tolerance = 1e-12

    /// Every ∂L/∂θ of seed 002's tables, by seed name.
    static let seedGradients: [(String, Double)] = [
        ("w11(1)", -1.194), ("w12(1)", -2.0895), ("w13(1)", -0.253725),
        ("w21(1)", -0.418), ("w22(1)", -0.7315), ("w23(1)", -0.088825),
        ("b1(1)", -0.2985), ("b2(1)", -0.1045),
        ("w11(2)", -1.787775), ("w12(2)", -0.054175), ("w21(2)", -1.842225), ("w22(2)", -0.055825),
        ("b1(2)", -0.985), ("b2(2)", -1.015),
    ]

    @Test func seedForwardValuesLossAndOutputGradient() throws {
        let example = try Self.seedExplainer().example
        let expected: [(Double, Double)] = [
            (example.layers[0].z[0], 1.815), (example.layers[0].z[1], 0.055),
            (example.layers[0].a[0], 1.815), (example.layers[0].a[1], 0.055),
            (example.layers[1].z[0], 0.4075), (example.layers[1].z[1], 0.2925),
            (example.loss, 0.5001125),
            // ∂L/∂z⁽²⁾ = 2(z⁽²⁾ − y)
            (example.outputGradient[0], -0.985), (example.outputGradient[1], -1.015),
            (example.layers[1].delta[0], -0.985), (example.layers[1].delta[1], -1.015),
        ]
        for (index, (actual, seed)) in expected.enumerated() {
            #expect(abs(actual - seed) < Self.tolerance, "value \(index): \(actual), seed says \(seed)")
        }
        #expect(example.layers[0].activation == .relu && example.layers[1].activation == nil)
    }

    @Test func seedPathSumsReproduceEveryGradientOfTheTables() throws {
        let explainer = try Self.seedExplainer()
        for (name, seed) in Self.seedGradients {
            let reference = try ParameterReference(parsing: name, in: explainer.network)
            let trace = explainer.trace(reference)
            #expect(abs(trace.total - seed) < Self.tolerance, "\(name): path sum \(trace.total), seed says \(seed)")
            #expect(abs(trace.backpropagation - seed) < Self.tolerance, "\(name): backprop \(trace.backpropagation)")
            #expect(abs(trace.finiteDifference - seed) < 1e-8, "\(name): finite difference \(trace.finiteDifference)")
            // First-layer parameters reach L through both outputs; second-layer ones through one.
            #expect(trace.terms.count == (reference.denseLayer == 1 ? 2 : 1))
            #expect(trace.form == .paths)
        }
    }

    @Test func seedW11PathsAreTheSeedsFactors() throws {
        let explainer = try Self.seedExplainer()
        let trace = explainer.trace(try ParameterReference(parsing: "w11(1)", in: explainer.network))
        // ∂L/∂w₁₁⁽¹⁾ = −0.985·0.2·1·4 + −1.015·0.1·1·4 = −1.194
        let values = trace.terms.map { $0.factors.map(\.value) }
        #expect(values.count == 2)
        for (actual, seed) in zip(values[0] + values[1], [-0.985, 0.2, 1, 4, -1.015, 0.1, 1, 4]) {
            #expect(abs(actual - seed) < Self.tolerance, "factor \(actual), seed says \(seed)")
        }
        let notation = ExplainNotation.unicode
        #expect(trace.terms[0].factors.map { notation.symbol(of: $0) } == ["∂L/∂z₁⁽²⁾", "∂z₁⁽²⁾/∂a₁⁽¹⁾", "∂a₁⁽¹⁾/∂z₁⁽¹⁾", "∂z₁⁽¹⁾/∂w₁₁⁽¹⁾"])
        #expect(trace.terms[1].factors.map { notation.meaning(of: $0) } == ["∂L/∂z₂⁽²⁾", "w₂₁⁽²⁾", "relu′(z₁⁽¹⁾)", "x₁"])
        #expect(ExplainNotation.ascii.symbol(of: trace.terms[0].factors[1]) == "dz1(2)/da1(1)")
    }

    @Test func seedTextContainsTheSeedsArithmetic() throws {
        let explainer = try Self.seedExplainer()
        let formatter = TraceFormatter()
        for (name, seed) in Self.seedGradients {
            let trace = explainer.trace(try ParameterReference(parsing: name, in: explainer.network))
            let text = formatter.text(network: explainer.network, example: explainer.example, traces: [trace])
            #expect(text.contains("= \(ExplainNumber.format(seed))\n"), "\(name): \(text)")
        }
        let trace = explainer.trace(try ParameterReference(parsing: "w11(1)", in: explainer.network))
        let text = formatter.text(network: explainer.network, example: explainer.example, traces: [trace])
        #expect(text.contains("∂L/∂w₁₁⁽¹⁾ = -0.985 · 0.2 · 1 · 4 + -1.015 · 0.1 · 1 · 4 = -1.194"), "\(text)")
        for fragment in ["z₁⁽¹⁾ = b₁⁽¹⁾ + w₁₁⁽¹⁾·x₁ + w₁₂⁽¹⁾·x₂ + w₁₃⁽¹⁾·x₃ = 0.1 + 0.1·4 + 0.2·7 + -0.1·0.85 = 1.815",
                         "z₂⁽¹⁾ = ", "= 0.055", "a₁⁽¹⁾ = relu(z₁⁽¹⁾) = relu(1.815) = 1.815", "= 0.4075", "= 0.2925",
                         "= 0.5001125", "∂L/∂z₁⁽²⁾ = 2(z₁⁽²⁾ - y₁) = 2·(0.4075 - 0.9) = -0.985",
                         "∂L/∂z₂⁽²⁾ = 2(z₂⁽²⁾ - y₂) = 2·(0.2925 - 0.8) = -1.015",
                         "∂L/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂a₁⁽¹⁾ · ∂a₁⁽¹⁾/∂z₁⁽¹⁾ · ∂z₁⁽¹⁾/∂w₁₁⁽¹⁾",
                         "= ∂L/∂z₁⁽²⁾ · w₁₁⁽²⁾ · relu′(z₁⁽¹⁾) · x₁", "sum over 2 paths", "backpropagation (BP1-BP4)     -1.194",
                         "finite difference (h = 1e-05)  -1.194"] {
            #expect(text.contains(fragment), "missing '\(fragment)' in\n\(text)")
        }
        let ascii = TraceFormatter(notation: .ascii).text(network: explainer.network, example: explainer.example, traces: [trace])
        #expect(ascii.contains("dL/dw11(1) = -0.985 * 0.2 * 1 * 4 + -1.015 * 0.1 * 1 * 4 = -1.194"), "\(ascii)")
    }

    @Test func seedTableListsEveryParameterThreeWays() throws {
        let explainer = try Self.seedExplainer()
        let table = ParameterReference.all(in: explainer.network).map { explainer.trace($0) }
        #expect(table.count == 14)
        let text = TraceFormatter(notation: .ascii).text(network: explainer.network, example: explainer.example, traces: [], table: table)
        let markdown = TraceFormatter().markdown(network: explainer.network, example: explainer.example, traces: [], table: table)
        for (name, seed) in Self.seedGradients {
            let reference = try ParameterReference(parsing: name, in: explainer.network)
            let value = ExplainNumber.format(seed)
            let row = try #require(text.split(separator: "\n").first { $0.hasPrefix(reference.description + " ") })
            // chain rule, backprop and finite difference all print the seed's number
            #expect(row.components(separatedBy: value).count - 1 == 3, "\(row)")
            #expect(row.contains(name), "\(row)")
            #expect(markdown.contains("| `\(reference)` | \(ExplainNotation.unicode.name(of: reference)) |"))
        }
    }

    @Test func jsonCarriesEveryNumberAtFullPrecision() throws {
        let explainer = try Self.seedExplainer()
        let trace = explainer.trace(try ParameterReference(parsing: "0.weight[0,0]", in: explainer.network))
        let text = TraceFormatter().render(.json, network: explainer.network, example: explainer.example, traces: [trace], table: [trace])
        let json = try JSONValue.parse(Array(text.utf8))
        guard case .number(let loss) = json["loss"] else { Issue.record("no loss in \(text)"); return }
        #expect(abs(loss - 0.5001125) < Self.tolerance)
        guard case .array(let traces) = json["traces"], case .number(let total) = traces.first?["chain_rule"],
              case .array(let terms) = traces.first?["terms"] else { Issue.record("no trace in \(text)"); return }
        #expect(abs(total - -1.194) < Self.tolerance)
        #expect(terms.count == 2)
        #expect(traces.first?["name"] == .string("w11(1)"))
    }

    // MARK: - Random networks

    struct Case: CustomTestStringConvertible, Sendable {
        var activation: Activation
        var loss: LossFunction
        var testDescription: String { "\(activation.rawValue) + \(loss.rawValue)" }
    }

    static let cases: [Case] = [Activation.sigmoid, .tanh, .relu, .identity].flatMap { activation in
        LossFunction.allCases.map { Case(activation: activation, loss: $0) }
    }

    /// A 3-4-3-k network (two hidden layers, so paths branch twice) and one example.
    static func randomExplainer(_ testCase: Case, seed: UInt64) throws -> ChainRuleExplainer {
        let outputs = testCase.loss == .binaryCrossEntropy ? 2 : 3
        let network = try Network<Double>(sizes: [3, 4, 3, outputs], activation: testCase.activation, loss: testCase.loss,
                                          initializer: .normalWithBias, seed: seed)
        let batch = GradientCheck.randomBatch(for: network, rows: 1, seed: seed + 100)
        return try ChainRuleExplainer(network: network, input: batch.inputs.row(0), target: batch.targets.row(0))
    }

    @Test(arguments: cases)
    func pathSumsEqualBackpropagationOnRandomNetworks(_ testCase: Case) throws {
        let explainer = try Self.randomExplainer(testCase, seed: 5)
        for reference in ParameterReference.all(in: explainer.network) {
            let trace = explainer.trace(reference)
            #expect(trace.form == .paths)
            #expect(trace.terms.count == trace.pathCount)
            let outputs = explainer.network.outputSize
            let expectedPaths = [1: 3 * outputs, 2: outputs, 3: 1][reference.denseLayer]!
            #expect(trace.pathCount == expectedPaths, "\(reference)")
            let error = abs(trace.total - trace.backpropagation) / max(abs(trace.total) + abs(trace.backpropagation), 1e-12)
            #expect(error < 1e-12 || abs(trace.total - trace.backpropagation) < 1e-15,
                    "\(testCase.testDescription) \(reference): path sum \(trace.total), backprop \(trace.backpropagation)")
        }
    }

    @Test(arguments: cases)
    func groupedSumsEqualBackpropagationAboveTheCap(_ testCase: Case) throws {
        let explainer = try Self.randomExplainer(testCase, seed: 9)
        for reference in ParameterReference.all(in: explainer.network) where reference.denseLayer == 1 {
            let grouped = explainer.trace(reference, maximumPaths: 4)
            #expect(grouped.form == .groupedByNeuron(layer: 2), "\(reference)")
            let pathCount = 3 * explainer.network.outputSize
            #expect(grouped.pathCount == pathCount)
            #expect(grouped.terms.count == 3, "one term per neuron of layer 2")
            let error = abs(grouped.total - grouped.backpropagation)
            #expect(error <= 1e-12 * max(abs(grouped.backpropagation), 1), "\(reference): \(grouped.total) vs \(grouped.backpropagation)")
            let paths = explainer.trace(reference, maximumPaths: pathCount)
            #expect(paths.form == .paths && paths.terms.count == pathCount)
        }
    }

    @Test func groupedTextSaysSo() throws {
        let explainer = try Self.randomExplainer(Case(activation: .tanh, loss: .softmaxCrossEntropy), seed: 2)
        let reference = try ParameterReference(parsing: "w11(1)", in: explainer.network)
        let trace = explainer.trace(reference, maximumPaths: 4)
        let text = TraceFormatter().text(network: explainer.network, example: explainer.example, traces: [trace])
        #expect(text.contains("reaches L along 9 paths, too many to list, so they are grouped by the neuron k they pass through in layer 2"), "\(text)")
        #expect(text.contains("via z₁⁽²⁾: ∂L/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂a₁⁽¹⁾ · ∂a₁⁽¹⁾/∂z₁⁽¹⁾ · ∂z₁⁽¹⁾/∂w₁₁⁽¹⁾"), "\(text)")
        #expect(text.contains("ŷ₁ - y₁ = "), "softmax-CE's output gradient is ŷ − y: \(text)")
    }

    @Test func binaryCrossEntropyOutputGradientIsSigmoidMinusTarget() throws {
        let network = try Network<Double>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy, initializer: .normalWithBias, seed: 4)
        let explainer = try ChainRuleExplainer(network: network, input: [0.5, -1], target: [1])
        let z = explainer.example.layers[1].z[0]
        #expect(abs(explainer.example.outputGradient[0] - (1 / (1 + Double.exp(-z)) - 1)) < 1e-15)
        let text = TraceFormatter().text(network: network, example: explainer.example, traces: [])
        #expect(text.contains("σ(z₁⁽²⁾) - y₁ = "), "\(text)")
    }

    @Test func widePathCountsSaturateInsteadOfOverflowing() {
        #expect(PathEnumeration(widths: [1 << 40, 1 << 40]).count == Int.max)
        #expect(PathEnumeration(widths: [2, 3]).count == 6)
        #expect(Array(PathEnumeration(widths: [2, 2])) == [[0, 0], [1, 0], [0, 1], [1, 1]])
        #expect(Array(PathEnumeration(widths: [])) == [[]])
    }

    // MARK: - Parameter names

    @Test(arguments: [
        ("0.weight[0,0]", 0, 1, ParameterReference.Role.weight, 0, 0 as Int?),
        ("0.weight[1][2]", 0, 1, .weight, 1, 2), ("0.bias[1]", 0, 1, .bias, 1, nil),
        ("2.weight[1,0]", 2, 2, .weight, 1, 0), ("w11(1)", 0, 1, .weight, 0, 0), ("w12(1)", 0, 1, .weight, 0, 1),
        ("w21(2)", 2, 2, .weight, 1, 0), ("w_23^(1)", 0, 1, .weight, 1, 2), ("w_{2,3}^{(1)}", 0, 1, .weight, 1, 2),
        ("w₂₃⁽¹⁾", 0, 1, .weight, 1, 2), ("b2(1)", 0, 1, .bias, 1, nil), ("b_2^(2)", 2, 2, .bias, 1, nil),
        ("b₁⁽²⁾", 2, 2, .bias, 0, nil), (" W13(1) ", 0, 1, .weight, 0, 2),
    ])
    func parameterNamesParse(_ text: String, _ layerIndex: Int, _ denseLayer: Int, _ role: ParameterReference.Role, _ neuron: Int, _ input: Int?) throws {
        let network = try Self.seedExplainer().network
        let reference = try ParameterReference(parsing: text, in: network)
        #expect(reference == ParameterReference(layerIndex: layerIndex, denseLayer: denseLayer, role: role, neuron: neuron, input: input))
    }

    @Test(arguments: [
        ("0.weight[2,0]", "out of range"), ("0.weight[0,3]", "out of range"), ("0.bias[2]", "out of range"),
        ("1.weight[0,0]", "no dense layer at index 1"), ("w31(1)", "out of range"), ("w14(1)", "out of range"),
        ("w11(3)", "dense layers 1...2"), ("b3(2)", "out of range"), ("b0(1)", "out of range"), ("theta", "cannot read"),
        ("w1(1)", "two indices"), ("0.weight[0]", "cannot read"), ("", "cannot read"),
    ])
    func badParameterNamesFailWithTheValidRanges(_ text: String, _ expected: String) throws {
        let network = try Self.seedExplainer().network
        do {
            _ = try ParameterReference(parsing: text, in: network)
            Issue.record("'\(text)' should not parse")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(!error.description.contains("\n"))
            if expected != "two indices" {
                #expect(error.description.contains("0.weight[j,i] j 0...1, i 0...2 (= w_ji^(1) j 1...2, i 1...3)"), "\(error)")
            }
        }
    }

    @Test func indicesOfTenOrMoreNeedACommaOnlyWhenAmbiguous() throws {
        let network = try Network<Double>(sizes: [12, 12, 2], activation: .tanh, loss: .meanSquaredError)
        #expect(try ParameterReference(parsing: "w12,3(1)", in: network).input == 2)
        #expect(try ParameterReference(parsing: "w1,12(1)", in: network).input == 11)
        // 1|23 does not fit (i ≤ 12), 12|3 does.
        #expect(try ParameterReference(parsing: "w123(1)", in: network) == ParameterReference(layerIndex: 0, denseLayer: 1, role: .weight, neuron: 11, input: 2))
        #expect(throws: ExplainError.self) { try ParameterReference(parsing: "w112(1)", in: network) }
        #expect(ExplainNotation.unicode.weight(12, 3, layer: 1) == "w₁₂,₃⁽¹⁾")
    }

    @Test func examplesThatDoNotFitAreRejected() throws {
        let network = try Self.seedExplainer().network
        #expect(throws: ExplainError.self) { try ChainRuleExplainer(network: network, input: [1, 2], target: [0.9, 0.8]) }
        #expect(throws: ExplainError.self) { try ChainRuleExplainer(network: network, input: [1, 2, 3], target: [0.9]) }
        let classifier = try Network<Double>(sizes: [2, 3, 3], activation: .relu, loss: .softmaxCrossEntropy)
        #expect(throws: ExplainError.self) { try ChainRuleExplainer(network: classifier, input: [1, 2], target: [3]) }
    }
}
