/// RMSProp with PyTorch's `torch.optim.RMSprop` update rule (non-centered):
///
///     g ← ∂J/∂θ + λ·θ                       (weight decay, if any)
///     v ← ρ·v + (1 − ρ)·g²                   (ρ is PyTorch's `alpha`, default 0.99)
///     b ← μ·b + g / (√v + ε);  θ ← θ − α·b   (with momentum μ > 0)
///     θ ← θ − α·g / (√v + ε)                 (without)
public struct RMSProp: Optimizer, Codable, Equatable {
    public var learningRate: Double
    public var rho: Double
    public var epsilon: Double
    public var momentum: Double
    public var weightDecay: Double
    public var stepCount = 0

    public init(learningRate: Double = 1e-2, rho: Double = 0.99, epsilon: Double = 1e-8,
                momentum: Double = 0, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step<Scalar: NetworkScalar>(_ parameters: [(name: String, parameter: Parameter<Scalar>)]) {
        stepCount += 1
        let rate = Scalar(learningRate), r = Scalar(rho), eps = Scalar(epsilon)
        let mu = Scalar(momentum), decay = Scalar(weightDecay)
        forEachParameter(parameters, slots: 2) { theta, gradient, slots, count, _ in
            slots[0].storage.withUnsafeMutableBufferPointer { v in
                slots[1].storage.withUnsafeMutableBufferPointer { buffer in
                    for i in 0..<count {
                        let g = gradient[i] + decay * theta[i]
                        v[i] = r * v[i] + (1 - r) * g * g
                        let scaled = g / (v[i].squareRoot() + eps)
                        if mu != 0 {
                            buffer[i] = mu * buffer[i] + scaled
                            theta[i] -= rate * buffer[i]
                        } else {
                            theta[i] -= rate * scaled
                        }
                    }
                }
            }
        }
    }

    public var description: String {
        var parts = ["lr=\(learningRate)", "alpha=\(rho)", "eps=\(epsilon)"]
        if momentum != 0 { parts.append("momentum=\(momentum)") }
        if weightDecay != 0 { parts.append("weight_decay=\(weightDecay)") }
        return "RMSprop(\(parts.joined(separator: ", ")))"
    }
}
