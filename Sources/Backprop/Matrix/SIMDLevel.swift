import CBackpropKernels

/// The instruction set the native kernels are compiled for, chosen at run time.
///
/// The C kernels in `CBackpropKernels` exist once per level (`__attribute__((target))`), so
/// one binary runs everywhere and uses AVX-512 or AVX2 + FMA where the CPU has them.
enum SIMDLevel: Int, Comparable, CaseIterable, Sendable {
    /// SSE2 on x86-64, NEON on arm64: 4-lane vectors, what the compiler targets by default.
    case portable = 0
    /// AVX2 with FMA: 8-lane vectors.
    case avx2 = 1
    /// AVX-512F: 16-lane vectors.
    case avx512 = 2

    /// The best level this CPU offers.
    static let detected = SIMDLevel(rawValue: Int(bp_cpu_simd_level())) ?? .portable

    /// Every level this CPU can run, lowest first.
    static var available: [SIMDLevel] { allCases.filter { $0 <= detected } }

    static func < (lhs: SIMDLevel, rhs: SIMDLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    var name: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}
