import CBackpropKernels

/// The package's own single-precision matrix product, C ← α·op(A)·op(B) + β·C, row-major.
///
/// Five paths (`Path`), chosen from the whole problem's shape (never from a worker's share of
/// it, so that every element is computed the same way for any thread count):
///
/// - **Small batch, Z = X·Wᵀ** (op(B) = Bᵀ, m ≤ 16): dot products along k read straight from
///   the rows of X and W (`bp_sgemm_dot`); nothing is packed.
/// - **Small batch, ∂W = δᵀ·X** (op(A) = Aᵀ, k ≤ 16): the register tiles read δ and X in
///   place, since δ's rows already are the MR-value groups a packed panel would hold
///   (`bp_sgemm_small_k`).
/// - **Few columns** (n ≤ 16, or a tiny product m·n·k < 32768): op(B) is copied into strips
///   of 16 columns (k x 16, zero padded) and a "skinny" C kernel walks the rows of A in
///   place. No packing of A, no padding of n = 10 to a full register tile.
/// - **Few rows** (m ≤ 16): the same kernel on the transposed problem Cᵀ = op(B)ᵀ·op(A)ᵀ,
///   writing Cᵀ through C's strides.
/// - **Everything else**: Goto/BLIS blocking. For each NC-column block of op(B) and each
///   k slice (at most KC deep), op(B) is packed into NR-wide panels; for each MC-row block
///   of op(A), op(A) is packed into MR-high panels (`bp_pack_panels`); an MR x NR
///   register-tile kernel then runs over every panel pair. Slices are summed into C in
///   increasing order of k.
///
/// Threads split the rows or the columns of C (in whole tiles), never k, so the sums, and
/// therefore the results, are bitwise the same for 1 and 2 threads. The second thread comes
/// from a persistent pool (`parallelFor`); packing buffers are per-thread
/// (`bp_thread_buffer`), allocated on first use and reused after, so a warm call allocates
/// nothing.
enum NativeGEMM {
    /// Products below this many floating-point operations (2·m·n·k) stay on one thread
    /// (small batches: `smallBatchParallelThreshold`). 1000x300·300x10 (6 MFLOP) already
    /// measured faster on two threads (figures in docs/performance.md, "Design measurements").
    static let parallelThreshold = 4_000_000
    /// Below this m·n·k, the skinny kernel is used even for wide products.
    static let tinyProductSize = 32_768
    /// Column-strip width of the skinny kernel.
    static let skinnyWidth = Int(BP_SKINNY_WIDTH)

    typealias TileKernel = @convention(c) (
        Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?,
        Int, Float, Float, Int, Int
    ) -> Void
    typealias SkinnyKernel = @convention(c) (
        Int, Int, Int, Float, UnsafePointer<Float>?, Int, Int, UnsafePointer<Float>?,
        Float, UnsafeMutablePointer<Float>?, Int, Int
    ) -> Void

    /// Blocking parameters and kernels for one instruction-set level.
    struct Blocking {
        /// Register tile: mr rows x nr columns of C.
        var mr: Int
        var nr: Int
        /// Cache blocks: mc rows of op(A) (L2), kc steps of k, nc columns of op(B) (L3).
        var mc: Int
        var kc: Int
        var nc: Int
        /// Rows per block of the skinny kernel.
        var skinnyRows: Int
        var tile: TileKernel
        /// The mr x nr/2 kernel for a last, narrow column panel.
        var halfTile: TileKernel
        var skinny: SkinnyKernel
        /// The instruction-set level, for `bp_pack_panels`.
        var level: SIMDLevel

        init(level: SIMDLevel) {
            self.level = level
            switch level {
            case .avx512:
                (mr, nr, mc, kc, nc) = (Int(BP_MR_AVX512), Int(BP_NR_AVX512), 144, 384, 4096)
                skinnyRows = Int(BP_SKINNY_ROWS_AVX512)
                tile = bp_sgemm_tile_avx512
                halfTile = bp_sgemm_half_tile_avx512
                skinny = bp_sgemm_skinny_avx512
            case .avx2:
                (mr, nr, mc, kc, nc) = (Int(BP_MR_AVX2), Int(BP_NR_AVX2), 144, 384, 4096)
                skinnyRows = Int(BP_SKINNY_ROWS_AVX2)
                tile = bp_sgemm_tile_avx2
                halfTile = bp_sgemm_half_tile_avx2
                skinny = bp_sgemm_skinny_avx2
            case .portable:
                (mr, nr, mc, kc, nc) = (Int(BP_MR_PORTABLE), Int(BP_NR_PORTABLE), 128, 256, 4096)
                skinnyRows = Int(BP_SKINNY_ROWS_PORTABLE)
                tile = bp_sgemm_tile_portable
                halfTile = bp_sgemm_half_tile_portable
                skinny = bp_sgemm_skinny_portable
            }
        }
    }

    static let blockingByLevel: [Blocking] = SIMDLevel.allCases.map { Blocking(level: $0) }

    /// C ← α·op(A)·op(B) + β·C, then the `epilogue` if any; see `NetworkScalar.gemm` for the
    /// argument conventions. The packed path applies the epilogue to each block of rows as its
    /// last k slice finishes; the other paths after the product.
    static func sgemm(
        level: SIMDLevel, threads: Int,
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: ProductEpilogue? = nil
    ) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 {
            scale(c: c, ldc: ldc, m: m, n: n, beta: beta)
            epilogue?.applyAfterProduct(to: c, ldc: ldc, m: m, n: n)
            return
        }
        let blocking = blockingByLevel[level.rawValue]
        let flops = 2 * m * n * k
        let path = Path(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
        let smallBatch = path == .smallBatchOuterProducts || path == .smallBatchDotProducts
        let threshold = smallBatch ? smallBatchParallelThreshold : parallelThreshold
        let workers = flops >= threshold ? max(1, min(threads, availableCores)) : 1
        // op(A)[i, p] = a[i * aRowStride + p * aColumnStride], likewise for B.
        let aRowStride = transposeA ? 1 : lda
        let aColumnStride = transposeA ? lda : 1
        let bRowStride = transposeB ? 1 : ldb
        let bColumnStride = transposeB ? ldb : 1

        switch path {
        case .smallBatchOuterProducts:
            // ∂W's rows are W's rows, the forward product's columns: with a row split each
            // thread computes, and the optimizer then updates, the weights it read forward.
            let splitRows = m >= 2 * blocking.mr
            parallelFor(
                workers: workers,
                SmallBatchJob(
                    product: splitRows ? .smallKRows : .smallK, level: level,
                    chunk: splitRows ? chunk(of: m, workers: workers) : chunk(of: n, workers: workers, unit: blocking.nr / 2),
                    m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                    beta: beta, c: c, ldc: ldc))
        case .smallBatchDotProducts:
            parallelFor(
                workers: workers,
                SmallBatchJob(
                    product: .dot, level: level, chunk: chunk(of: n, workers: workers),
                    m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                    beta: beta, c: c, ldc: ldc))
        case .fewColumns:
            skinnyProduct(
                blocking: blocking, workers: workers, m: m, n: n, k: k, alpha: alpha,
                a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                beta: beta, c: c, cRowStride: ldc, cColumnStride: 1)
        case .fewRows:
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: n x m, its (j, i) element stored at c[i * ldc + j].
            skinnyProduct(
                blocking: blocking, workers: workers, m: n, n: m, k: k, alpha: alpha,
                a: b, aRowStride: bColumnStride, aColumnStride: bRowStride,
                b: a, bRowStride: aColumnStride, bColumnStride: aRowStride,
                beta: beta, c: c, cRowStride: 1, cColumnStride: ldc)
        case .packed:
            // The epilogue goes with the blocks (below); every other path applies it after.
            // Each worker packs all of the operand it does not split: split the dimension
            // whose operand is larger, so the duplicated packing is the smaller one (∂W =
            // δᵀ·X with m = 300, n = 784 splits columns). Either way every C element is
            // computed by one worker, the same way, so results do not depend on the split.
            // Columns go in half panels (784 = 400 + 384 rather than 416 + 368, with which the
            // second thread waited for a measurable part of the ∂W₁ product; figures in
            // docs/performance.md, "Design measurements"), a worker's last panel then being
            // half wide.
            let splitColumns = n > m
            let unit = splitColumns ? blocking.nr / 2 : blocking.mr
            let perWorker = chunk(of: splitColumns ? n : m, workers: workers, unit: unit)
            parallelFor(
                workers: workers,
                PackedJob(
                    blocking: blocking, splitColumns: splitColumns, chunk: perWorker, m: m, n: n, k: k, alpha: alpha,
                    a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                    b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                    beta: beta, c: c, ldc: ldc, epilogue: epilogue))
            return
        }
        epilogue?.applyAfterProduct(to: c, ldc: ldc, m: m, n: n)
    }

    /// Rows (or, with `splitColumns`, columns) [worker·chunk, (worker+1)·chunk) of the
    /// packed product.
    struct PackedJob: ParallelJob {
        var blocking: Blocking
        var splitColumns: Bool
        var chunk, m, n, k: Int
        var alpha: Float
        var a: UnsafePointer<Float>
        var aRowStride, aColumnStride: Int
        var b: UnsafePointer<Float>
        var bRowStride, bColumnStride: Int
        var beta: Float
        var c: UnsafeMutablePointer<Float>
        var ldc: Int
        var epilogue: ProductEpilogue?

        func run(worker: Int) {
            let start = worker * chunk
            if splitColumns {
                let end = min(n, start + chunk)
                if start >= end { return }
                packedProduct(
                    blocking: blocking, rows: 0..<m, n: end - start, k: k, alpha: alpha,
                    a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                    b: b + start * bColumnStride, bRowStride: bRowStride, bColumnStride: bColumnStride,
                    beta: beta, c: c + start, ldc: ldc, epilogue: epilogue?.shifted(byColumns: start))
                return
            }
            let end = min(m, start + chunk)
            if start >= end { return }
            packedProduct(
                blocking: blocking, rows: start..<end, n: n, k: k, alpha: alpha,
                a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                beta: beta, c: c, ldc: ldc, epilogue: epilogue)
        }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: PackedJob.self).pointee.run(worker: worker)
        }
    }

    /// Batches up to this many rows take the unpacked small-batch products
    /// (`bp_sgemm_dot`, `bp_sgemm_small_k`).
    static let smallBatchLimit = Int(BP_SMALL_K_MAX)
    /// Small-batch products split between threads from this many floating-point operations:
    /// a 10-row batch of 784-30 (470 kFLOP per product) gains when each thread keeps to the
    /// same rows of W forward, backward and in the optimizer (figures in docs/performance.md,
    /// "Design measurements").
    static let smallBatchParallelThreshold = 400_000

    /// Which algorithm computes a product, chosen from the whole problem's shape.
    enum Path: Equatable {
        /// ∂W = δᵀ·X of a small batch (op(A) = Aᵀ, k ≤ 16, n > 16): k outer products, with
        /// the register tiles reading δ and X in place.
        case smallBatchOuterProducts
        /// Z = X·Wᵀ of a small batch (op(B) = Bᵀ, m ≤ 16, n > 16): dot products along k
        /// straight from the rows of X and W.
        case smallBatchDotProducts
        /// n ≤ 16, or a tiny product: the skinny kernel over unpacked A.
        case fewColumns
        /// m ≤ 16: the skinny kernel on the transposed problem.
        case fewRows
        /// Everything else: packed panels and register tiles.
        case packed

        init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) {
            let tiny = m * n * k < NativeGEMM.tinyProductSize
            if !tiny && n > NativeGEMM.skinnyWidth && transposeA && !transposeB
                && k <= NativeGEMM.smallBatchLimit {
                self = .smallBatchOuterProducts
            } else if !tiny && n > NativeGEMM.skinnyWidth && !transposeA && transposeB
                && m <= NativeGEMM.smallBatchLimit {
                self = .smallBatchDotProducts
            } else if tiny || n <= NativeGEMM.skinnyWidth {
                self = .fewColumns
            } else if m <= NativeGEMM.skinnyWidth {
                self = .fewRows
            } else {
                self = .packed
            }
        }
    }

    /// Whether the product sums each element's k terms in one accumulator (every path but
    /// `.smallBatchDotProducts`, and `.packed` only when k fits one KC slice at `level`).
    /// Its kernels then store fl(α·sum) + β·C without a fused multiply-add (gemm_kernels.c),
    /// so C ← C − α·op(A)·op(B) with β = 1 rounds exactly like SGD's θ − fl(α·g) on the
    /// product computed alone: what `FusedFirstLayerUpdate` relies on.
    static func sumsInOneAccumulator(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, level: SIMDLevel
    ) -> Bool {
        switch Path(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k) {
        case .smallBatchDotProducts: false
        case .smallBatchOuterProducts, .fewColumns, .fewRows: true
        case .packed: k <= blockingByLevel[level.rawValue].kc
        }
    }

    /// Rows or columns per worker when `count` of them are split: ⌈count / workers⌉ rounded
    /// up to a multiple of `unit`.
    static func chunk(of count: Int, workers: Int, unit: Int = 1) -> Int {
        ((count + workers - 1) / workers + unit - 1) / unit * unit
    }

    /// Columns (rows for `.smallKRows`) [worker·chunk, (worker+1)·chunk) of a small-batch
    /// product: C = α·A·Bᵀ + β·C (`.dot`, A is m x k, B is n x k) or C = α·Aᵀ·B + β·C
    /// (`.smallK`, `.smallKRows`, A is k x m, B is k x n).
    struct SmallBatchJob: ParallelJob {
        /// `.smallKRows` splits C's rows between the workers, the others its columns.
        enum Product { case dot, smallK, smallKRows }
        var product: Product
        var level: SIMDLevel
        var chunk, m, n, k: Int
        var alpha: Float
        var a: UnsafePointer<Float>
        var lda: Int
        var b: UnsafePointer<Float>
        var ldb: Int
        var beta: Float
        var c: UnsafeMutablePointer<Float>
        var ldc: Int

        func run(worker: Int) {
            let start = worker * chunk
            let end = min(product == .smallKRows ? m : n, start + chunk)
            if start >= end { return }
            let simd = Int32(level.rawValue)
            switch product {
            case .smallKRows:
                bp_sgemm_small_k(end - start, n, k, alpha, a + start, lda, b, ldb, beta, c + start * ldc, ldc, simd)
            case .dot:
                bp_sgemm_dot(m, end - start, k, alpha, a, lda, b + start * ldb, ldb, beta, c + start, ldc, simd)
            case .smallK:
                bp_sgemm_small_k(m, end - start, k, alpha, a, lda, b + start, ldb, beta, c + start, ldc, simd)
            }
        }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: SmallBatchJob.self).pointee.run(worker: worker)
        }
    }

    /// Rows [worker·chunk, (worker+1)·chunk) of one 16-column strip of the skinny product.
    struct SkinnyJob: ParallelJob {
        var kernel: SkinnyKernel
        var chunk, m, columns, k: Int
        var alpha: Float
        var a: UnsafePointer<Float>
        var aRowStride, aColumnStride: Int
        var strip: UnsafePointer<Float>
        var beta: Float
        var c: UnsafeMutablePointer<Float>
        var cRowStride, cColumnStride: Int

        func run(worker: Int) {
            let start = worker * chunk
            let end = min(m, start + chunk)
            if start >= end { return }
            kernel(
                end - start, columns, k, alpha, a + start * aRowStride, aRowStride,
                aColumnStride, strip, beta, c + start * cRowStride, cRowStride, cColumnStride)
        }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: SkinnyJob.self).pointee.run(worker: worker)
        }
    }

    /// C ← β·C, with β = 0 writing zeros without reading C.
    static func scale(c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, beta: Float) {
        if beta == 1 { return }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    // MARK: - Few columns

    /// C ← α·A·B + β·C for general strides, in strips of 16 columns of B.
    static func skinnyProduct(
        blocking: Blocking, workers: Int, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int,
        b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int
    ) {
        let width = skinnyWidth
        guard let strip = bp_thread_buffer(2, k * width) else {
            return referenceFallback(
                m: m, n: n, k: k, alpha: alpha, a: a, aRowStride: aRowStride,
                aColumnStride: aColumnStride, b: b, bRowStride: bRowStride,
                bColumnStride: bColumnStride, beta: beta, c: c, cRowStride: cRowStride,
                cColumnStride: cColumnStride)
        }
        let rowsPerWorker = chunk(of: m, workers: workers, unit: blocking.skinnyRows * 8)
        var column = 0
        while column < n {
            let columns = min(width, n - column)
            // strip[p * 16 + j] = B[p, column + j], zero for j ≥ columns.
            for p in 0..<k {
                let source = b + p * bRowStride + column * bColumnStride
                let target = strip + p * width
                if bColumnStride == 1 {
                    target.update(from: source, count: columns)
                } else {
                    for j in 0..<columns { target[j] = source[j * bColumnStride] }
                }
                if columns < width {
                    (target + columns).update(repeating: 0, count: width - columns)
                }
            }
            parallelFor(
                workers: workers,
                SkinnyJob(
                    kernel: blocking.skinny, chunk: rowsPerWorker, m: m, columns: columns, k: k,
                    alpha: alpha, a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                    strip: strip, beta: beta, c: c + column * cColumnStride,
                    cRowStride: cRowStride, cColumnStride: cColumnStride))
            column += width
        }
    }

    /// The plain loop, used only when a scratch buffer cannot be allocated.
    static func referenceFallback(
        m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int,
        b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    sum += a[i * aRowStride + p * aColumnStride]
                        * b[p * bRowStride + j * bColumnStride]
                }
                let index = i * cRowStride + j * cColumnStride
                c[index] = beta == 0 ? alpha * sum : alpha * sum + beta * c[index]
            }
        }
    }

    // MARK: - Packed blocks

    /// Rows `rows` of C ← α·op(A)·op(B) + β·C by Goto/BLIS blocking on this thread.
    ///
    /// k is cut into equal slices of at most KC (784 = 3 x 262, not 3 x 256 + 16), so no
    /// slice is too thin to pay for its pass over C. The slicing depends on k only.
    ///
    /// The `epilogue` runs on each MR-row micro-panel of C (mr rows x nc columns, just written
    /// by the tile kernels) right after the last k slice has finished it.
    static func packedProduct(
        blocking: Blocking, rows: Range<Int>, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int,
        b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: ProductEpilogue? = nil
    ) {
        let mr = blocking.mr
        let nr = blocking.nr
        let kSlices = (k + blocking.kc - 1) / blocking.kc
        let kcMax = ((k + kSlices - 1) / kSlices + 7) / 8 * 8
        let mcMax = (min(blocking.mc, rows.count) + mr - 1) / mr * mr
        let ncMax = (min(blocking.nc, n) + nr - 1) / nr * nr
        guard let packedA = bp_thread_buffer(0, mcMax * kcMax),
            let packedB = bp_thread_buffer(1, ncMax * kcMax)
        else {
            referenceFallback(
                m: rows.count, n: n, k: k, alpha: alpha, a: a + rows.lowerBound * aRowStride,
                aRowStride: aRowStride, aColumnStride: aColumnStride, b: b,
                bRowStride: bRowStride, bColumnStride: bColumnStride, beta: beta,
                c: c + rows.lowerBound * ldc, cRowStride: ldc, cColumnStride: 1)
            epilogue?.apply(to: c, ldc: ldc, rows: rows, columns: n)
            return
        }
        let tile = blocking.tile
        let halfTile = blocking.halfTile
        var jc = 0
        while jc < n {
            let nc = min(blocking.nc, n - jc)
            var pc = 0
            while pc < k {
                let kc = min(kcMax, k - pc)
                // Panels run across op(B)'s columns; within a panel, k steps. The last panel
                // is half wide when at most nr/2 columns remain.
                packPanels(
                    source: b + pc * bRowStride + jc * bColumnStride,
                    acrossStride: bColumnStride, depthStride: bRowStride,
                    across: nc, depth: kc, panelWidth: nr, allowHalfPanel: true, into: packedB,
                    level: blocking.level)
                let blockBeta: Float = pc == 0 ? beta : 1
                let blockEpilogue = pc + kc == k ? epilogue?.shifted(byColumns: jc) : nil
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mc = min(blocking.mc, rows.upperBound - ic)
                    packPanels(
                        source: a + ic * aRowStride + pc * aColumnStride,
                        acrossStride: aRowStride, depthStride: aColumnStride,
                        across: mc, depth: kc, panelWidth: mr, allowHalfPanel: false,
                        into: packedA, level: blocking.level)
                    // One A micro-panel (kc x mr) stays in L1 while the B panels stream
                    // from L2.
                    var ir = 0
                    while ir < mc {
                        let panelA = UnsafePointer(packedA + ir * kc)
                        let tileRows = min(mr, mc - ir)
                        let cRow = c + (ic + ir) * ldc + jc
                        var jr = 0
                        while jr < nc {
                            let columns = min(nr, nc - jr)
                            let panelB = UnsafePointer(packedB + jr * kc)
                            if 2 * columns <= nr {
                                halfTile(kc, panelA, panelB, cRow + jr, ldc, alpha, blockBeta, tileRows, columns)
                            } else {
                                tile(kc, panelA, panelB, cRow + jr, ldc, alpha, blockBeta, tileRows, columns)
                            }
                            jr += nr
                        }
                        blockEpilogue?.apply(
                            to: c + jc, ldc: ldc, rows: (ic + ir)..<(ic + ir + tileRows), columns: nc)
                        ir += mr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// Copies a `depth` x `across` block into panels of `panelWidth`: panel q holds, for each
    /// step p, the values at across-index q·panelWidth ..< (q+1)·panelWidth, zero past the end.
    /// Element (across x, depth p) is `source[x * acrossStride + p * depthStride]`. With
    /// `allowHalfPanel`, a last panel with at most panelWidth/2 values is panelWidth/2 wide.
    /// `bp_pack_panels` (gemm_packing.c) does the copy, with vector copies when acrossStride
    /// is 1 and in-register transposes when depthStride is 1.
    @inline(__always)
    static func packPanels(
        source: UnsafePointer<Float>, acrossStride: Int, depthStride: Int,
        across: Int, depth: Int, panelWidth: Int, allowHalfPanel: Bool,
        into target: UnsafeMutablePointer<Float>, level: SIMDLevel
    ) {
        bp_pack_panels(
            source, acrossStride, depthStride, across, depth, panelWidth,
            allowHalfPanel ? 1 : 0, target, Int32(level.rawValue))
    }
}
