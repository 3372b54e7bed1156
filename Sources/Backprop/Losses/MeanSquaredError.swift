/// The squared L2 norm of the error per example, averaged over examples, as the 3-2-2 worked example
/// defines it: L = ‖ŷ − y‖², J = (1/n) Σ L. The output activation is the identity, ŷ = Z.
///
/// Note: this sums over the k outputs and averages over the n examples; PyTorch's
/// `MSELoss()` averages over all n·k entries, which is this cost divided by k.
///
/// **Shapes**: Z and Y are n x k.
/// **BP1**: δ = ∂J/∂Z = 2(Z − Y) / n.
public enum MeanSquaredError {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func evaluate<Scalar: NetworkScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>, gradient: inout Matrix<Scalar>
    ) -> Double {
        let count = logits.storage.count
        precondition(targets.storage.count == count, "MeanSquaredError: targets must match outputs' shape")
        precondition(gradient.storage.count == count, "MeanSquaredError: gradient shape")
        let n = logits.rows
        let scale = Scalar(2) / Scalar(max(n, 1))
        var total = 0.0
        logits.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { delta in
                    for i in 0..<count {
                        let error = z[i] - y[i]
                        total += Double(error * error)
                        delta[i] = scale * error
                    }
                }
            }
        }
        return n == 0 ? 0 : total / Double(n)
    }
}
