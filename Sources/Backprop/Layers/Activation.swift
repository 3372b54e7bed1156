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

    /// The activation `layer` computes when it is one of the package's own activation layers,
    /// by type; nil for any other layer, including one whose `kind` merely reports an
    /// activation (the fused paths rely on the layer's forward and backward being the
    /// package's).
    init?<Scalar: NetworkScalar>(of layer: any Layer<Scalar>) {
        switch layer {
        case is Sigmoid<Scalar>: self = .sigmoid
        case is Tanh<Scalar>: self = .tanh
        case is ReLU<Scalar>: self = .relu
        case is Identity<Scalar>: self = .identity
        default: return nil
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
