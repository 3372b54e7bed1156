/// A sequential feed-forward network: dense layers and activations applied in order,
/// ending in logits Z⁽ᴸ⁾; the output activation is fused into the loss.
///
/// `Network(sizes: [2, 3, 1], …)` builds Linear(2, 3) → g → Linear(3, 1), the layers of
/// PyTorch's `nn.Sequential(nn.Linear(2, 3), g, nn.Linear(3, 1))`, and names parameters
/// as its `state_dict()` does: `0.weight`, `0.bias`, `2.weight`, `2.bias`.
///
/// The network is a reference object: parameters are updated in place by optimizers.
/// `copy()` makes an independent network.
public final class Network<Scalar: NetworkScalar> {
    /// Features per example.
    public let inputSize: Int
    /// The layers in order.
    public let layers: [any Layer<Scalar>]
    /// The cost the network is trained with; it fixes the output activation.
    public let loss: LossFunction
    /// Every trainable tensor with its PyTorch state-dict name, in state-dict order.
    public let parameters: [(name: String, parameter: Parameter<Scalar>)]
    /// Widths: inputs, then each layer's output width.
    public let widths: [Int]
    /// Per layer index: a dense layer and the activation of the layer after it when the two
    /// run forward as one product (`Dense.forward(_:into:activation:activated:)`: `Float`
    /// networks, every dense layer followed by one of the package's own activation layers,
    /// by type: another layer that reports itself as an activation runs its own forward);
    /// nil elsewhere.
    let fusedForward: [(dense: Dense<Scalar>, activation: Activation)?]
    /// Per layer index: a dense layer and the activation of the layer below it when BP2 runs
    /// through the two as one product (`Dense.backward(…activation:…)`): `Float` networks,
    /// every dense layer with one of the package's own activation layers just below it and
    /// some layer below that (to receive δ); nil elsewhere.
    let fusedBackward: [(dense: Dense<Scalar>, activation: Activation)?]

    /// Assembles layers after checking that each one accepts the previous one's output.
    public init(inputSize: Int, layers: [any Layer<Scalar>], loss: LossFunction) throws(ShapeError) {
        guard inputSize > 0 else { throw ShapeError("network: input size must be positive, got \(inputSize)") }
        var widths = [inputSize]
        var parameters: [(name: String, parameter: Parameter<Scalar>)] = []
        for (index, layer) in layers.enumerated() {
            do {
                widths.append(try layer.outputSize(inputSize: widths[index]))
            } catch {
                throw ShapeError("layer \(index) \(error.description)")
            }
            for parameter in layer.parameters {
                parameters.append(("\(index).\(parameter.role)", parameter))
            }
        }
        self.inputSize = inputSize
        self.layers = layers
        self.loss = loss
        self.parameters = parameters
        self.widths = widths
        let isFloat = Scalar.self == Float.self
        self.fusedForward = layers.indices.map { index in
            guard isFloat, index + 1 < layers.count, let dense = layers[index] as? Dense<Scalar>,
                let activation = Activation(of: layers[index + 1])
            else { return nil }
            return (dense, activation)
        }
        self.fusedBackward = layers.indices.map { index in
            guard isFloat, index >= 2, let dense = layers[index] as? Dense<Scalar>,
                let activation = Activation(of: layers[index - 1])
            else { return nil }
            return (dense, activation)
        }
    }

    /// A multilayer perceptron: `sizes` lists the widths including input and output
    /// (e.g. `[784, 300, 10]`), with `activation` after every dense layer but the last.
    ///
    /// - Parameters:
    ///   - hiddenBias: whether hidden dense layers have a bias (the 2-3-1 classifier's has none).
    ///   - initializer: how weights are drawn, from a `SeededGenerator` seeded with `seed`.
    public convenience init(
        sizes: [Int], activation: Activation, loss: LossFunction,
        initializer: Initializer = .glorot, seed: UInt64 = 0,
        hiddenBias: Bool = true, outputBias: Bool = true
    ) throws(ShapeError) {
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("network: layer sizes must be at least two positive numbers (input and output), got \(sizes)")
        }
        _ = try NetworkSize(sizes: sizes, batchSize: 1)  // no overflowing tensor size
        var generator = SeededGenerator(seed: seed)
        var layers: [any Layer<Scalar>] = []
        for index in 0..<(sizes.count - 1) {
            let isOutput = index == sizes.count - 2
            let dense = Dense<Scalar>(
                inputSize: sizes[index], outputSize: sizes[index + 1],
                hasBias: isOutput ? outputBias : hiddenBias)
            initializer.initialize(dense, using: &generator)
            layers.append(dense)
            if !isOutput { layers.append(activation.makeLayer(Scalar.self)) }
        }
        try self.init(inputSize: sizes[0], layers: layers, loss: loss)
    }

    /// The widths as `--layers` writes them: the input, then each dense layer's outputs
    /// (e.g. [784, 300, 10]).
    public var layerSizes: [Int] {
        [inputSize] + layers.compactMap { layer in
            if case .dense(_, let outputs, _) = layer.kind { outputs } else { nil }
        }
    }

    /// The layers in order, as PyTorch prints them, joined by arrows, e.g.
    /// "Linear(2, 3) → ReLU() → Linear(3, 1)".
    public var layerDescription: String {
        layers.map(\.kind.description).joined(separator: " → ")
    }

    /// Output width (logits per example).
    public var outputSize: Int { widths[widths.count - 1] }

    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.count } }

    /// The dense layers' parameters looked up by state-dict name.
    public func parameter(named name: String) -> Parameter<Scalar>? {
        parameters.first { $0.name == name }?.parameter
    }

    /// The architecture, as stored in model files.
    public var architecture: NetworkArchitecture {
        NetworkArchitecture(inputSize: inputSize, layers: layers.map(\.kind), loss: loss)
    }

    /// An independent network with the same architecture and a copy of the parameters.
    public func copy() -> Network {
        let copies: [any Layer<Scalar>] = layers.map { layer in
            if let dense = layer as? Dense<Scalar> {
                return Dense(weight: dense.weight.value, bias: dense.bias?.value.storage)
            }
            return layer
        }
        // The architecture was valid for self, so it is valid for the copy.
        return try! Network(inputSize: inputSize, layers: copies, loss: loss)
    }

    /// Overwrites this network's parameters with `other`'s (same architecture).
    ///
    /// The values are copied into this network's own storage rather than sharing `other`'s
    /// arrays: shared storage would make the next optimizer step copy every tensor
    /// (copy-on-write), an allocation inside the training step.
    public func assignParameters(from other: Network) {
        precondition(other.parameters.count == parameters.count, "assignParameters: architectures differ")
        for (mine, theirs) in zip(parameters, other.parameters) {
            precondition(mine.parameter.value.shape == theirs.parameter.value.shape, "assignParameters: \(mine.name) shapes differ")
            mine.parameter.value.storage.withUnsafeMutableBufferPointer { target in
                theirs.parameter.value.storage.withUnsafeBufferPointer { source in
                    _ = target.update(fromContentsOf: source)
                }
            }
        }
    }

    // MARK: - Inference

    /// The logits Z⁽ᴸ⁾ for a batch (n x inputs → n x outputs). Allocates; the training
    /// step uses `computeGradients(in:)` with a reusable `Workspace` instead.
    public func logits(_ inputs: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
        guard inputs.columns == inputSize else {
            throw ShapeError("network: expected \(inputSize) input columns, got \(inputs.columns)")
        }
        var current = inputs
        for (index, layer) in layers.enumerated() {
            var next = Matrix<Scalar>(rows: inputs.rows, columns: widths[index + 1])
            layer.forward(current, into: &next)
            current = next
        }
        return current
    }

    /// The predictions for a batch: class probabilities (softmax), positive-class
    /// probabilities (sigmoid) or regression outputs (mse).
    public func predict(_ inputs: Matrix<Scalar>) throws(ShapeError) -> Matrix<Scalar> {
        loss.outputs(logits: try logits(inputs))
    }

    /// Cost and accuracy over a whole data set, in batches of `batchSize` rows.
    public func evaluate(_ dataset: Dataset<Scalar>, batchSize: Int = 1024) throws(ShapeError) -> Evaluation {
        try loss.validate(targets: dataset.targets, outputSize: outputSize)
        guard dataset.inputs.columns == inputSize else {
            throw ShapeError("network: expected \(inputSize) input columns, got \(dataset.inputs.columns)")
        }
        var totalLoss = 0.0
        var correct = 0
        forwardBatches(of: dataset, batchSize: batchSize) { workspace, cost in
            totalLoss += cost * Double(workspace.batchSize)
            if loss.isClassification {
                correct += loss.correctCount(logits: workspace.outputs[layers.count - 1], targets: workspace.targets)
            }
        }
        let count = Double(max(dataset.count, 1))
        return Evaluation(
            loss: totalLoss / count,
            accuracy: loss.isClassification ? Double(correct) / count : nil,
            count: dataset.count)
    }

    /// `forward(in:)` over `dataset` in consecutive batches of at most `batchSize` rows (at
    /// least 1), in one reused workspace: `body` gets each batch's workspace (logits Z⁽ᴸ⁾ in
    /// `outputs[layers.count - 1]`, the batch's targets in `targets`) and its cost J. The
    /// dataset's shapes must fit the network.
    func forwardBatches(
        of dataset: Dataset<Scalar>, batchSize: Int, _ body: (Workspace<Scalar>, Double) -> Void
    ) {
        let rowsPerBatch = max(batchSize, 1)
        let workspace = Workspace(network: self, batchSize: min(rowsPerBatch, max(dataset.count, 1)))
        var start = 0
        while start < dataset.count {
            let end = min(start + rowsPerBatch, dataset.count)
            workspace.loadRows(start..<end, of: dataset)
            body(workspace, forward(in: workspace))
            start = end
        }
    }

    // MARK: - Training step

    /// Forward pass over the batch loaded in `workspace`, keeping every layer's output for
    /// the backward pass, then the loss; fills `workspace.gradients[L − 1]` with δ⁽ᴸ⁾ = ∂J/∂Z⁽ᴸ⁾
    /// (BP1) and returns J.
    ///
    /// Layer by layer: Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾·W⁽ˡ⁾ᵀ + b⁽ˡ⁾, A⁽ˡ⁾ = g(Z⁽ˡ⁾), a dense layer and the activation
    /// after it as one product where `fusedForward` says so (the same bits).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    public func forward(in workspace: Workspace<Scalar>) -> Double {
        workspace.outputs.withUnsafeMutableBufferPointer { outputs in
            var index = 0
            while index < layers.count {
                let input = index == 0 ? workspace.input : outputs[index - 1]
                if let (dense, activation) = fusedForward[index] {
                    dense.forward(input, into: &outputs[index], activation: activation, activated: &outputs[index + 1])
                    index += 2
                } else {
                    layers[index].forward(input, into: &outputs[index])
                    index += 1
                }
            }
        }
        let last = layers.count - 1
        return workspace.gradients.withUnsafeMutableBufferPointer { gradients in
            loss.lossAndGradient(
                logits: workspace.outputs[last], targets: workspace.targets, gradient: &gradients[last])
        }
    }

    /// One forward and backward pass over the batch in `workspace`: returns J and leaves
    /// ∂J/∂θ in every parameter's `gradient`.
    ///
    /// Backward runs BP2 through the layers from last to first; each dense layer applies
    /// BP3/BP4 for its own parameters. The first layer's input gradient is not computed.
    /// Allocates nothing once the workspace has been sized for this batch size.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    public func computeGradients(in workspace: Workspace<Scalar>) -> Double {
        let cost = forward(in: workspace)
        backward(in: workspace, downTo: 0)
        return cost
    }

    /// BP2-BP4 from the last layer down to layer `lowest` (0: every layer), after `forward(in:)`
    /// on the same batch. With `lowest` above 0, `workspace.gradients[lowest − 1]` holds
    /// ∂J/∂(output of layer lowest − 1) and the layers below have no gradient computed.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backward(in workspace: Workspace<Scalar>, downTo lowest: Int) {
        workspace.gradients.withUnsafeMutableBufferPointer { gradients in
            workspace.outputs.withUnsafeMutableBufferPointer { outputs in
                var index = layers.count - 1
                while index >= lowest {
                    let input = index == 0 ? workspace.input : outputs[index - 1]
                    if let (dense, activation) = fusedBackward[index] {
                        // BP2 through this layer and the activation below it in one product;
                        // g′ from Z for ReLU, from A for sigmoid and tanh.
                        let below = index - 1
                        dense.backward(
                            input: input, output: outputs[index], outputGradient: gradients[index],
                            inputGradient: &gradients[below], activation: activation,
                            activationSource: activation == .relu ? outputs[below - 1] : outputs[below],
                            activationGradient: &gradients[below - 1])
                        index -= 2
                        continue
                    }
                    if index == 0 {
                        layers[index].backward(
                            input: input, output: outputs[index], outputGradient: gradients[index],
                            inputGradient: &workspace.unusedGradient, computeInputGradient: false)
                    } else {
                        layers[index].backward(
                            input: input, output: outputs[index], outputGradient: gradients[index],
                            inputGradient: &gradients[index - 1], computeInputGradient: true)
                    }
                    index -= 1
                }
            }
        }
    }
}

/// Cost and accuracy of a network over a data set.
public struct Evaluation: Sendable, Equatable {
    /// J, averaged over the examples.
    public var loss: Double
    /// Fraction of examples classified correctly; `nil` for regression.
    public var accuracy: Double?
    /// Number of examples.
    public var count: Int
}
