/// Writes explanations as text, Markdown or JSON: the example's forward pass, ∂L/∂z of the
/// output layer, and for each traced parameter the chain-rule sum with symbols, meanings and
/// values, then the checks against backpropagation and finite differences; optionally a
/// table of every parameter's gradient (the 3-2-2 worked example's tables).
public struct TraceFormatter: Sendable {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    public var notation: ExplainNotation
    /// Neurons per layer listed one by one in the forward pass before the rest is elided.
    public var maximumNeuronsShown: Int

    public init(notation: ExplainNotation = .unicode, maximumNeuronsShown: Int = 32) {
        self.notation = notation
        self.maximumNeuronsShown = maximumNeuronsShown
    }

    /// The full explanation in `format`.
    ///
    /// - Parameters:
    ///   - traces: the parameters to derive in full.
    ///   - table: the parameters for the gradient table (empty: no table).
    public func render(
        _ format: Format, network: Network<Double>, example: ExampleValues,
        traces: [ChainRuleTrace], table: [ChainRuleTrace] = []
    ) -> String {
        switch format {
        case .text: text(network: network, example: example, traces: traces, table: table)
        case .markdown: markdown(network: network, example: example, traces: traces, table: table)
        case .json: json(network: network, example: example, traces: traces, table: table).serialized() + "\n"
        }
    }

    // MARK: - Text

    public func text(network: Network<Double>, example: ExampleValues, traces: [ChainRuleTrace], table: [ChainRuleTrace] = []) -> String {
        var lines: [String] = []
        lines.append("network: \(network.layerDescription), loss \(network.loss.rawValue)")
        if let given = example.givenInput {
            lines.append("example: x = (\(list(given))) as given, \(targetDescription(example)); L is this example's loss (N = 1)")
            lines.append("input scaling stored in the model: \(example.inputScaling.formula); the network sees x′ = (\(list(example.input)))")
            lines.append("  (below, x and a⁽⁰⁾ stand for x′)")
        } else {
            lines.append("example: x = (\(list(example.input))), \(targetDescription(example)); L is this example's loss (N = 1)")
        }
        lines.append("")
        lines.append("Forward pass")
        lines += forwardLines(network: network, example: example).map { "  " + $0 }
        lines.append("")
        lines.append("Output layer (BP1)")
        lines += outputGradientLines(example).map { "  " + $0 }
        for trace in traces {
            lines.append("")
            lines += traceLines(trace)
        }
        if !table.isEmpty {
            lines.append("")
            lines += tableLines(table)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func targetDescription(_ example: ExampleValues) -> String {
        example.lossFunction == .softmaxCrossEntropy
            ? "class \(Int(example.target[0])) (y = (\(list(example.targetVector))))"
            : "y = (\(list(example.targetVector)))"
    }

    func list(_ values: [Double]) -> String { values.map { ExplainNumber.format($0) }.joined(separator: ", ") }

    /// zⱼ⁽ˡ⁾ = bⱼ + Σᵢ wⱼᵢ·aᵢ written out (for fan-in up to 6), aⱼ⁽ˡ⁾ = g(zⱼ⁽ˡ⁾), then L.
    func forwardLines(network: Network<Double>, example: ExampleValues) -> [String] {
        var lines: [String] = []
        let times = notation == .unicode ? "·" : "*"
        for (index, layer) in example.layers.enumerated() {
            let dense = network.layers[layer.layerIndex] as! Dense<Double>
            let previousHasActivation = index > 0 && example.layers[index - 1].activation != nil
            let inputs = index == 0 ? example.input : example.layers[index - 1].a
            let shown = min(layer.z.count, maximumNeuronsShown)
            for j in 0..<shown {
                let name = notation.neuron("z", j + 1, layer: layer.number)
                var line = "\(name) = "
                if dense.inputSize <= 6 {
                    var symbols: [String] = []
                    var numbers: [String] = []
                    if dense.bias != nil {
                        symbols.append(notation.bias(j + 1, layer: layer.number))
                        numbers.append(ExplainNumber.format(dense.bias!.value[0, j]))
                    }
                    for i in 0..<dense.inputSize {
                        symbols.append(notation.weight(j + 1, i + 1, layer: layer.number) + times
                                       + notation.value(i + 1, layer: layer.number - 1, hasActivation: previousHasActivation))
                        numbers.append(ExplainNumber.format(dense.weight.value[j, i]) + times + ExplainNumber.format(inputs[i]))
                    }
                    line += symbols.joined(separator: " + ") + " = " + numbers.joined(separator: " + ") + " = "
                }
                lines.append(line + ExplainNumber.format(layer.z[j]))
            }
            if shown < layer.z.count {
                lines.append("… \(layer.z.count - shown) more neurons in layer \(layer.number) (--format json lists them all)")
            }
            if let activation = layer.activation {
                for j in 0..<shown {
                    let z = notation.neuron("z", j + 1, layer: layer.number)
                    lines.append("\(notation.neuron("a", j + 1, layer: layer.number)) = \(activation.rawValue)(\(z)) = \(activation.rawValue)(\(ExplainNumber.format(layer.z[j]))) = \(ExplainNumber.format(layer.a[j]))")
                }
            }
        }
        lines.append(lossLine(example))
        return lines
    }

    func lossLine(_ example: ExampleValues) -> String {
        let last = example.layers[example.layers.count - 1]
        let letter = last.activation == nil ? "z" : "a"
        let vector = letter + notation.layerMark(last.number)
        let square = notation == .unicode ? "²" : "^2"
        switch example.lossFunction {
        case .meanSquaredError:
            let output = last.a
            let terms = output.indices.prefix(8).map { "(\(ExplainNumber.format(output[$0])) - \(ExplainNumber.format(example.targetVector[$0])))\(square)" }
            let expanded = output.count <= 8 ? " = " + terms.joined(separator: " + ") : ""
            let norm = notation == .unicode ? "‖" : "||"
            return "L = \(norm)\(vector) - y\(norm)\(square)\(expanded) = \(ExplainNumber.format(example.loss))"
        case .softmaxCrossEntropy:
            let c = Int(example.target[0])
            return "ŷ = softmax(\(vector)) = (\(list(example.predictions))); L = -log ŷ\(notation.subscripted(String(c + 1))) = \(ExplainNumber.format(example.loss))"
        case .binaryCrossEntropy:
            let k = example.predictions.count
            let mean = k == 1 ? "" : "(1/\(k)) Σⱼ "
            return "ŷ = σ(\(vector)) = (\(list(example.predictions))); L = \(mean)-[y log ŷ + (1 - y) log(1 - ŷ)] = \(ExplainNumber.format(example.loss))"
        }
    }

    /// ∂L/∂zⱼ⁽ᴸ⁾ for each output, with the loss's formula.
    func outputGradientLines(_ example: ExampleValues) -> [String] {
        let last = example.layers[example.layers.count - 1]
        let letter = last.activation == nil ? "z" : "a"
        let k = example.outputGradient.count
        var lines: [String] = []
        for j in 0..<min(k, maximumNeuronsShown) {
            let neuron = notation.neuron(letter, j + 1, layer: last.number)
            let y = "y" + notation.subscripted(String(j + 1))
            let output = ExplainNumber.format(last.a[j]), target = ExplainNumber.format(example.targetVector[j])
            let prediction = ExplainNumber.format(example.predictions[j])
            let formula: String
            switch example.lossFunction {
            case .meanSquaredError:
                formula = "2(\(neuron) - \(y)) = 2\(notation == .unicode ? "·" : "*")(\(output) - \(target))"
            case .softmaxCrossEntropy:
                formula = "ŷ\(notation.subscripted(String(j + 1))) - \(y) = \(prediction) - \(target)"
            case .binaryCrossEntropy:
                formula = k == 1
                    ? "σ(\(neuron)) - \(y) = \(prediction) - \(target)"
                    : "(σ(\(neuron)) - \(y))/\(k) = (\(prediction) - \(target))/\(k)"
            }
            lines.append("\(notation.partial("L", neuron)) = \(formula) = \(ExplainNumber.format(example.outputGradient[j]))")
        }
        if k > maximumNeuronsShown { lines.append("… \(k - maximumNeuronsShown) more outputs") }
        return lines
    }

    /// One parameter's derivation: each term's symbols, meanings and values, the sum, the checks.
    func traceLines(_ trace: ChainRuleTrace) -> [String] {
        let name = notation.name(of: trace.parameter)
        let derivative = notation.partial("L", name)
        var lines: [String] = []
        switch trace.form {
        case .paths:
            let paths = trace.pathCount == 1 ? "the single path" : "the sum over \(trace.pathCount) paths"
            lines.append("\(derivative)  (\(trace.parameter) = \(ExplainNumber.format(trace.value))): \(paths) from \(name) to L")
        case .groupedByNeuron(let layer):
            let count = trace.pathCount == Int.max ? "more than \(Int.max)" : "\(trace.pathCount)"
            lines.append("\(derivative)  (\(trace.parameter) = \(ExplainNumber.format(trace.value))): \(name) reaches L along \(count) paths, too many to list, so they are grouped by the neuron k they pass through in layer \(layer): one term per neuron, \(notation.partial("L", "z" + (notation == .unicode ? "ₖ" : "k") + notation.layerMark(layer))) is the backpropagated delta, already the sum over the paths above layer \(layer)")
        }
        for (index, term) in trace.terms.enumerated() {
            let label = trace.form == .paths ? "path \(index + 1): " : "via \(notation.neuron("z", neuronOfFirstFactor(term) + 1, layer: layerOfFirstFactor(term))): "
            let pad = String(repeating: " ", count: label.count)
            lines.append("  " + label + term.factors.map { notation.symbol(of: $0) }.joined(separator: notation.times))
            lines.append("  " + pad + "= " + term.factors.map { notation.meaning(of: $0) }.joined(separator: notation.times))
            lines.append("  " + pad + "= " + numbers(term) + " = " + ExplainNumber.format(term.product))
        }
        let sum: String
        if trace.terms.count <= 4 {
            sum = trace.terms.map(numbers).joined(separator: " + ")
        } else if trace.terms.count <= 16 {
            sum = trace.terms.map { ExplainNumber.format($0.product) }.joined(separator: " + ")
        } else {
            sum = "the sum of \(trace.terms.count) terms"
        }
        lines.append("  \(derivative) = \(sum) = \(ExplainNumber.format(trace.total))")
        lines += checkLines(trace).map { "  " + $0 }
        return lines
    }

    func numbers(_ term: ChainRuleTerm) -> String {
        term.factors.map { ExplainNumber.format($0.value) }.joined(separator: notation.times)
    }

    func neuronOfFirstFactor(_ term: ChainRuleTerm) -> Int {
        if case .delta(let neuron, _) = term.factors.first?.kind { return neuron }
        return 0
    }

    func layerOfFirstFactor(_ term: ChainRuleTerm) -> Int {
        if case .delta(_, let layer) = term.factors.first?.kind { return layer }
        return 0
    }

    func checkLines(_ trace: ChainRuleTrace) -> [String] {
        [
            "check: backpropagation (BP1-BP4)     \(ExplainNumber.format(trace.backpropagation))   (relative difference \(ExplainNumber.short(GradientCheck.relativeError(trace.total, trace.backpropagation))))",
            "       finite difference (h = \(ExplainNumber.short(trace.step)))  \(ExplainNumber.format(trace.finiteDifference))   (relative difference \(ExplainNumber.short(GradientCheck.relativeError(trace.total, trace.finiteDifference))))",
        ]
    }

    /// The 3-2-2 worked example's tables: every parameter's value and ∂L/∂θ three ways.
    func tableLines(_ table: [ChainRuleTrace]) -> [String] {
        let header = ["parameter", "name", "value", "∂L/∂θ chain rule", "backprop", "finite difference"]
            .map { notation == .ascii ? $0.replacingOccurrences(of: "∂L/∂θ", with: "dL/dtheta") : $0 }
        let rows = table.map { trace in
            [trace.parameter.description, notation.name(of: trace.parameter), ExplainNumber.format(trace.value),
             ExplainNumber.format(trace.total), ExplainNumber.format(trace.backpropagation), ExplainNumber.format(trace.finiteDifference)]
        }
        return ["Gradients of L for every parameter"] + alignedRows([header] + rows)
    }

    // MARK: - Markdown

    public func markdown(network: Network<Double>, example: ExampleValues, traces: [ChainRuleTrace], table: [ChainRuleTrace] = []) -> String {
        var lines: [String] = []
        lines.append("**Network** \(network.layerDescription), loss `\(network.loss.rawValue)`  ")
        if let given = example.givenInput {
            lines.append("**Example** x = (\(list(given))) as given, \(targetDescription(example)); L is this example's loss (N = 1)  ")
            lines.append("**Input scaling** stored in the model: \(example.inputScaling.formula); the network sees x′ = (\(list(example.input))), written x below")
        } else {
            lines.append("**Example** x = (\(list(example.input))), \(targetDescription(example)); L is this example's loss (N = 1)")
        }
        lines.append("")
        lines.append("### Forward pass")
        lines.append("")
        lines.append("| layer | neuron | z | a |")
        lines.append("|---|---|---|---|")
        for layer in example.layers {
            for j in 0..<min(layer.z.count, maximumNeuronsShown) {
                let a = layer.activation == nil ? "" : ExplainNumber.format(layer.a[j])
                lines.append("| \(layer.number) | \(j + 1) | \(ExplainNumber.format(layer.z[j])) | \(a) |")
            }
        }
        lines.append("")
        lines.append(lossLine(example))
        lines.append("")
        lines.append("### Output layer (BP1)")
        lines.append("")
        lines += outputGradientLines(example).map { "- " + $0 }
        for trace in traces {
            let name = notation.name(of: trace.parameter)
            lines.append("")
            lines.append("### \(notation.partial("L", name)) (`\(trace.parameter)` = \(ExplainNumber.format(trace.value)))")
            lines.append("")
            if case .groupedByNeuron(let layer) = trace.form {
                lines.append("\(trace.pathCount) paths: grouped by the neuron they pass through in layer \(layer); each first factor is the backpropagated delta.")
                lines.append("")
            }
            lines.append("| term | chain | meaning | values | product |")
            lines.append("|---|---|---|---|---|")
            for (index, term) in trace.terms.enumerated() {
                lines.append("| \(index + 1) | \(term.factors.map { notation.symbol(of: $0) }.joined(separator: notation.times)) | \(term.factors.map { notation.meaning(of: $0) }.joined(separator: notation.times)) | \(numbers(term)) | \(ExplainNumber.format(term.product)) |")
            }
            lines.append("")
            lines.append("Sum: **\(ExplainNumber.format(trace.total))**; backpropagation \(ExplainNumber.format(trace.backpropagation)); finite difference (h = \(ExplainNumber.short(trace.step))) \(ExplainNumber.format(trace.finiteDifference)).")
        }
        if !table.isEmpty {
            lines.append("")
            lines.append("### Gradients of L for every parameter")
            lines.append("")
            lines.append("| parameter | name | value | ∂L/∂θ chain rule | backprop | finite difference |")
            lines.append("|---|---|---|---|---|---|")
            for trace in table {
                lines.append("| `\(trace.parameter)` | \(notation.name(of: trace.parameter)) | \(ExplainNumber.format(trace.value)) | \(ExplainNumber.format(trace.total)) | \(ExplainNumber.format(trace.backpropagation)) | \(ExplainNumber.format(trace.finiteDifference)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    /// Every number at full precision; names in both notations.
    public func json(network: Network<Double>, example: ExampleValues, traces: [ChainRuleTrace], table: [ChainRuleTrace] = []) -> JSONValue {
        func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
        func traceObject(_ trace: ChainRuleTrace, withTerms: Bool) -> JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("parameter", .string(trace.parameter.description)),
                ("name", .string(ExplainNotation.ascii.name(of: trace.parameter))),
                ("value", .number(trace.value)),
                ("chain_rule", .number(trace.total)),
                ("backprop", .number(trace.backpropagation)),
                ("finite_difference", .number(trace.finiteDifference)),
                ("step", .number(trace.step)),
                ("path_count", .integer(trace.pathCount)),
            ]
            if withTerms {
                switch trace.form {
                case .paths: members.append(("form", .string("paths")))
                case .groupedByNeuron(let layer):
                    members.append(("form", .string("grouped")))
                    members.append(("grouped_by_layer", .integer(layer)))
                }
                members.append(("terms", .array(trace.terms.map { term in
                    .object([
                        ("factors", .array(term.factors.map { factor in
                            .object([
                                ("symbol", .string(notation.symbol(of: factor))),
                                ("meaning", .string(notation.meaning(of: factor))),
                                ("value", .number(factor.value)),
                            ])
                        })),
                        ("product", .number(term.product)),
                    ])
                })))
            }
            return .object(members)
        }
        var members: [(key: String, value: JSONValue)] = [
            ("network", .string(network.layerDescription)),
            ("loss_function", .string(network.loss.rawValue)),
            ("input", numbers(example.input)),
            ("target", numbers(example.target)),
        ]
        if let given = example.givenInput {
            members.append(("given_input", numbers(given)))
            members.append(("input_scaling", .string(example.inputScaling.formula)))
        }
        members += [
            ("layers", .array(example.layers.map { layer in
                var object: [(key: String, value: JSONValue)] = [("layer", .integer(layer.number)), ("z", numbers(layer.z))]
                if let activation = layer.activation {
                    object.append(("activation", .string(activation.rawValue)))
                    object.append(("a", numbers(layer.a)))
                }
                object.append(("dL_dz", numbers(layer.delta)))
                return .object(object)
            })),
            ("predictions", numbers(example.predictions)),
            ("loss", .number(example.loss)),
            ("output_gradient", numbers(example.outputGradient)),
            ("traces", .array(traces.map { traceObject($0, withTerms: true) })),
        ]
        if !table.isEmpty { members.append(("table", .array(table.map { traceObject($0, withTerms: false) }))) }
        return .object(members)
    }
}
