import CBackpropKernels
import Testing
@testable import Backprop

/// The C kernels behind the Float activation derivatives, ReLU, the bias broadcast and BP3's
/// column sums give bitwise the results of the rules the layers write in Swift, at every SIMD
/// level this CPU runs, on vector bodies and tails, with NaN, ±∞, ±0 and subnormals mixed in.
@Suite struct ElementwiseKernelTests {
    static let count = 77  // 4 full 16-lane vectors and a 13-value tail

    static func values(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var values = (0..<count).map { _ in Float(generator.nextNormal()) }
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -Float.leastNormalMagnitude / 2, 1, -1]
        for (offset, special) in specials.enumerated() { values[offset * 8 + Int(seed % 5)] = special }
        return values
    }

    static func expectSameBits(_ actual: [Float], _ expected: [Float], _ label: String) {
        #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), "\(label)")
    }

    @Test(arguments: SIMDLevel.available)
    func activationKernelsMatchTheSwiftRules(level: SIMDLevel) {
        let z = Self.values(seed: 1), dA = Self.values(seed: 2)
        let a = z.map { 1 / (1 + Float.exp(-$0)) }
        let cLevel = Int32(level.rawValue)
        var out = [Float](repeating: 0, count: Self.count)

        bp_relu_forward(z, &out, Self.count, cLevel)
        Self.expectSameBits(out, z.map { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) }, "relu \(level.name)")
        bp_relu_backward(z, dA, &out, Self.count, cLevel)
        Self.expectSameBits(out, zip(z, dA).map { $0 > 0 ? $1 : 0 }, "relu′ \(level.name)")
        bp_sigmoid_backward(a, dA, &out, Self.count, cLevel)
        Self.expectSameBits(out, zip(a, dA).map { $1 * $0 * (1 - $0) }, "σ′ \(level.name)")
        bp_tanh_backward(a, dA, &out, Self.count, cLevel)
        Self.expectSameBits(out, zip(a, dA).map { $1 * (1 - $0 * $0) }, "tanh′ \(level.name)")
    }

    @Test(arguments: SIMDLevel.available)
    func biasAndColumnSumKernelsMatchTheSwiftRules(level: SIMDLevel) {
        let (rows, columns) = (7, 11)  // odd widths: every row has a tail
        let x = Array(Self.values(seed: 3).prefix(rows * columns))
        let row = Array(Self.values(seed: 4).prefix(columns))
        let cLevel = Int32(level.rawValue)

        var sum = x
        bp_add_row_vector(&sum, rows, columns, row, cLevel)
        Self.expectSameBits(sum, x.indices.map { x[$0] + row[$0 % columns] }, "bias \(level.name)")

        var sums = [Float](repeating: .nan, count: columns)
        bp_sum_columns(x, rows, columns, &sums, cLevel)
        let expected = (0..<columns).map { c in (0..<rows).reduce(Float(0)) { $0 + x[$1 * columns + c] } }
        Self.expectSameBits(sums, expected, "column sums \(level.name)")
    }

    /// Large arrays are split between two threads; every element comes out bitwise as on one.
    @Test func twoThreadSplitsAreBitwiseEqualToOne() {
        let count = ElementwiseJob.parallelThreshold + 1_001
        var generator = SeededGenerator(seed: 9)
        let z = (0..<count).map { _ in Float(generator.nextNormal() * 4) }
        let dA = (0..<count).map { _ in Float(generator.nextNormal()) }
        let level = Int32(SIMDLevel.detected.rawValue)
        func outputs(threads: Int) -> [[Float]] {
            let saved = Backend.current.threads
            Backend.current.threads = threads
            defer { Backend.current.threads = saved }
            var sigmoid = [Float](repeating: 0, count: count), relu = sigmoid, gradient = sigmoid
            ElementwiseJob.run(bp_vsigmoid, z, &sigmoid, count: count, level: level)
            ElementwiseJob.run(bp_relu_forward, z, &relu, count: count, level: level)
            ElementwiseJob.run(bp_sigmoid_backward, sigmoid, dA, &gradient, count: count, level: level)
            return [sigmoid, relu, gradient]
        }
        let one = outputs(threads: 1), two = outputs(threads: 2)
        for (a, b) in zip(one, two) { Self.expectSameBits(b, a, "1 vs 2 threads") }
        var expected = [Float](repeating: 0, count: count)
        bp_vsigmoid(z, &expected, count, level)
        Self.expectSameBits(one[0], expected, "split vs one call")
    }
}
