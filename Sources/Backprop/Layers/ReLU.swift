import CBackpropKernels

/// The rectifier A = max(0, Z), elementwise.
///
/// **Shapes**: Z and A are n x width.
/// **Forward**: aₖⱼ = max(0, zₖⱼ).
/// **Backward** (BP2's ⊙ g′ factor): δ = ∂J/∂A ⊙ 1[Z > 0], computed from the input Z; the
/// derivative at exactly 0 is taken as 0, as in the 3-2-2 worked example and PyTorch.
public struct ReLU<Scalar: NetworkScalar>: Layer {
    public init() {}
    public var kind: LayerKind { .activation(function: .relu) }
    public var parameters: [Parameter<Scalar>] { [] }
    public func outputSize(inputSize: Int) throws(ShapeError) -> Int { inputSize }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>) {
        Matrix.map(input, into: &output) { z, a, count in
            // Float: the same rule vectorized in C (bitwise equal).
            if Scalar.self == Float.self {
                return ElementwiseJob.run(bp_relu_forward, z.floats, a.floats, count: count, level: Backend.kernelLevel)
            }
            for i in 0..<count { a[i] = Activation.relu.value(z[i]) }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, computeInputGradient: Bool
    ) {
        guard computeInputGradient else { return }
        Matrix.zip(input, outputGradient, into: &inputGradient) { z, dA, dZ, count in
            if Scalar.self == Float.self {
                return ElementwiseJob.run(bp_relu_backward, z.floats, dA.floats, dZ.floats, count: count, level: Backend.kernelLevel)
            }
            for i in 0..<count { dZ[i] = Activation.relu.inputGradient(z: z[i], a: 0, outputGradient: dA[i]) }
        }
    }
}
