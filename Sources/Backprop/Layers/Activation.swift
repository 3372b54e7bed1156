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

    // MARK: - The scalar rules, forward beside backward

    /// a = g(z) for one value: σ(z) = 1 / (1 + e⁻ᶻ), tanh z, max(0, z) (NaN stays NaN), z.
    /// The `Double` layers compute exactly this; the `Float` layers' sigmoid and tanh are
    /// vector polynomials within a few ulp of it (`VectorMath`), ReLU exactly this.
    @inlinable
    public func value<Scalar: NetworkScalar>(_ z: Scalar) -> Scalar {
        switch self {
        case .sigmoid: Scalar.sigmoid(z)
        case .tanh: Scalar.tanh(z)
        case .relu: z > 0 || z.isNaN ? z : 0
        case .identity: z
        }
    }

    /// BP2's factor for one value: δ = ∂J/∂A · g′, with g′ read from the input z (ReLU:
    /// 1[z > 0], 0 at the kink as in PyTorch) or from the output a = g(z) (sigmoid: a(1 − a),
    /// tanh: 1 − a²), multiplied in this order. The layers' backward passes and the C kernels
    /// (`bp_relu_backward`, `bp_sigmoid_backward`, `bp_tanh_backward`, the product epilogues)
    /// compute exactly this, bit for bit; tests hold them to it.
    @inlinable
    public func inputGradient<Scalar: NetworkScalar>(z: Scalar, a: Scalar, outputGradient dA: Scalar) -> Scalar {
        switch self {
        case .sigmoid: dA * a * (1 - a)
        case .tanh: dA * (1 - a * a)
        case .relu: z > 0 ? dA : 0
        case .identity: dA
        }
    }

    /// g′(z) alone, from z and a = g(z) as `inputGradient` reads them: ReLU 1[z > 0],
    /// sigmoid a(1 − a), tanh 1 − a², identity 1 (one factor of a chain-rule path).
    public func derivative(z: Double, a: Double) -> Double {
        switch self {
        case .relu: z > 0 ? 1 : 0
        case .sigmoid: a * (1 - a)
        case .tanh: 1 - a * a
        case .identity: 1
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
