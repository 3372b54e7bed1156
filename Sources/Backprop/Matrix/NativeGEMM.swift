import CBackpropKernels

/// The package's own single-precision matrix product, C ← α·op(A)·op(B) + β·C, row-major.
///
/// Three paths, chosen from the whole problem's shape (never from a worker's share of it, so
/// that every element is computed the same way for any thread count):
///
/// - **Few columns** (n ≤ 16, or a tiny product m·n·k < 32768): op(B) is copied into strips
///   of 16 columns (k x 16, zero padded) and a "skinny" C kernel walks the rows of A in
///   place. No packing of A, no padding of n = 10 to a full register tile.
/// - **Few rows** (m ≤ 16): the same kernel on the transposed problem Cᵀ = op(B)ᵀ·op(A)ᵀ,
///   writing Cᵀ through C's strides.
/// - **Everything else**: Goto/BLIS blocking. For each NC-column block of op(B) and each
///   k slice (at most KC deep), op(B) is packed into NR-wide panels; for each MC-row block
///   of op(A), op(A) is packed into MR-high panels; an MR x NR register-tile kernel then runs
///   over every panel pair. Slices are summed into C in increasing order of k.
///
/// Threads split the rows of C (in multiples of the tile height), never k, so the sums, and
/// therefore the results, are bitwise the same for 1 and 2 threads. The second thread comes
/// from a persistent pool (`parallelFor`); packing buffers are per-thread
/// (`bp_thread_buffer`), allocated on first use and reused after, so a warm call allocates
/// nothing.
enum NativeGEMM {
    /// Products below this many floating-point operations (2·m·n·k) stay on one thread.
    static let parallelThreshold = 4_000_000
    /// The same for the few-rows/few-columns paths, which stream A once and gain less from a
    /// second thread than waking it costs (1000x300·300x10: 90 µs on one thread).
    static let skinnyParallelThreshold = 16_000_000
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

        init(level: SIMDLevel) {
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

    /// C ← α·op(A)·op(B) + β·C; see `NetworkScalar.gemm` for the argument conventions.
    static func sgemm(
        level: SIMDLevel, threads: Int,
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 {
            scale(c: c, ldc: ldc, m: m, n: n, beta: beta)
            return
        }
        let blocking = blockingByLevel[level.rawValue]
        let flops = 2 * m * n * k
        let skinny = n <= skinnyWidth || m <= skinnyWidth || m * n * k < tinyProductSize
        let threshold = skinny ? skinnyParallelThreshold : parallelThreshold
        let workers = flops >= threshold ? max(1, min(threads, availableCores)) : 1
        // op(A)[i, p] = a[i * aRowStride + p * aColumnStride], likewise for B.
        let aRowStride = transposeA ? 1 : lda
        let aColumnStride = transposeA ? lda : 1
        let bRowStride = transposeB ? 1 : ldb
        let bColumnStride = transposeB ? ldb : 1

        if n <= skinnyWidth || m * n * k < tinyProductSize {
            skinnyProduct(
                blocking: blocking, workers: workers, m: m, n: n, k: k, alpha: alpha,
                a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                beta: beta, c: c, cRowStride: ldc, cColumnStride: 1)
        } else if m <= skinnyWidth {
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: n x m, its (j, i) element stored at c[i * ldc + j].
            skinnyProduct(
                blocking: blocking, workers: workers, m: n, n: m, k: k, alpha: alpha,
                a: b, aRowStride: bColumnStride, aColumnStride: bRowStride,
                b: a, bRowStride: aColumnStride, bColumnStride: aRowStride,
                beta: beta, c: c, cRowStride: 1, cColumnStride: ldc)
        } else {
            // Each worker packs all of the operand it does not split: split the dimension
            // whose operand is larger, so the duplicated packing is the smaller one (∂W =
            // δᵀ·X with m = 300, n = 784 splits columns). Either way every C element is
            // computed by one worker, the same way, so results do not depend on the split.
            let splitColumns = n > m
            let unit = splitColumns ? blocking.nr : blocking.mr
            let perWorker = ((splitColumns ? n : m) + workers - 1) / workers
            let chunk = (perWorker + unit - 1) / unit * unit
            parallelFor(
                workers: workers,
                PackedJob(
                    blocking: blocking, splitColumns: splitColumns, chunk: chunk, m: m, n: n, k: k, alpha: alpha,
                    a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                    b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                    beta: beta, c: c, ldc: ldc))
        }
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

        func run(worker: Int) {
            let start = worker * chunk
            if splitColumns {
                let end = min(n, start + chunk)
                if start >= end { return }
                packedProduct(
                    blocking: blocking, rows: 0..<m, n: end - start, k: k, alpha: alpha,
                    a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                    b: b + start * bColumnStride, bRowStride: bRowStride, bColumnStride: bColumnStride,
                    beta: beta, c: c + start, ldc: ldc)
                return
            }
            let end = min(m, start + chunk)
            if start >= end { return }
            packedProduct(
                blocking: blocking, rows: start..<end, n: n, k: k, alpha: alpha,
                a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                b: b, bRowStride: bRowStride, bColumnStride: bColumnStride,
                beta: beta, c: c, ldc: ldc)
        }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: PackedJob.self).pointee.run(worker: worker)
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
        let unit = blocking.skinnyRows * 8
        let rowsPerWorker = (m + workers - 1) / workers
        let chunk = (rowsPerWorker + unit - 1) / unit * unit
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
                    kernel: blocking.skinny, chunk: chunk, m: m, columns: columns, k: k,
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
    static func packedProduct(
        blocking: Blocking, rows: Range<Int>, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, aRowStride: Int, aColumnStride: Int,
        b: UnsafePointer<Float>, bRowStride: Int, bColumnStride: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
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
            return referenceFallback(
                m: rows.count, n: n, k: k, alpha: alpha, a: a + rows.lowerBound * aRowStride,
                aRowStride: aRowStride, aColumnStride: aColumnStride, b: b,
                bRowStride: bRowStride, bColumnStride: bColumnStride, beta: beta,
                c: c + rows.lowerBound * ldc, cRowStride: ldc, cColumnStride: 1)
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
                    across: nc, depth: kc, panelWidth: nr, allowHalfPanel: true, into: packedB)
                let blockBeta: Float = pc == 0 ? beta : 1
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mc = min(blocking.mc, rows.upperBound - ic)
                    packPanels(
                        source: a + ic * aRowStride + pc * aColumnStride,
                        acrossStride: aRowStride, depthStride: aColumnStride,
                        across: mc, depth: kc, panelWidth: mr, allowHalfPanel: false,
                        into: packedA)
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
    @inline(__always)
    static func packPanels(
        source: UnsafePointer<Float>, acrossStride: Int, depthStride: Int,
        across: Int, depth: Int, panelWidth fullWidth: Int, allowHalfPanel: Bool,
        into target: UnsafeMutablePointer<Float>
    ) {
        if acrossStride == 1 {
            // Contiguous along the panels: read each depth step's `across` values as one run
            // and deal them out to the panels (full cache lines, one read stream).
            for p in 0..<depth {
                let from = source + p * depthStride
                var x0 = 0
                while x0 < across {
                    let width = min(fullWidth, across - x0)
                    let panelWidth = allowHalfPanel && 2 * width <= fullWidth ? fullWidth / 2 : fullWidth
                    // Every panel before this one is full width.
                    let to = target + x0 * depth + p * panelWidth
                    for x in 0..<width { to[x] = from[x0 + x] }
                    for x in width..<panelWidth { to[x] = 0 }
                    x0 += fullWidth
                }
            }
            return
        }
        var x0 = 0
        var panel = target
        while x0 < across {
            let width = min(fullWidth, across - x0)
            let panelWidth = allowHalfPanel && 2 * width <= fullWidth ? fullWidth / 2 : fullWidth
            let origin = source + x0 * acrossStride
            // Contiguous along depth: `width` read streams, one contiguous write stream,
            // four depth steps per pass.
            var p = 0
            while p + 4 <= depth {
                let to = panel + p * panelWidth
                for x in 0..<width {
                    let from = origin + x * acrossStride + p * depthStride
                    to[x] = from[0]
                    to[panelWidth + x] = from[depthStride]
                    to[2 * panelWidth + x] = from[2 * depthStride]
                    to[3 * panelWidth + x] = from[3 * depthStride]
                }
                p += 4
            }
            while p < depth {
                let to = panel + p * panelWidth
                for x in 0..<width { to[x] = origin[x * acrossStride + p * depthStride] }
                p += 1
            }
            if width < panelWidth {
                for p in 0..<depth {
                    (panel + p * panelWidth + width).update(repeating: 0, count: panelWidth - width)
                }
            }
            panel += panelWidth * depth
            x0 += fullWidth
        }
    }
}
