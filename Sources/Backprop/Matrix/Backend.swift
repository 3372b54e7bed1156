/// The compute backend behind every `Float` matrix product.
///
/// Process-wide, like `torch.set_num_threads`: set it once before training.
public struct Backend: Sendable {
    /// Worker threads for large products (1 = the calling thread only).
    public var threads: Int

    public init(threads: Int = 1) {
        self.threads = max(1, threads)
    }

    /// The backend every `Float.gemm` goes through.
    nonisolated(unsafe) public static var current = Backend()

    /// Row-major C ← α·op(A)·op(B) + β·C in single precision.
    func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        referenceGEMM(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
