/// Explains single partial derivatives ∂L/∂θ of a network on one example by the chain rule,
/// as the 3-2-2 worked example works them by hand: forward values of every neuron, ∂L/∂z of the output
/// layer, then ∂L/∂θ as a sum over every path from θ to L of the products of the local
/// derivatives along the path.
///
/// A path from θ = wⱼᵢ⁽ˡ⁾ (or bⱼ⁽ˡ⁾) picks one neuron in each layer above l; its term is
/// ∂L/∂zₖ⁽ᴸ⁾ · ∂zₖ⁽ᴸ⁾/∂a⁽ᴸ⁻¹⁾ · ∂a⁽ᴸ⁻¹⁾/∂z⁽ᴸ⁻¹⁾ · … · ∂zⱼ⁽ˡ⁾/∂θ, where ∂z⁽ᵐ⁾ₖ/∂a⁽ᵐ⁻¹⁾ₚ = wₖₚ⁽ᵐ⁾,
/// ∂a/∂z = g′(z) and ∂zⱼ⁽ˡ⁾/∂wⱼᵢ⁽ˡ⁾ = aᵢ⁽ˡ⁻¹⁾ (∂zⱼ⁽ˡ⁾/∂bⱼ⁽ˡ⁾ = 1). The number of paths is the
/// product of the widths above l, so above `maximumPaths` the trace groups the paths by the
/// neuron k they pass through in layer l + 1: ∂L/∂zₖ⁽ˡ⁺¹⁾ · wₖⱼ⁽ˡ⁺¹⁾ · g′(zⱼ⁽ˡ⁾) · aᵢ⁽ˡ⁻¹⁾, with
/// ∂L/∂zₖ⁽ˡ⁺¹⁾ the backpropagated delta (already the sum over the paths above).
///
/// L is this example's loss alone (N = 1). All arithmetic is in Double. The explainer
/// reads the network's parameters and, for the finite differences, nudges one at a time and
/// puts it back; it also leaves `Network.computeGradients`'s result in every parameter's
/// `gradient`.
public final class ChainRuleExplainer {
    public let network: Network<Double>
    /// The example's forward values, loss and deltas.
    public let example: ExampleValues
    let stages: [DenseStage]
    let workspace: Workspace<Double>
    /// ∂L/∂θ from BP1-BP4 for every tensor, by state-dict name.
    let backpropagation: [String: Matrix<Double>]

    /// Runs the example forward and backward.
    ///
    /// - Parameters:
    ///   - input: one value per network input, as given (a data row): the model's
    ///     `inputScaling` is applied to it first, exactly as training and prediction apply it,
    ///     and the trace explains the forward pass on the scaled x′.
    ///   - target: a class index (softmax cross-entropy), or one value per output (mse; binary
    ///     cross-entropy, in [0, 1]).
    ///   - inputScaling: the scaling stored with the model (`ModelFile.loadWithInputScaling`).
    public init(network: Network<Double>, input givenInput: [Double], target: [Double],
                inputScaling: InputScaling = .none) throws(ExplainError) {
        stages = try DenseStage.stages(of: network)
        guard givenInput.count == network.inputSize else {
            throw ExplainError("the input has \(givenInput.count) value(s), but the network takes \(network.inputSize)")
        }
        if let bad = givenInput.firstIndex(where: { !$0.isFinite }) {
            throw ExplainError("input value \(bad + 1) is \(givenInput[bad]), not a finite number")
        }
        let input: [Double]
        do {
            input = try inputScaling.applied(to: Matrix(rows: 1, columns: givenInput.count, elements: givenInput)).row(0)
        } catch {
            throw ExplainError("the model's input scaling: \(error.description)")
        }
        let targetColumns = network.loss.targetColumns(outputSize: network.outputSize)
        guard target.count == targetColumns else {
            let expected = network.loss == .softmaxCrossEntropy
                ? "one class index in 0...\(network.outputSize - 1)" : "\(targetColumns) value(s), one per output"
            throw ExplainError("the target has \(target.count) value(s), but \(network.loss.rawValue) needs \(expected)")
        }
        let targets = Matrix(rows: 1, columns: targetColumns, elements: target)
        do {
            try network.loss.validate(targets: targets, outputSize: network.outputSize)
        } catch {
            throw ExplainError("target: \(error.description)")
        }
        self.network = network
        workspace = Workspace(network: network, batchSize: 1)
        workspace.load(inputs: Matrix(rows: 1, columns: input.count, elements: input), targets: targets)
        let loss = network.computeGradients(in: workspace)
        var gradients: [String: Matrix<Double>] = [:]
        for (name, parameter) in network.parameters { gradients[name] = parameter.gradient }
        backpropagation = gradients
        var example = Self.exampleValues(
            stages: stages, workspace: workspace, loss: network.loss, lossValue: loss, input: input, target: target)
        if inputScaling != .none {
            example.givenInput = givenInput
            example.inputScaling = inputScaling
        }
        self.example = example
    }

    /// Forward values from the workspace, then ∂L/∂output and the deltas worked neuron by
    /// neuron, independently of the matrix backward pass.
    static func exampleValues(
        stages: [DenseStage], workspace: Workspace<Double>, loss: LossFunction, lossValue: Double,
        input: [Double], target: [Double]
    ) -> ExampleValues {
        var layers = stages.map { stage in
            let z = workspace.outputs[stage.layerIndex].row(0)
            let a = stage.activationLayerIndex.map { workspace.outputs[$0].row(0) } ?? z
            return LayerValues(number: stage.number, layerIndex: stage.layerIndex, activation: stage.activation,
                               z: z, a: a, delta: Array(repeating: 0, count: z.count))
        }
        let output = layers[layers.count - 1].a
        let k = output.count
        let targetVector: [Double] = loss == .softmaxCrossEntropy
            ? (0..<k).map { $0 == Int(target[0]) ? 1 : 0 } : target
        let predictions: [Double]
        let outputGradient: [Double]
        switch loss {
        case .meanSquaredError:
            predictions = output
            outputGradient = (0..<k).map { 2 * (output[$0] - targetVector[$0]) }
        case .softmaxCrossEntropy:
            let maximum = output.max() ?? 0
            let exponentials = output.map { Double.exp($0 - maximum) }
            let sum = exponentials.reduce(0, +)
            predictions = exponentials.map { $0 / sum }
            outputGradient = (0..<k).map { predictions[$0] - targetVector[$0] }
        case .binaryCrossEntropy:
            predictions = output.map { Double.sigmoid($0) }
            outputGradient = (0..<k).map { (predictions[$0] - targetVector[$0]) / Double(k) }
        }
        // BP1, then BP2 layer by layer, one neuron at a time.
        var upstream = outputGradient
        for index in stages.indices.reversed() {
            let layer = layers[index]
            layers[index].delta = (0..<layer.z.count).map { j in
                upstream[j] * (layer.activation?.derivative(z: layer.z[j], a: layer.a[j]) ?? 1)
            }
            guard index > 0 else { break }
            let weight = stages[index].dense.weight.value
            upstream = (0..<weight.columns).map { p in
                (0..<weight.rows).reduce(0) { $0 + weight[$1, p] * layers[index].delta[$1] }
            }
        }
        return ExampleValues(input: input, target: target, targetVector: targetVector, layers: layers,
                             lossFunction: loss, loss: lossValue, predictions: predictions, outputGradient: outputGradient)
    }

    // MARK: - Parameters

    /// θ's current value.
    public func value(of parameter: ParameterReference) -> Double {
        let (row, column) = parameter.matrixPosition
        return tensor(of: parameter).value[row, column]
    }

    /// ∂L/∂θ from the vectorized backward pass (BP1-BP4, `Network.computeGradients`).
    public func backpropagationGradient(of parameter: ParameterReference) -> Double {
        let (row, column) = parameter.matrixPosition
        return backpropagation[parameter.tensorName]![row, column]
    }

    /// (L(θ + h) − L(θ − h)) / 2h (`GradientCheck.centralDifference`), θ restored afterwards.
    public func finiteDifference(of parameter: ParameterReference, step: Double = 1e-5) -> Double {
        let tensor = tensor(of: parameter)
        let (row, column) = parameter.matrixPosition
        return GradientCheck.centralDifference(
            of: tensor, at: row * tensor.value.columns + column, step: step, network: network, workspace: workspace)
    }

    func tensor(of parameter: ParameterReference) -> Parameter<Double> {
        // References come from `ParameterReference(parsing:in:)` or `all(in:)` on this
        // network, so the tensor exists.
        network.parameter(named: parameter.tensorName)!
    }

    /// The number of paths from θ to L: the product of the widths of the layers above θ's.
    public func pathCount(of parameter: ParameterReference) -> Int {
        PathEnumeration(widths: stages[parameter.denseLayer...].map(\.outputSize)).count
    }

    // MARK: - Traces

    /// ∂L/∂θ written as a chain-rule sum: one term per path while there are at most
    /// `maximumPaths`, otherwise one term per neuron of the next layer up.
    public func trace(_ parameter: ParameterReference, maximumPaths: Int = 64, step: Double = 1e-5) -> ChainRuleTrace {
        let s = parameter.denseLayer - 1
        let last = stages.count - 1
        let j = parameter.neuron
        let count = pathCount(of: parameter)
        let grouped = s < last - 1 && count > maximumPaths
        let parameterFactor = ChainRuleFactor(
            kind: .parameter(parameter, inputHasActivation: s > 0 && stages[s - 1].activation != nil),
            value: parameter.input.map { s == 0 ? example.input[$0] : example.layers[s - 1].a[$0] } ?? 1)

        var terms: [ChainRuleTerm] = []
        if grouped {
            let above = stages[s + 1]
            for k in 0..<above.outputSize {
                var factors = [ChainRuleFactor(kind: .delta(neuron: k, layer: above.number), value: example.layers[s + 1].delta[k])]
                factors.append(linkFactor(to: k, stage: s + 1, from: j))
                if let slope = slopeFactor(stage: s, neuron: j) { factors.append(slope) }
                factors.append(parameterFactor)
                terms.append(ChainRuleTerm(factors: factors))
            }
        } else {
            for path in PathEnumeration(widths: stages[(s + 1)...].map(\.outputSize)) {
                let chain = [j] + path  // chain[m − s] is the neuron in stage m
                let top = chain[last - s]
                var factors = [ChainRuleFactor(
                    kind: .lossGradient(neuron: top, layer: stages[last].number, ofActivation: stages[last].activation != nil),
                    value: example.outputGradient[top])]
                if let slope = slopeFactor(stage: last, neuron: top) { factors.append(slope) }
                for m in stride(from: last, to: s, by: -1) {
                    factors.append(linkFactor(to: chain[m - s], stage: m, from: chain[m - 1 - s]))
                    if let slope = slopeFactor(stage: m - 1, neuron: chain[m - 1 - s]) { factors.append(slope) }
                }
                factors.append(parameterFactor)
                terms.append(ChainRuleTerm(factors: factors))
            }
        }
        return ChainRuleTrace(
            parameter: parameter, value: value(of: parameter),
            form: grouped ? .groupedByNeuron(layer: s + 2) : .paths,
            pathCount: count, terms: terms,
            backpropagation: backpropagationGradient(of: parameter),
            finiteDifference: finiteDifference(of: parameter, step: step), step: step)
    }

    /// ∂zₖ⁽ᵐ⁾/∂a⁽ᵐ⁻¹⁾ₚ = wₖₚ⁽ᵐ⁾ for stage index m.
    func linkFactor(to k: Int, stage m: Int, from p: Int) -> ChainRuleFactor {
        ChainRuleFactor(
            kind: .weight(to: k, layer: stages[m].number, from: p, fromHasActivation: stages[m - 1].activation != nil),
            value: stages[m].dense.weight.value[k, p])
    }

    /// ∂aⱼ⁽ˡ⁾/∂zⱼ⁽ˡ⁾ = g′(zⱼ⁽ˡ⁾) for stage index m, nil without an activation.
    func slopeFactor(stage m: Int, neuron j: Int) -> ChainRuleFactor? {
        guard let activation = stages[m].activation else { return nil }
        let layer = example.layers[m]
        return ChainRuleFactor(
            kind: .activationSlope(neuron: j, layer: stages[m].number, activation: activation),
            value: activation.derivative(z: layer.z[j], a: layer.a[j]))
    }
}
