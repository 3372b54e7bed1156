/// Sigmoid followed by binary cross-entropy, fused and computed from logits (PyTorch's
/// `BCEWithLogitsLoss`).
///
/// **Shapes**: logits Z and targets Y are n x k (k = 1 for the 2-3-1 classifier's classifier), y ∈ [0, 1].
///
/// **Cost**: p = σ(z), L = −(y·log p + (1 − y)·log(1 − p)), written stably as
/// L = max(z, 0) − z·y + log(1 + e^(−|z|)); J is the mean over all n·k entries (over the
/// N examples when k = 1, as in the 2-3-1 classifier).
///
/// **BP1**: δ = ∂J/∂Z = (σ(Z) − Y) / (n·k).
///
/// Both come from t = e^(−|z|) ∈ (0, 1]: log(1 + t) and σ(z) = 1/(1 + t) for z ≥ 0,
/// t/(1 + t) otherwise. In `Float`, t is computed by the vectorized `VectorMath.exp` and
/// log(1 + t) by `logOnePlus`, so the whole loss runs in SIMD lanes.
public enum SigmoidBinaryCrossEntropy {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func evaluate<Scalar: NetworkScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>, gradient: inout Matrix<Scalar>
    ) -> Double {
        let count = logits.storage.count
        precondition(targets.storage.count == count, "SigmoidBinaryCrossEntropy: targets must match logits' shape")
        precondition(gradient.storage.count == count, "SigmoidBinaryCrossEntropy: gradient shape")
        guard count > 0 else { return 0 }
        let inverseCount = Scalar(1) / Scalar(count)
        var total: Scalar = 0
        logits.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { delta in
                    // δ ← t = e^(−|z|) first, then δ ← (σ(z) − y)/(n·k) in place.
                    for i in 0..<count { delta[i] = -abs(z[i]) }
                    Scalar.exp(delta.baseAddress!, into: delta.baseAddress!, count: count)
                    for i in 0..<count {
                        let logit = z[i], t = delta[i]
                        total += max(logit, 0) - logit * y[i] + logOnePlus(t)
                        let probability = (logit >= 0 ? 1 : t) / (1 + t)
                        delta[i] = (probability - y[i]) * inverseCount
                    }
                }
            }
        }
        return Double(total) / Double(count)
    }

    /// log(1 + t) for t ∈ [0, 1] with arithmetic only (so loops over it vectorize):
    /// with s = t/(2 + t) ∈ [0, ⅓], log(1 + t) = 2·atanh(s) = 2s·Σ s²ʲ/(2j + 1); eight terms
    /// leave a truncation error below 2·s¹⁷/17 < 1e-9. In `Double` it calls `log1p`.
    @inline(__always)
    static func logOnePlus<Scalar: NetworkScalar>(_ t: Scalar) -> Scalar {
        guard Scalar.self == Float.self else { return Scalar.log1p(t) }
        let s = t / (2 + t)
        let s2 = s * s
        var sum: Scalar = 1 / 15
        sum = sum * s2 + 1 / 13
        sum = sum * s2 + 1 / 11
        sum = sum * s2 + 1 / 9
        sum = sum * s2 + 1 / 7
        sum = sum * s2 + 1 / 5
        sum = sum * s2 + 1 / 3
        sum = sum * s2 + 1
        return 2 * s * sum
    }
}
