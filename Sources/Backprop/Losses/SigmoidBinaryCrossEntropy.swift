/// Sigmoid followed by binary cross-entropy, fused and computed from logits (PyTorch's
/// `BCEWithLogitsLoss`).
///
/// **Shapes**: logits Z and targets Y are n x k (k = 1 for seed 001's classifier), y ∈ [0, 1].
///
/// **Cost**: p = σ(z), L = −(y·log p + (1 − y)·log(1 − p)), written stably as
/// L = max(z, 0) − z·y + log(1 + e^(−|z|)); J is the mean over all n·k entries (over the
/// N examples when k = 1, as in seed 001).
///
/// **BP1**: δ = ∂J/∂Z = (σ(Z) − Y) / (n·k).
public enum SigmoidBinaryCrossEntropy {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func evaluate<Scalar: NetworkScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>, gradient: inout Matrix<Scalar>
    ) -> Double {
        let count = logits.storage.count
        precondition(targets.storage.count == count, "SigmoidBinaryCrossEntropy: targets must match logits' shape")
        precondition(gradient.storage.count == count, "SigmoidBinaryCrossEntropy: gradient shape")
        let inverseCount = Scalar(1) / Scalar(max(count, 1))
        var total = 0.0
        logits.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { delta in
                    for i in 0..<count {
                        let logit = z[i]
                        let loss = max(logit, 0) - logit * y[i] + Scalar.log1p(Scalar.exp(-abs(logit)))
                        total += Double(loss)
                        delta[i] = (Scalar.sigmoid(logit) - y[i]) * inverseCount
                    }
                }
            }
        }
        return count == 0 ? 0 : total / Double(count)
    }
}
