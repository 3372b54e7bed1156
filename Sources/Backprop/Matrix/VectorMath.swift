import CBackpropKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Elementwise functions for the activation layers, over `count` contiguous elements.
///
/// Every function reads `input[i]` before writing `output[i]`, so `input == output` (in place)
/// is allowed; other overlaps are not. The `Float` versions run SIMD kernels in
/// `CBackpropKernels` (AVX-512, AVX2 + FMA or portable, chosen at run time); the `Double`
/// versions loop over the C library.
///
/// Accuracy of the `Float` versions, measured against the `Double` C library over a dense
/// sweep (see `VectorMathTests`):
/// - `exp`: relative error ≤ 2·10⁻⁷ on [−87, 88] (Cephes-style degree-6 polynomial after
///   reducing by n·ln 2); +∞ above ln(Float.greatestFiniteMagnitude) ≈ 88.72, gradual underflow
///   to 0 below −87.3.
/// - `sigmoid` σ(x) = 1 / (1 + e⁻ˣ): relative error ≤ 4·10⁻⁷ (about 3 ulp) for x ≥ −87,
///   exactly 1 for x > 17, exactly 0 for x < −104.
/// - `tanh`: relative error ≤ 4·10⁻⁷ (about 3 ulp) everywhere; odd; ±1 for |x| > 9.1.
///
/// NaN in gives NaN out for `exp`, `sigmoid`, `tanh` and `reluForward`.
public enum VectorMath {
    static let level = Int32(SIMDLevel.detected.rawValue)

    // MARK: - Float

    /// output[i] = e^input[i]
    public static func exp(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseJob.run(bp_vexp, input, output, count: count, level: level)
    }

    /// output[i] = σ(input[i]) = 1 / (1 + e^−input[i])
    public static func sigmoid(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseJob.run(bp_vsigmoid, input, output, count: count, level: level)
    }

    /// output[i] = tanh(input[i])
    public static func tanh(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseJob.run(bp_vtanh, input, output, count: count, level: level)
    }

    /// The `Float` functions with the kernels forced to `level` (for testing each one).
    static func apply(
        _ function: ElementwiseFunction, level: SIMDLevel,
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int
    ) {
        let cLevel = Int32(min(level, .detected).rawValue)
        switch function {
        case .exp: bp_vexp(input, output, count, cLevel)
        case .sigmoid: bp_vsigmoid(input, output, count, cLevel)
        case .tanh: bp_vtanh(input, output, count, cLevel)
        }
    }

    enum ElementwiseFunction: CaseIterable {
        case exp, sigmoid, tanh
    }

    // MARK: - Double (C library, for gradient checks)

    /// output[i] = e^input[i]
    public static func exp(_ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = Glibc_exp(input[i]) }
    }

    /// output[i] = σ(input[i]) = 1 / (1 + e^−input[i])
    public static func sigmoid(_ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = 1 / (1 + Glibc_exp(-input[i])) }
    }

    /// output[i] = tanh(input[i])
    public static func tanh(_ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { output[i] = Glibc_tanh(input[i]) }
    }
}
