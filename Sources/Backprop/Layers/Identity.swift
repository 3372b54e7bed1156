/// The identity activation A = Z (a linear output, as the 3-2-2 worked example's regression layer).
///
/// **Backward**: δ = ∂J/∂A, since g′ = 1.
public struct Identity<Scalar: NetworkScalar>: Layer {
    public init() {}
    public var kind: LayerKind { .activation(function: .identity) }
    public var parameters: [Parameter<Scalar>] { [] }
    public func outputSize(inputSize: Int) throws(ShapeError) -> Int { inputSize }

    public func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>) {
        Matrix.map(input, into: &output) { z, a, count in a.update(from: z, count: count) }
    }

    public func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, computeInputGradient: Bool
    ) {
        guard computeInputGradient else { return }
        Matrix.map(outputGradient, into: &inputGradient) { dA, dZ, count in dZ.update(from: dA, count: count) }
    }
}
