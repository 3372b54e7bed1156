import CBackpropKernels
#if OpenBLAS
import COpenBLAS
#endif
#if canImport(Accelerate)
import Accelerate
#endif

/// The compute backend behind every `Float` matrix product.
///
/// Per thread: `Backend.current` is the calling thread's, e.g.
/// `Backend.current = try Backend(kind: .native, threads: 2)` before a product or an
/// evaluation on that thread. A `Trainer` runs its steps on its own backend
/// (`ExecutionPolicy.backend`, the creating thread's by default) and puts the thread's back
/// after each step, so two trainings in one process, on two threads, never share a setting.
///
/// - `.native`: the package's own blocked SGEMM with AVX-512 / AVX2 / portable kernels chosen
///   at run time (`NativeGEMM`); results are bitwise the same for any thread count.
/// - `.openBLAS`: `cblas_sgemm` from the system OpenBLAS (only when built with the `OpenBLAS`
///   trait: `swift build --traits OpenBLAS`).
/// - `.accelerate`: `cblas_sgemm` from Apple's Accelerate (Apple platforms only).
/// - `.reference`: the plain triple loop (`referenceGEMM`), for checking the others.
public struct Backend: Sendable, CustomStringConvertible {
    /// Which implementation computes the products.
    public enum Kind: String, Sendable, CaseIterable, CustomStringConvertible {
        case native
        case openBLAS
        case accelerate
        case reference

        public var description: String { rawValue }
    }

    /// The implementation in use.
    public private(set) var kind: Kind

    /// Worker threads for large products (1 = the calling thread only). Values above the
    /// number of cores act as the number of cores.
    public var threads: Int {
        didSet { threads = max(1, threads) }
    }

    /// The instruction set of the native kernels (the CPU's best unless a test forces one).
    private(set) var simdLevel: SIMDLevel

    /// The native backend with `threads` worker threads.
    public init(threads: Int = 1) {
        self.kind = .native
        self.threads = max(1, threads)
        self.simdLevel = .detected
    }

    /// A backend of the given kind; throws `BackendError.unavailable` if this build or
    /// platform lacks it (see `availableKinds`).
    public init(kind: Kind, threads: Int = 1) throws {
        guard Backend.availableKinds.contains(kind) else {
            throw BackendError.unavailable(kind)
        }
        self.kind = kind
        self.threads = max(1, threads)
        self.simdLevel = .detected
    }

    /// The native backend with its kernels forced to `simdLevel` (capped at what the CPU
    /// offers), for testing every kernel a CPU can run.
    init(threads: Int, simdLevel: SIMDLevel) {
        self.kind = .native
        self.threads = max(1, threads)
        self.simdLevel = min(simdLevel, .detected)
    }

    /// The kinds this build can use on this machine.
    public static var availableKinds: [Kind] {
        var kinds: [Kind] = [.native]
        #if OpenBLAS
        kinds.append(.openBLAS)
        #endif
        #if canImport(Accelerate)
        kinds.append(.accelerate)
        #endif
        kinds.append(.reference)
        return kinds
    }

    /// The instruction-set level the C kernels run at (`bp_cpu_simd_level()`'s numbering).
    static var kernelLevel: Int32 { Int32(current.simdLevel.rawValue) }

    /// The calling thread's backend, which every `Float.gemm` on this thread goes through.
    /// Each thread has its own (thread-local storage, `thread_backend.c`); a thread that never
    /// set one has the default, `Backend()`: native, one thread.
    public static var current: Backend {
        get {
            let setting = bp_thread_backend()
            guard setting.threads > 0 else { return Backend() }
            return Backend(setting: setting)
        }
        set { bp_set_thread_backend(newValue.setting) }
    }

    /// The backend a thread stored as `setting`.
    private init(setting: bp_backend_setting) {
        self.kind = switch setting.kind {
        case 1: .openBLAS
        case 2: .accelerate
        case 3: .reference
        default: .native
        }
        self.threads = Int(setting.threads)
        self.simdLevel = SIMDLevel(rawValue: Int(setting.level)) ?? .detected
    }

    /// This backend as a thread stores it (`bp_thread_backend`).
    private var setting: bp_backend_setting {
        let kindIndex: Int32 = switch kind {
        case .native: 0
        case .openBLAS: 1
        case .accelerate: 2
        case .reference: 3
        }
        return bp_backend_setting(kind: kindIndex, threads: Int32(clamping: threads), level: Int32(simdLevel.rawValue))
    }

    /// The instruction set the native kernels run at: "avx512", "avx2" or "portable" (SSE2 or
    /// NEON), chosen at run time from what the CPU offers.
    public var kernelLevel: String { simdLevel.name }

    /// E.g. "native (avx512 8x32 tiles), 2 threads".
    public var description: String {
        let threadText = threads == 1 ? "1 thread" : "\(threads) threads"
        switch kind {
        case .native:
            let blocking = NativeGEMM.blockingByLevel[simdLevel.rawValue]
            return "native (\(simdLevel.name) \(blocking.mr)x\(blocking.nr) tiles), \(threadText)"
        case .openBLAS, .accelerate, .reference:
            return "\(kind), \(threadText)"
        }
    }

    /// Row-major C ← α·op(A)·op(B) + β·C in single precision.
    ///
    /// op(A) is m x k, op(B) is k x n, C is m x n; `lda`, `ldb`, `ldc` are the row strides of
    /// A, B and C as stored. With β = 0, C is not read. Then the `epilogue`, if any (a dense
    /// layer's bias and activation forward, or BP2's ⊙ g′ backward): the native backend
    /// applies it to blocks of C as they are finished, the others after the product, with the
    /// same bits.
    func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: ProductEpilogue? = nil
    ) {
        if kind == .native {
            return NativeGEMM.sgemm(
                level: simdLevel, threads: threads,
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
                epilogue: epilogue)
        }
        if m <= 0 || n <= 0 { return }
        defer { epilogue?.applyAfterProduct(to: c, ldc: ldc, m: m, n: n) }
        if k <= 0 && kind != .reference {
            NativeGEMM.scale(c: c, ldc: ldc, m: m, n: n, beta: beta)
            return
        }
        switch kind {
        case .native:
            break   // returned above
        case .openBLAS:
            #if OpenBLAS
            if Backend.openBLASThreads != threads {
                openblas_set_num_threads(Int32(min(threads, availableCores)))
                Backend.openBLASThreads = threads
            }
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                beta, c, blasint(ldc))
            #endif
        case .accelerate:
            #if canImport(Accelerate)
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                beta, c, Int32(ldc))
            #endif
        case .reference:
            referenceGEMM(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    #if OpenBLAS
    /// The thread count last handed to OpenBLAS (it keeps one process-wide setting).
    nonisolated(unsafe) private static var openBLASThreads = 0
    #endif
}

/// Why a backend cannot be created.
public enum BackendError: Error, CustomStringConvertible, Equatable {
    /// The kind is not compiled into this build or not offered by this platform.
    case unavailable(Backend.Kind)

    public var description: String {
        switch self {
        case .unavailable(let kind):
            return "Backend.swift: backend '\(kind)' is not available in this build "
                + "(available: \(Backend.availableKinds.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
