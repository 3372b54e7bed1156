import CBackpropKernels

/// The logistic activation A = σ(Z), σ(z) = 1 / (1 + e⁻ᶻ), elementwise.
///
/// **Shapes**: Z and A are n x width.
/// **Forward**: aₖⱼ = σ(zₖⱼ).
/// **Backward** (BP2's ⊙ g′ factor): δ = ∂J/∂Z = ∂J/∂A ⊙ σ′(Z), with σ′(Z) computed from
/// the output as A ⊙ (1 − A), so Z need not be kept.
public struct Sigmoid<Scalar: NetworkScalar>: Layer {
    public init() {}
    public var kind: LayerKind { .activation(function: .sigmoid) }
    public var parameters: [Parameter<Scalar>] { [] }
    public func outputSize(inputSize: Int) throws(ShapeError) -> Int { inputSize }

    public func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>) {
        Matrix.map(input, into: &output) { z, a, count in Scalar.sigmoid(z, into: a, count: count) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, computeInputGradient: Bool
    ) {
        guard computeInputGradient else { return }
        Matrix.zip(output, outputGradient, into: &inputGradient) { a, dA, dZ, count in
            // Float: the same rule vectorized in C (bitwise equal).
            if Scalar.self == Float.self {
                return ElementwiseJob.run(bp_sigmoid_backward, a.floats, dA.floats, dZ.floats, count: count, level: Backend.kernelLevel)
            }
            for i in 0..<count { dZ[i] = Activation.sigmoid.inputGradient(z: 0, a: a[i], outputGradient: dA[i]) }
        }
    }
}
