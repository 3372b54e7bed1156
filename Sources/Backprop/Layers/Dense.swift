/// A fully connected layer: Z = X·Wᵀ + b.
///
/// **Shapes**: X is n x inputs (one example per row), W is outputs x inputs (row j holds
/// the weights into neuron j, as PyTorch's `nn.Linear` and seeds 002/004 store it), b is
/// 1 x outputs (broadcast over rows), Z is n x outputs.
///
/// **Forward**: z⁽ˡ⁾ₖⱼ = bⱼ + Σᵢ wⱼᵢ·a⁽ˡ⁻¹⁾ₖᵢ, i.e. Z = A⁽ˡ⁻¹⁾·Wᵀ + 1·b.
///
/// **Backward**, with δ = ∂J/∂Z (n x outputs, already carrying the 1/n batch average):
/// - BP3 (bias): ∂J/∂b = 1ᵀ·δ, the column sums of δ.
/// - BP4 (weights): ∂J/∂W = δᵀ·A⁽ˡ⁻¹⁾ (outputs x inputs).
/// - BP2 (to the layer below): ∂J/∂A⁽ˡ⁻¹⁾ = δ·W (n x inputs); the activation below turns it
///   into δ⁽ˡ⁻¹⁾ by ⊙ g′. It is skipped for the first layer, whose input is the data.
public struct Dense<Scalar: NetworkScalar>: Layer {
    /// W, outputs x inputs.
    public let weight: Parameter<Scalar>
    /// b, 1 x outputs; `nil` for a layer without bias (the 2-3-1 classifier's hidden layer).
    public let bias: Parameter<Scalar>?

    public var inputSize: Int { weight.value.columns }
    public var outputSize: Int { weight.value.rows }

    /// A layer with the given weight (outputs x inputs) and optional bias (outputs values).
    public init(weight: Matrix<Scalar>, bias: [Scalar]?) {
        precondition(bias == nil || bias!.count == weight.rows, "Dense: bias must have one value per output")
        self.weight = Parameter(role: "weight", value: weight)
        self.bias = bias.map { Parameter(role: "bias", value: Matrix(rows: 1, columns: $0.count, elements: $0)) }
    }

    /// A layer with zero weights and biases, to be filled by an `Initializer`.
    public init(inputSize: Int, outputSize: Int, hasBias: Bool = true) {
        self.init(
            weight: Matrix(rows: outputSize, columns: inputSize),
            bias: hasBias ? Array(repeating: 0, count: outputSize) : nil)
    }

    public var kind: LayerKind { .dense(inputs: inputSize, outputs: outputSize, bias: bias != nil) }

    public var parameters: [Parameter<Scalar>] {
        if let bias { [weight, bias] } else { [weight] }
    }

    public func outputSize(inputSize: Int) throws(ShapeError) -> Int {
        guard self.inputSize > 0, outputSize > 0 else {
            throw ShapeError("\(kind): a dense layer needs at least one input and one output")
        }
        guard inputSize == self.inputSize else {
            throw ShapeError("\(kind): expected \(self.inputSize) inputs per example, got \(inputSize)")
        }
        return outputSize
    }

    // MARK: Forward: Z = X·Wᵀ + b

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>) {
        Matrix.multiply(input, weight.value, transposeB: true, into: &output)
        if let bias { output.addRowVector(bias.value) }
    }

    /// Z = X·Wᵀ + b and A = g(Z), g being the activation layer that follows this one, as one
    /// product: for `Float` the bias and g are applied to each block of Z as the product
    /// finishes it, while it is in cache (`ProductEpilogue`), instead of two more passes over
    /// Z. Z and A are bitwise those of `forward(_:into:)` followed by g's layer; other scalars
    /// take those two passes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(
        _ input: Matrix<Scalar>, into output: inout Matrix<Scalar>,
        activation: Activation, activated: inout Matrix<Scalar>
    ) {
        guard Scalar.self == Float.self, input.rows > 0 else {
            forward(input, into: &output)
            activation.makeLayer(Scalar.self).forward(output, into: &activated)
            return
        }
        let (rows, inputs, outputs) = (input.rows, inputSize, outputSize)
        precondition(input.columns == inputs, "\(kind): expected \(inputs) input columns, got \(input.columns)")
        precondition(output.shape == [rows, outputs] && activated.shape == [rows, outputs], "\(kind): output shape")
        input.storage.withUnsafeBufferPointer { x in
            weight.value.storage.withUnsafeBufferPointer { w in
                output.storage.withUnsafeMutableBufferPointer { z in
                    activated.storage.withUnsafeMutableBufferPointer { a in
                        func product(bias: UnsafePointer<Scalar>?) {
                            Backend.current.sgemm(
                                transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                                alpha: 1, a: x.baseAddress!.floats, lda: inputs, b: w.baseAddress!.floats, ldb: inputs,
                                beta: 0, c: z.baseAddress!.floats, ldc: outputs,
                                epilogue: ProductEpilogue(
                                    operation: .biasActivation(bias: bias?.floats, activated: a.baseAddress!.floats),
                                    activation: activation, stride: outputs))
                        }
                        guard let bias else { return product(bias: nil) }
                        bias.value.storage.withUnsafeBufferPointer { product(bias: $0.baseAddress) }
                    }
                }
            }
        }
    }

    // MARK: Backward: BP3 ∂J/∂b = 1ᵀ·δ, BP4 ∂J/∂W = δᵀ·A⁽ˡ⁻¹⁾, BP2 ∂J/∂A⁽ˡ⁻¹⁾ = δ·W

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient delta: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, computeInputGradient: Bool
    ) {
        Matrix.multiply(delta, input, transposeA: true, into: &weight.gradient)
        if let bias { delta.sumColumns(into: &bias.gradient) }
        if computeInputGradient {
            Matrix.multiply(delta, weight.value, into: &inputGradient)
        }
    }

    /// `backward` with BP2 carried on through the activation layer below this one, g: besides
    /// ∂J/∂A⁽ˡ⁻¹⁾ = δ·W into `inputGradient`, δ⁽ˡ⁻¹⁾ = ∂J/∂A⁽ˡ⁻¹⁾ ⊙ g′ into `activationGradient`,
    /// g′ computed from `activationSource` as g's layer computes it (Z⁽ˡ⁻¹⁾ for ReLU, A⁽ˡ⁻¹⁾
    /// = `input` for sigmoid and tanh, unused for identity). For `Float` the ⊙ g′ is applied
    /// to each block of ∂J/∂A⁽ˡ⁻¹⁾ as the product finishes it (`ProductEpilogue`); the
    /// results are bitwise those of `backward` followed by g's layer's backward, which other
    /// scalars run.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient delta: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, activation: Activation, activationSource: Matrix<Scalar>,
        activationGradient: inout Matrix<Scalar>
    ) {
        guard Scalar.self == Float.self, delta.rows > 0 else {
            backward(input: input, output: output, outputGradient: delta, inputGradient: &inputGradient,
                     computeInputGradient: true)
            // g's layer reads Z as its input (ReLU) or A as its output (sigmoid, tanh).
            activation.makeLayer(Scalar.self).backward(
                input: activationSource, output: activationSource, outputGradient: inputGradient,
                inputGradient: &activationGradient, computeInputGradient: true)
            return
        }
        Matrix.multiply(delta, input, transposeA: true, into: &weight.gradient)
        if let bias { delta.sumColumns(into: &bias.gradient) }
        let (rows, inputs, outputs) = (delta.rows, inputSize, outputSize)
        precondition(delta.columns == outputs, "\(kind): expected \(outputs) gradient columns, got \(delta.columns)")
        precondition(
            inputGradient.shape == [rows, inputs] && activationSource.shape == [rows, inputs]
                && activationGradient.shape == [rows, inputs], "\(kind): input gradient shape")
        delta.storage.withUnsafeBufferPointer { d in
            weight.value.storage.withUnsafeBufferPointer { w in
                inputGradient.storage.withUnsafeMutableBufferPointer { dA in
                    activationSource.storage.withUnsafeBufferPointer { source in
                        activationGradient.storage.withUnsafeMutableBufferPointer { dZ in
                            Backend.current.sgemm(
                                transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                                alpha: 1, a: d.baseAddress!.floats, lda: outputs, b: w.baseAddress!.floats, ldb: inputs,
                                beta: 0, c: dA.baseAddress!.floats, ldc: inputs,
                                epilogue: ProductEpilogue(
                                    operation: .activationGradient(
                                        source: source.baseAddress!.floats, gradient: dZ.baseAddress!.floats),
                                    activation: activation, stride: inputs))
                        }
                    }
                }
            }
        }
    }
}
