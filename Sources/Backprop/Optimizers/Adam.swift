import CBackpropKernels

/// Adam and AdamW with PyTorch's update rules (`torch.optim.Adam` / `torch.optim.AdamW`).
///
/// At step t, with g = ∂J/∂θ:
///
///     Adam:   g ← g + λ·θ                  (L2-style weight decay, if λ > 0)
///     AdamW:  θ ← θ·(1 − α·λ)              (decoupled weight decay)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The last line is the bias-corrected m̂ / (√v̂ + ε) written as PyTorch evaluates it.
public struct Adam: Optimizer, Codable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    /// true for AdamW's decoupled weight decay.
    public var decoupledWeightDecay: Bool
    public var stepCount = 0

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default λ = 0.01).
    public static func adamW(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                             epsilon: Double = 1e-8, weightDecay: Double = 0.01) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func step<Scalar: NetworkScalar>(_ parameters: [(name: String, parameter: Parameter<Scalar>)]) {
        stepCount += 1
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2Root = (1 - pow(beta2, t)).squareRoot()
        let stepSize = Scalar(learningRate / biasCorrection1)
        let b1 = Scalar(beta1), b2 = Scalar(beta2)
        let oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2
        let inverseRoot = 1 / Scalar(biasCorrection2Root)
        let eps = Scalar(epsilon)
        let coupledDecay = decoupledWeightDecay ? 0 : Scalar(weightDecay)
        let shrink = decoupledWeightDecay ? Scalar(1 - learningRate * weightDecay) : 1
        let constants = bp_adam_constants(
            beta1: Float(b1), beta2: Float(b2), oneMinusBeta1: Float(oneMinusB1), oneMinusBeta2: Float(oneMinusB2),
            coupledDecay: Float(coupledDecay), shrink: Float(shrink), stepSize: Float(stepSize),
            inverseRoot: Float(inverseRoot), epsilon: Float(eps))
        forEachParameter(parameters, slots: 2) { theta, gradient, slots, count, _ in
            slots[0].storage.withUnsafeMutableBufferPointer { m in
                slots[1].storage.withUnsafeMutableBufferPointer { v in
                    if Scalar.self == Float.self {
                        // The same update, vectorized in C with the same rounding.
                        return AdamKernelJob.update(
                            theta: theta.floats, gradient: gradient.floats, m: m.baseAddress!.floats,
                            v: v.baseAddress!.floats, count: count, constants: constants)
                    }
                    for i in 0..<count {
                        let g = gradient[i] + coupledDecay * theta[i]
                        let shrunk = theta[i] * shrink
                        m[i] = b1 * m[i] + oneMinusB1 * g
                        v[i] = b2 * v[i] + oneMinusB2 * g * g
                        let denominator = v[i].squareRoot() * inverseRoot + eps
                        theta[i] = shrunk - stepSize * m[i] / denominator
                    }
                }
            }
        }
    }

    public var description: String {
        let name = decoupledWeightDecay ? "AdamW" : "Adam"
        var parts = ["lr=\(learningRate)", "betas=(\(beta1), \(beta2))", "eps=\(epsilon)"]
        if weightDecay != 0 || decoupledWeightDecay { parts.append("weight_decay=\(weightDecay)") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
