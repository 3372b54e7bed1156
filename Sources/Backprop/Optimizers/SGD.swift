import CBackpropKernels

/// Stochastic gradient descent with PyTorch's `torch.optim.SGD` update rule:
///
///     g ← ∂J/∂θ + λ_wd·θ                                     (weight decay, if any)
///     b ← g on the first step, else μ·b + (1 − dampening)·g  (momentum μ > 0 only)
///     g ← g + μ·b  (Nesterov)   or   g ← b  (classical momentum)
///     θ ← θ − α·g
///
/// With μ = 0 and λ_wd = 0 it is plain gradient descent θ ← θ − α·∂J/∂θ (the 3-2-2 worked example's update).
/// Weight decay applies to weights and biases alike, as PyTorch's does; the CS229-style L2
/// penalty on weights only is the trainer's `l2`.
public struct SGD: Optimizer, Codable, Equatable {
    public var learningRate: Double
    public var momentum: Double
    public var dampening: Double
    public var nesterov: Bool
    public var weightDecay: Double
    public var stepCount = 0

    public init(learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires momentum > 0 and zero dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step<Scalar: NetworkScalar>(_ parameters: [(name: String, parameter: Parameter<Scalar>)]) {
        let firstStep = stepCount == 0
        stepCount += 1
        let rate = Scalar(learningRate)
        let decay = Scalar(weightDecay)
        let mu = Scalar(momentum)
        let keep = 1 - Scalar(dampening)
        let nesterov = nesterov
        let constants = bp_sgd_constants(
            learningRate: Float(learningRate), weightDecay: Float(weightDecay), momentum: Float(momentum),
            keep: Float(1 - dampening), nesterov: nesterov ? 1 : 0, firstStep: firstStep ? 1 : 0)
        forEachParameter(parameters, slots: momentum == 0 ? 0 : 1) { theta, gradient, slots, count, _ in
            if Scalar.self == Float.self {
                // The same update, vectorized in C with the same rounding.
                if mu == 0 {
                    return SGDKernelJob.update(
                        theta: theta.floats, gradient: gradient.floats, velocity: nil, count: count, constants: constants)
                }
                return slots[0].storage.withUnsafeMutableBufferPointer { velocity in
                    SGDKernelJob.update(
                        theta: theta.floats, gradient: gradient.floats, velocity: velocity.baseAddress!.floats,
                        count: count, constants: constants)
                }
            }
            if mu == 0 {
                for i in 0..<count { theta[i] -= rate * (gradient[i] + decay * theta[i]) }
                return
            }
            slots[0].storage.withUnsafeMutableBufferPointer { velocity in
                for i in 0..<count {
                    var g = gradient[i] + decay * theta[i]
                    let b = firstStep ? g : mu * velocity[i] + keep * g
                    velocity[i] = b
                    g = nesterov ? g + mu * b : b
                    theta[i] -= rate * g
                }
            }
        }
    }

    /// α without momentum and weight decay: the update is then θ − fl(α·g) exactly (the
    /// decay term adds λ·θ = 0 to g).
    public var plainDescentRate: Double? {
        momentum == 0 && weightDecay == 0 ? learningRate : nil
    }

    public var description: String {
        var parts = ["lr=\(learningRate)"]
        if momentum != 0 { parts.append("momentum=\(momentum)") }
        if dampening != 0 { parts.append("dampening=\(dampening)") }
        if nesterov { parts.append("nesterov=True") }
        if weightDecay != 0 { parts.append("weight_decay=\(weightDecay)") }
        return "SGD(\(parts.joined(separator: ", ")))"
    }
}
