import Testing
@testable import Backprop

/// The native SGEMM (every kernel level this CPU runs, every path: few columns, few rows,
/// tiny, packed) against `referenceGEMM` in Double.
///
/// Tolerance: Float summation of k products in any order is within γₖ ≈ k·2⁻²⁴ of the exact
/// sum, relative to Σ|a||b| (Higham, Accuracy and Stability, §3.1), plus one rounding each for
/// α, β·C and the final add. The tests allow |error| ≤ (k + 4)·2⁻²³·(|α|·Σₚ|a||b| + |β|·|c|),
/// twice that bound, so they cannot fail on rounding but do on any wrong index or term.
@Suite struct GEMMTests {
    /// One product's operands, with stored row strides padded by `padding` columns.
    struct Case: CustomStringConvertible {
        var transposeA: Bool
        var transposeB: Bool
        var m: Int
        var n: Int
        var k: Int
        var alpha: Float
        var beta: Float
        var padding = 0

        var description: String {
            "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") m=\(m) n=\(n) k=\(k) "
                + "α=\(alpha) β=\(beta) pad=\(padding)"
        }
    }

    /// Small deterministic generator (SplitMix64), values in [−1, 1).
    struct Numbers {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 23) - 1
        }
        mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    /// Runs `backend` on `testCase` and returns (result, worst error / allowed error).
    static func run(_ testCase: Case, backend: Backend, seed: UInt64 = 1) -> (result: [Float], ratio: Double) {
        run(testCase, seed: seed) { a, lda, b, ldb, c, ldc in
            backend.sgemm(
                transposeA: testCase.transposeA, transposeB: testCase.transposeB,
                m: testCase.m, n: testCase.n, k: testCase.k, alpha: testCase.alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: testCase.beta, c: c, ldc: ldc)
        }
    }

    /// Runs `product(a, lda, b, ldb, c, ldc)` on `testCase`'s operands and returns (result,
    /// worst error / allowed error).
    static func run(
        _ testCase: Case, seed: UInt64,
        product: (UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> (result: [Float], ratio: Double) {
        let t = testCase
        var numbers = Numbers(state: seed)
        let aRows = t.transposeA ? t.k : t.m, aColumns = t.transposeA ? t.m : t.k
        let bRows = t.transposeB ? t.n : t.k, bColumns = t.transposeB ? t.k : t.n
        let lda = aColumns + t.padding, ldb = bColumns + t.padding, ldc = t.n + t.padding
        let a = numbers.array(max(1, aRows * lda))
        let b = numbers.array(max(1, bRows * ldb))
        // β = 0 must not read C: fill it with NaN then.
        var c = t.beta == 0 ? [Float](repeating: .nan, count: max(1, t.m * ldc)) : numbers.array(max(1, t.m * ldc))
        let original = c

        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    product(a.baseAddress!, lda, b.baseAddress!, ldb, c.baseAddress!, ldc)
                }
            }
        }

        var worst = 0.0
        for i in 0..<t.m {
            for j in 0..<t.n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<t.k {
                    let x = Double(t.transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(t.transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                let old = t.beta == 0 ? 0 : Double(original[i * ldc + j])
                let expected = Double(t.alpha) * sum + Double(t.beta) * old
                let allowed = Double(t.k + 4) * 0x1p-23
                    * (abs(Double(t.alpha)) * magnitude + abs(Double(t.beta) * old)) + 1e-30
                let error = abs(Double(c[i * ldc + j]) - expected)
                worst = max(worst, error.isNaN ? .infinity : error / allowed)
            }
        }
        // Padding columns of C are never written.
        for i in 0..<t.m {
            for j in t.n..<ldc where !(c[i * ldc + j].isNaN && original[i * ldc + j].isNaN) {
                if c[i * ldc + j] != original[i * ldc + j] { worst = .infinity }
            }
        }
        return (c, worst)
    }

    static let sizes = Array(1...17) + [31, 33, 63, 64, 65, 67]
    static let scalings: [(alpha: Float, beta: Float)] = [(1, 0), (1, 1), (2, 0.5), (-1.5, 0), (2, 1)]

    /// Shapes touching every path: n ≤ 16, m ≤ 16, tiny, and packed with partial tiles.
    static var shapes: [(m: Int, n: Int, k: Int)] {
        sizes.flatMap { s in [(s, s, s), (s, 37, 19), (41, s, 23), (29, 35, s)] }
    }

    @Test(arguments: SIMDLevel.available)
    func oddSizesEveryTransposeMatchReference(level: SIMDLevel) {
        let backend = Backend(threads: 1, simdLevel: level)
        var index = 0
        for (m, n, k) in Self.shapes {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (alpha, beta) = Self.scalings[index % Self.scalings.count]
                let testCase = Case(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, beta: beta, padding: index % 3 == 0 ? 3 : 0)
                let ratio = Self.run(testCase, backend: backend, seed: UInt64(index)).ratio
                #expect(ratio <= 1, "\(level.name) \(testCase): error/allowed = \(ratio)")
                index += 1
            }
        }
    }

    /// Several KC (256) and MC (144) blocks, so β = 1 accumulation between k slices and
    /// edge tiles in every direction are exercised.
    @Test(arguments: SIMDLevel.available)
    func multipleCacheBlocksMatchReference(level: SIMDLevel) {
        let backend = Backend(threads: 1, simdLevel: level)
        let shapes = [(m: 150, n: 70, k: 300), (m: 37, n: 45, k: 530)]
        var index = 0
        for (m, n, k) in shapes {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (alpha, beta) = Self.scalings[index % Self.scalings.count]
                let testCase = Case(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, beta: beta, padding: index % 2)
                let ratio = Self.run(testCase, backend: backend, seed: UInt64(100 + index)).ratio
                #expect(ratio <= 1, "\(level.name) \(testCase): error/allowed = \(ratio)")
                index += 1
            }
        }
    }

    /// Cache blocks shrunk to a few tiles (and not multiples of them) force several NC, MC
    /// and KC blocks, half-width last panels and edge tiles at sizes a debug build checks fast.
    @Test(arguments: SIMDLevel.available)
    func smallCacheBlocksMatchReference(level: SIMDLevel) {
        var blocking = NativeGEMM.Blocking(level: level)
        blocking.mc = 2 * blocking.mr + 1
        blocking.kc = 7
        blocking.nc = 2 * blocking.nr + blocking.nr / 2 + 3
        var index = 0
        for (m, n, k) in [(41, 150, 30), (23, 77, 16), (60, 43, 9)] {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (alpha, beta) = Self.scalings[index % Self.scalings.count]
                let t = Case(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, beta: beta, padding: index % 2)
                let ratio = Self.run(t, seed: UInt64(200 + index)) { a, lda, b, ldb, c, ldc in
                    NativeGEMM.packedProduct(
                        blocking: blocking, rows: 0..<m, n: n, k: k, alpha: alpha,
                        a: a, aRowStride: transposeA ? 1 : lda, aColumnStride: transposeA ? lda : 1,
                        b: b, bRowStride: transposeB ? 1 : ldb, bColumnStride: transposeB ? ldb : 1,
                        beta: beta, c: c, ldc: ldc)
                }.ratio
                #expect(ratio <= 1, "\(level.name) \(t): error/allowed = \(ratio)")
                index += 1
            }
        }
    }

    /// The MNIST output-layer shapes (n = 10 or m = 10) through the few-columns paths.
    @Test(arguments: SIMDLevel.available)
    func outputLayerShapesMatchReference(level: SIMDLevel) {
        let backend = Backend(threads: 1, simdLevel: level)
        let cases = [
            Case(transposeA: false, transposeB: true, m: 100, n: 10, k: 30, alpha: 1, beta: 0),
            Case(transposeA: true, transposeB: false, m: 10, n: 30, k: 100, alpha: 1, beta: 0),
            Case(transposeA: false, transposeB: false, m: 100, n: 30, k: 10, alpha: 1, beta: 0),
            Case(transposeA: false, transposeB: false, m: 200, n: 3, k: 2, alpha: 1, beta: 1),
        ]
        for testCase in cases {
            let ratio = Self.run(testCase, backend: backend).ratio
            #expect(ratio <= 1, "\(level.name) \(testCase): error/allowed = \(ratio)")
        }
    }

    /// Small batches (≤ 16 rows) take the unpacked paths: Z = X·Wᵀ as dot products along k
    /// (NT, m ≤ 16; k with and without a vector tail) and ∂W = δᵀ·X as register tiles over
    /// the operands in place (TN, k ≤ 16; edge tiles in both directions, half-width panels).
    @Test(arguments: SIMDLevel.available)
    func smallBatchShapesMatchReference(level: SIMDLevel) {
        let backend = Backend(threads: 1, simdLevel: level)
        var cases: [Case] = []
        for m in [1, 3, 4, 5, 10, 16] {
            for (n, k) in [(30, 784), (17, 2049), (37, 1030), (100, 61)] where m * n * k >= NativeGEMM.tinyProductSize {
                cases.append(Case(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, beta: 0))
            }
        }
        for k in [1, 2, 5, 10, 16] {
            for (m, n) in [(30, 784), (8, 4100), (33, 250), (7, 1000), (100, 48)] where m * n * k >= NativeGEMM.tinyProductSize {
                cases.append(Case(transposeA: true, transposeB: false, m: m, n: n, k: k, alpha: 1, beta: 0))
            }
        }
        #expect(cases.count >= 30)
        for (index, var testCase) in cases.enumerated() {
            (testCase.alpha, testCase.beta) = Self.scalings[index % Self.scalings.count]
            testCase.padding = index % 3 == 0 ? 5 : 0
            let path = NativeGEMM.Path(
                transposeA: testCase.transposeA, transposeB: testCase.transposeB,
                m: testCase.m, n: testCase.n, k: testCase.k)
            #expect(path == (testCase.transposeA ? .smallBatchOuterProducts : .smallBatchDotProducts))
            let ratio = Self.run(testCase, backend: backend, seed: UInt64(300 + index)).ratio
            #expect(ratio <= 1, "\(level.name) \(testCase): error/allowed = \(ratio)")
        }
    }

    /// Threads split rows (or columns, when n > m), never k: one and two threads give the
    /// same bits, on products above the parallel threshold in each path.
    @Test func twoThreadsAreBitwiseEqualToOne() {
        let cases = [
            Case(transposeA: false, transposeB: true, m: 130, n: 90, k: 200, alpha: 1, beta: 0),
            Case(transposeA: true, transposeB: false, m: 131, n: 75, k: 210, alpha: 2, beta: 1),
            // Column splits, with a half-width last panel (250 = 7·32 + 26, 131 = 4·32 + 3).
            Case(transposeA: false, transposeB: true, m: 90, n: 250, k: 200, alpha: 1, beta: 0),
            Case(transposeA: true, transposeB: false, m: 75, n: 131, k: 410, alpha: 2, beta: 1),
        ]
        let skinnyCases = [
            Case(transposeA: false, transposeB: false, m: 4000, n: 10, k: 210, alpha: 1, beta: 0),
            Case(transposeA: true, transposeB: false, m: 10, n: 4000, k: 210, alpha: 1, beta: 0.5),
        ]
        // Small batches: columns split between the threads (784 = 24·32 + 16 for the tiles).
        let smallBatchCases = [
            Case(transposeA: false, transposeB: true, m: 16, n: 301, k: 784, alpha: 1, beta: 0),
            Case(transposeA: true, transposeB: false, m: 300, n: 784, k: 16, alpha: -0.5, beta: 1),
            Case(transposeA: true, transposeB: false, m: 131, n: 2001, k: 10, alpha: 1, beta: 0),
        ]
        for testCase in cases + skinnyCases + smallBatchCases {
            #expect(2 * testCase.m * testCase.n * testCase.k >= NativeGEMM.parallelThreshold)
            let one = Self.run(testCase, backend: Backend(threads: 1))
            let two = Self.run(testCase, backend: Backend(threads: 2))
            #expect(one.ratio <= 1, "\(testCase): error/allowed = \(one.ratio)")
            #expect(
                one.result.map(\.bitPattern) == two.result.map(\.bitPattern),
                "\(testCase): 1 and 2 threads differ")
        }
    }

    /// AVX2's dot products take 2 x 4 blocks for 36 columns on one thread and 2 x 5 blocks for
    /// the 18 columns of each of two threads: the block width does not change a bit. (Run at the
    /// AVX2 level even on an AVX-512 host; other CPUs have no AVX2 kernel to check.)
    @Test func avx2DotBlockWidthsGiveTheSameBits() {
        guard SIMDLevel.available.contains(.avx2) else { return }
        let testCase = Case(transposeA: false, transposeB: true, m: 10, n: 36, k: 5600, alpha: 1, beta: 0)
        let one = Self.run(testCase, backend: Backend(threads: 1, simdLevel: .avx2))
        let two = Self.run(testCase, backend: Backend(threads: 2, simdLevel: .avx2))
        #expect(one.ratio <= 1, "error/allowed = \(one.ratio)")
        #expect(one.result.map(\.bitPattern) == two.result.map(\.bitPattern))
    }

    @Test func emptyInnerDimensionScalesC() {
        let backend = Backend(threads: 1)
        for beta: Float in [0, 1, 0.5] {
            let testCase = Case(transposeA: false, transposeB: false, m: 3, n: 4, k: 0, alpha: 1, beta: beta)
            let ratio = Self.run(testCase, backend: backend).ratio
            #expect(ratio <= 1, "\(testCase)")
        }
    }

    @Test func referenceBackendMatchesNative() throws {
        let reference = try Backend(kind: .reference)
        let testCase = Case(transposeA: true, transposeB: true, m: 20, n: 30, k: 40, alpha: 1, beta: 0)
        #expect(Self.run(testCase, backend: reference).ratio <= 1)
        #expect(reference.kind == .reference)
    }

    @Test func unavailableKindThrowsNamingTheFile() {
        #expect(Backend.availableKinds.contains(.native))
        #expect(Backend.availableKinds.contains(.reference))
        for kind in Backend.Kind.allCases where !Backend.availableKinds.contains(kind) {
            #expect(throws: BackendError.unavailable(kind)) { try Backend(kind: kind) }
            #expect(BackendError.unavailable(kind).description.hasPrefix("Backend.swift:"))
        }
    }

    #if OpenBLAS
    @Test func openBLASMatchesReference() throws {
        let backend = try Backend(kind: .openBLAS)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let testCase = Case(
                transposeA: transposeA, transposeB: transposeB, m: 33, n: 17, k: 65, alpha: 2,
                beta: 0, padding: 1)
            #expect(Self.run(testCase, backend: backend).ratio <= 1, "\(testCase)")
        }
    }
    #endif

    @Test func matrixProductGoesThroughTheFloatBackend() {
        let a = Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        let b = Matrix<Float>([[1, 0], [0, 1], [1, 1]])
        #expect(Matrix.product(a, b) == Matrix([[4, 5], [10, 11]]))
        #expect(Matrix.product(a, a, transposeB: true) == Matrix([[14, 32], [32, 77]]))
    }
}
