import Testing
@testable import Backprop

/// `NativeGEMM.packPanels` (`bp_pack_panels` at every level this CPU runs) against a plain
/// loop written from its definition: panel q of width w holds, at q·W·depth + p·w + x, the
/// element at across-index q·W + x and depth p, zero past `across`; w = W except that, with
/// `allowHalfPanel`, a last panel holding at most W/2 values is W/2 wide. Packing is a copy, so
/// the check is bitwise, and a guard region after the packed block must stay untouched.
@Suite struct PanelPackingTests {
    /// Element strides of one source layout: contiguous along the panels (op(B) of N·N),
    /// contiguous along depth (X into MR-row panels, W into NR-wide panels for X·Wᵀ), neither.
    enum Layout: CaseIterable, CustomStringConvertible {
        case contiguousAcross, contiguousDepth, general

        /// (acrossStride, depthStride), with padding so that rows do not abut.
        func strides(across: Int, depth: Int) -> (across: Int, depth: Int) {
            switch self {
            case .contiguousAcross: (1, across + 3)
            case .contiguousDepth: (depth + 5, 1)
            case .general: (3, 3 * across + 2)
            }
        }

        var description: String {
            switch self {
            case .contiguousAcross: "acrossStride 1"
            case .contiguousDepth: "depthStride 1"
            case .general: "general strides"
            }
        }
    }

    static let panelWidths = [4, 6, 8, 16, 32]
    /// Every remainder for W ≤ 16, and for W = 32: one short panel, exactly half (16, 48), just
    /// over half (17, 49), full (32, 64) and one past (33, 65).
    static let acrossCounts = Array(1...18) + [24, 31, 32, 33, 40, 47, 48, 49, 63, 64, 65, 70]
    static let depths = [1, 2, 7, 16, 17, 262]
    /// Floats after the packed block that must keep their bit pattern.
    static let guardCount = 64
    static let sentinel = Float(bitPattern: 0x7FC0_BEEF)

    /// Distinct, exactly representable values of both signs, with −0 first (so a zero fill
    /// written in its place would show as a bit difference).
    static func source(count: Int) -> [Float] {
        (0..<count).map { (index: Int) -> Float in
            let magnitude = Float(index)
            return index % 2 == 0 ? -magnitude : magnitude
        }
    }

    /// The packed block by definition, followed by the guard region.
    static func reference(
        _ source: [Float], acrossStride: Int, depthStride: Int, across: Int, depth: Int,
        panelWidth: Int, allowHalfPanel: Bool
    ) -> [Float] {
        var packed: [Float] = []
        var x0 = 0
        while x0 < across {
            let count = min(panelWidth, across - x0)
            let width = allowHalfPanel && 2 * count <= panelWidth ? panelWidth / 2 : panelWidth
            for p in 0..<depth {
                for x in 0..<width {
                    packed.append(x < count ? source[(x0 + x) * acrossStride + p * depthStride] : 0)
                }
            }
            x0 += panelWidth
        }
        return packed + [Float](repeating: sentinel, count: guardCount)
    }

    static func packed(
        _ source: [Float], acrossStride: Int, depthStride: Int, across: Int, depth: Int,
        panelWidth: Int, allowHalfPanel: Bool, level: SIMDLevel, count: Int
    ) -> [Float] {
        var target = [Float](repeating: sentinel, count: count)
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                NativeGEMM.packPanels(
                    source: source.baseAddress!, acrossStride: acrossStride, depthStride: depthStride,
                    across: across, depth: depth, panelWidth: panelWidth,
                    allowHalfPanel: allowHalfPanel, into: target.baseAddress!, level: level)
            }
        }
        return target
    }

    @Test(arguments: SIMDLevel.available, Layout.allCases)
    func packingMatchesDefinitionBitwise(level: SIMDLevel, layout: Layout) {
        var failures = 0
        for panelWidth in Self.panelWidths {
            for across in Self.acrossCounts {
                for depth in Self.depths {
                    let strides = layout.strides(across: across, depth: depth)
                    let source = Self.source(count: (across - 1) * strides.across + (depth - 1) * strides.depth + 1)
                    for allowHalfPanel in [false, true] {
                        let expected = Self.reference(
                            source, acrossStride: strides.across, depthStride: strides.depth,
                            across: across, depth: depth, panelWidth: panelWidth,
                            allowHalfPanel: allowHalfPanel)
                        let actual = Self.packed(
                            source, acrossStride: strides.across, depthStride: strides.depth,
                            across: across, depth: depth, panelWidth: panelWidth,
                            allowHalfPanel: allowHalfPanel, level: level, count: expected.count)
                        let equal = expected.map(\.bitPattern) == actual.map(\.bitPattern)
                        // One message per failing case, at most ten per layout and level.
                        if !equal && failures < 10 {
                            failures += 1
                            let index = expected.indices.first { expected[$0].bitPattern != actual[$0].bitPattern }!
                            Issue.record(
                                """
                                \(level.name) \(layout) W=\(panelWidth) across=\(across) depth=\(depth) \
                                half=\(allowHalfPanel): index \(index) is \(actual[index]), expected \(expected[index])
                                """)
                        }
                    }
                }
            }
        }
    }
}
