extension Matrix {
    /// C ← α·op(A)·op(B) + β·C, where op transposes when asked.
    ///
    /// Shapes: op(A) is m x k, op(B) is k x n, C is m x n. This is the one entry point the
    /// layers use for their products (Z = X·Wᵀ, ∂J/∂W = δᵀ·A, ∂J/∂A = δ·W); it dispatches to
    /// `Scalar.gemm`, i.e. the fast backend for `Float` and the reference loop for `Double`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func multiply(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        into c: inout Matrix, alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB, "Matrix product: inner dimensions \(k) and \(kB) differ")
        precondition(
            c.rows == m && c.columns == n,
            "Matrix product: result is \(c.rows)x\(c.columns), expected \(m)x\(n)")
        if m == 0 || n == 0 { return }
        a.storage.withUnsafeBufferPointer { aPointer in
            b.storage.withUnsafeBufferPointer { bPointer in
                c.storage.withUnsafeMutableBufferPointer { cPointer in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: aPointer.baseAddress!, lda: max(a.columns, 1),
                        b: bPointer.baseAddress!, ldb: max(b.columns, 1),
                        beta: beta, c: cPointer.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// op(A)·op(B) as a new matrix (allocates; the training step uses `multiply(_:_:into:)`).
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
    ) -> Matrix {
        var c = Matrix(
            rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
        multiply(a, b, transposeA: transposeA, transposeB: transposeB, into: &c)
        return c
    }
}
