/// The elementwise nonlinearities g applied after a dense layer, A = g(Z).
public enum Activation: String, CaseIterable, Sendable, Codable {
    case sigmoid, tanh, relu, identity

    /// The name of the matching PyTorch module class.
    public var pyTorchName: String {
        switch self {
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .relu: "ReLU"
        case .identity: "Identity"
        }
    }

    /// A layer computing this activation.
    public func makeLayer<Scalar: NetworkScalar>(_ scalar: Scalar.Type = Scalar.self) -> any Layer<Scalar> {
        switch self {
        case .sigmoid: Sigmoid<Scalar>()
        case .tanh: Tanh<Scalar>()
        case .relu: ReLU<Scalar>()
        case .identity: Identity<Scalar>()
        }
    }
}
