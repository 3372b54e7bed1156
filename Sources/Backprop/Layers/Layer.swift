/// One stage of a sequential network: a dense (affine) map or an elementwise activation.
///
/// Layout everywhere: matrices are row-major and a batch is n rows, one example per row.
/// A layer maps its input A⁽ˡ⁻¹⁾ (n x inputs) to its output (n x outputs) in `forward`,
/// and in `backward` it receives ∂J/∂output (n x outputs), writes ∂J/∂θ for its own
/// parameters into `Parameter.gradient`, and, when asked, ∂J/∂input (n x inputs).
/// J is already averaged over the batch by the loss, so no layer divides by n again.
///
/// See the Backprop article for BP1-BP4 in this layout.
public protocol Layer<Scalar> {
    associatedtype Scalar: NetworkScalar

    /// What the layer is, as written in model files and PyTorch's `nn.Sequential`.
    var kind: LayerKind { get }

    /// The trainable tensors, in state-dict order (weight, then bias); empty for activations.
    var parameters: [Parameter<Scalar>] { get }

    /// The output width for an input of `inputSize` columns; throws when the input size
    /// does not fit the layer.
    func outputSize(inputSize: Int) throws(ShapeError) -> Int

    /// Output ← f(input). `output` has been sized n x `outputSize(inputSize:)` by the caller.
    func forward(_ input: Matrix<Scalar>, into output: inout Matrix<Scalar>)

    /// Given ∂J/∂output, fills the parameters' gradients and, if `computeInputGradient`,
    /// `inputGradient` ← ∂J/∂input. `output` is what `forward` produced for `input`.
    func backward(
        input: Matrix<Scalar>, output: Matrix<Scalar>, outputGradient: Matrix<Scalar>,
        inputGradient: inout Matrix<Scalar>, computeInputGradient: Bool)
}

/// The kinds of layers a model file can describe.
public enum LayerKind: Equatable, Sendable, Codable, CustomStringConvertible {
    /// Z = X·Wᵀ + b, W outputs x inputs (PyTorch's `nn.Linear`).
    case dense(inputs: Int, outputs: Int, bias: Bool)
    case activation(function: Activation)

    public var description: String {
        switch self {
        case .dense(let inputs, let outputs, let bias):
            "Linear(\(inputs), \(outputs)\(bias ? "" : ", bias=False"))"
        case .activation(let activation): activation.pyTorchName + "()"
        }
    }
}

/// A shape that does not fit: which layer, what it expected and what it got.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
