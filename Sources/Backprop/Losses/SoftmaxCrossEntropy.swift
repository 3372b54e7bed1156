/// Softmax followed by cross-entropy, fused and computed from logits.
///
/// **Shapes**: logits Z are n x k; targets are n x 1 class indices, or n x k class
/// probabilities (one-hot or soft).
///
/// **Cost**: ŷ = softmax(z) per row, L = −Σⱼ yⱼ·log ŷⱼ, J = (1/n) Σ L. Computed with
/// log-sum-exp, log ŷⱼ = zⱼ − (m + log Σᵢ e^(zᵢ − m)), m = maxᵢ zᵢ, so logits such as
/// [10000, 10010, 10] give finite, exact values.
///
/// **BP1**: δ = ∂J/∂Z = (ŷ − y) / n (the 1/n batch average is applied here, once).
public enum SoftmaxCrossEntropy {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func evaluate<Scalar: NetworkScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>, gradient: inout Matrix<Scalar>
    ) -> Double {
        let n = logits.rows
        let k = logits.columns
        precondition(gradient.rows == n && gradient.columns == k, "SoftmaxCrossEntropy: gradient shape")
        precondition(targets.rows == n, "SoftmaxCrossEntropy: \(targets.rows) targets for \(n) rows")
        let classIndices = targets.columns == 1
        let inverseCount = Scalar(1) / Scalar(max(n, 1))
        var total = 0.0
        logits.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { delta in
                    // Float: every e^(zⱼ − m) in one vectorized pass (`VectorMath.exp`, relative
                    // error ≤ 2·10⁻⁷) instead of a libm call per value, measured faster on
                    // modern's 128 x 10 logits (figures in docs/performance.md, "Design
                    // measurements").
                    let vectorExp = Scalar.self == Float.self && n * k > 0
                    if vectorExp {
                        for r in 0..<n {
                            let row = r * k
                            let maximum = Self.rowMaximum(z, row: row, count: k)
                            for j in 0..<k { delta[row + j] = z[row + j] - maximum }
                        }
                        let values = delta.baseAddress!.floats
                        VectorMath.exp(values, values, count: n * k)
                    }
                    for r in 0..<n {
                        let row = r * k
                        let maximum = Self.rowMaximum(z, row: row, count: k)
                        var sum: Scalar = 0
                        for j in 0..<k {
                            let e = vectorExp ? delta[row + j] : Scalar.exp(z[row + j] - maximum)
                            delta[row + j] = e
                            sum += e
                        }
                        let logSumExp = maximum + Scalar.log(sum)
                        let inverseSum = 1 / sum
                        if classIndices {
                            let label = Int(y[r])
                            total += Double(logSumExp - z[row + label])
                            for j in 0..<k {
                                let target: Scalar = j == label ? 1 : 0
                                delta[row + j] = (delta[row + j] * inverseSum - target) * inverseCount
                            }
                        } else {
                            var rowLoss: Scalar = 0
                            for j in 0..<k {
                                let target = y[row + j]
                                if target != 0 { rowLoss += target * (logSumExp - z[row + j]) }
                                delta[row + j] = (delta[row + j] * inverseSum - target) * inverseCount
                            }
                            total += Double(rowLoss)
                        }
                    }
                }
            }
        }
        return n == 0 ? 0 : total / Double(n)
    }

    /// maxⱼ z[row + j] for j in 0..<count (count ≥ 1).
    @inline(__always)
    static func rowMaximum<Scalar: NetworkScalar>(_ z: UnsafeBufferPointer<Scalar>, row: Int, count: Int) -> Scalar {
        var maximum = z[row]
        for j in 1..<count where z[row + j] > maximum { maximum = z[row + j] }
        return maximum
    }

    /// ŷ = softmax(Z) row by row (max-subtracted, so it never overflows).
    public static func probabilities<Scalar: NetworkScalar>(logits: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = logits
        for r in 0..<logits.rows {
            let row = logits.row(r)
            let maximum = row.max() ?? 0
            let exps = row.map { Scalar.exp($0 - maximum) }
            let sum = exps.reduce(0, +)
            for (j, e) in exps.enumerated() { result[r, j] = e / sum }
        }
        return result
    }
}
