#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The floating-point types a network computes in: `Float` (training) and `Double`
/// (gradient checks and golden tests).
///
/// Each scalar brings its own elementary functions and its own matrix product, so that
/// generic code specializes to the fast `Float` backend or the exact `Double` path
/// without dynamic casts.
public protocol NetworkScalar: BinaryFloatingPoint, SIMDScalar, LosslessStringConvertible,
    Codable, Sendable where Self.RawSignificand: FixedWidthInteger
{
    /// eˣ
    static func exp(_ x: Self) -> Self
    /// ln x
    static func log(_ x: Self) -> Self
    /// ln(1 + x), accurate for small x
    static func log1p(_ x: Self) -> Self
    /// tanh x
    static func tanh(_ x: Self) -> Self

    /// Row-major general matrix product C ← α·op(A)·op(B) + β·C.
    ///
    /// op(A) is m x k, op(B) is k x n, C is m x n; `lda`, `ldb`, `ldc` are the row strides
    /// of A, B and C as stored (before the transpose). With β = 0, C is not read (NaN in C
    /// does not leak into the result).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// The safetensors dtype tag this scalar is stored as when saved at full precision.
    static var safetensorsDType: String { get }

    /// output[i] ← σ(input[i]) = 1 / (1 + e^(−input[i])) for i in 0..<count (in place allowed).
    static func sigmoid(_ input: UnsafePointer<Self>, into output: UnsafeMutablePointer<Self>, count: Int)
    /// output[i] ← tanh(input[i]) for i in 0..<count (in place allowed).
    static func tanh(_ input: UnsafePointer<Self>, into output: UnsafeMutablePointer<Self>, count: Int)
    /// output[i] ← e^(input[i]) for i in 0..<count (in place allowed).
    static func exp(_ input: UnsafePointer<Self>, into output: UnsafeMutablePointer<Self>, count: Int)
}

extension NetworkScalar {
    /// σ(x) = 1 / (1 + e⁻ˣ); saturates to exactly 0 or 1 without overflow.
    @inlinable public static func sigmoid(_ x: Self) -> Self { 1 / (1 + exp(-x)) }
}

extension Float: NetworkScalar {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        Backend.current.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
    public static var safetensorsDType: String { "F32" }
    /// The vectorized kernels of `VectorMath` (SIMD polynomials; error bounds there).
    public static func sigmoid(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.sigmoid(input, output, count: count)
    }
    public static func tanh(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.tanh(input, output, count: count)
    }
    public static func exp(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.exp(input, output, count: count)
    }
}

extension Double: NetworkScalar {
    @inlinable public static func exp(_ x: Double) -> Double { Glibc_exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc_log(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { Glibc_log1p(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc_tanh(x) }
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        referenceGEMM(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
    public static var safetensorsDType: String { "F64" }
    public static func sigmoid(_ input: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = sigmoid(input[i]) }
    }
    public static func tanh(_ input: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = Glibc_tanh(input[i]) }
    }
    public static func exp(_ input: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = Glibc_exp(input[i]) }
    }
}

// The C library's double-precision functions under names that don't collide with the
// protocol requirements above.
@usableFromInline func Glibc_exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func Glibc_log(_ x: Double) -> Double { log(x) }
@usableFromInline func Glibc_log1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline func Glibc_tanh(_ x: Double) -> Double { tanh(x) }
