/// How a dense layer's weights are drawn at construction (biases start at zero, except for
/// `.normalWithBias`). fan_in = inputs, fan_out = outputs of the layer.
public enum Initializer: String, CaseIterable, Sendable, Codable {
    /// W ~ N(0, 1), b = 0: the CS229 problem set's starter code.
    case normal
    /// W and b ~ N(0, 1): Nielsen's `network.py` (the `online` configuration).
    case normalWithBias = "normal-with-bias"
    /// Glorot/Xavier uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)) (PyTorch's
    /// `xavier_uniform_`). Suits sigmoid and tanh.
    case glorot
    /// He/Kaiming normal: W ~ N(0, 2 / fan_in) (PyTorch's `kaiming_normal_`). Suits ReLU.
    case he
    /// LeCun normal: W ~ N(0, 1 / fan_in).
    case lecun

    /// Overwrites `layer`'s parameters with fresh draws from `generator`, weight row by row,
    /// then the bias.
    public func initialize<Scalar: NetworkScalar>(_ layer: Dense<Scalar>, using generator: inout SeededGenerator) {
        let fanIn = Double(layer.inputSize)
        let fanOut = Double(layer.outputSize)
        for i in layer.weight.value.storage.indices {
            let value: Double
            switch self {
            case .normal, .normalWithBias: value = generator.nextNormal()
            case .glorot:
                let limit = (6 / (fanIn + fanOut)).squareRoot()
                value = (2 * generator.nextUnitDouble() - 1) * limit
            case .he: value = generator.nextNormal() * (2 / fanIn).squareRoot()
            case .lecun: value = generator.nextNormal() * (1 / fanIn).squareRoot()
            }
            layer.weight.value.storage[i] = Scalar(value)
        }
        if let bias = layer.bias {
            for i in bias.value.storage.indices {
                bias.value.storage[i] = self == .normalWithBias ? Scalar(generator.nextNormal()) : 0
            }
        }
    }
}
