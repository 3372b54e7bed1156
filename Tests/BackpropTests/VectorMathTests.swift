import CBackpropKernels
import Testing
@testable import Backprop

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// VectorMath's SIMD kernels (each level this CPU runs) against the C library in Double, over
/// a dense sweep: the bounds are the ones stated in VectorMath's documentation.
@Suite struct VectorMathTests {
    /// Evenly spaced points from `lower` to `upper` (both included).
    static func sweep(_ lower: Float, _ upper: Float, count: Int) -> [Float] {
        (0..<count).map { lower + (upper - lower) * Float($0) / Float(count - 1) }
    }

    static func apply(_ function: VectorMath.ElementwiseFunction, level: SIMDLevel, _ input: [Float]) -> [Float] {
        var output = [Float](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                VectorMath.apply(function, level: level, x.baseAddress!, y.baseAddress!, count: input.count)
            }
        }
        return output
    }

    /// Largest |computed − exact| / |exact| over the inputs.
    static func worstRelativeError(_ input: [Float], _ output: [Float], exact: (Double) -> Double) -> (error: Double, at: Float) {
        var worst = (error: 0.0, at: Float.nan)
        for (x, y) in zip(input, output) {
            let reference = exact(Double(x))
            let error = abs(Double(y) - reference) / abs(reference)
            if !(error <= worst.error) { worst = (error.isNaN ? .infinity : error, x) }
        }
        return worst
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + libmExp(-x)) }

    @Test(arguments: SIMDLevel.available)
    func expWithinTwoTenMillionthsRelative(level: SIMDLevel) {
        let input = Self.sweep(-87, 88, count: 200_001)
        let worst = Self.worstRelativeError(input, Self.apply(.exp, level: level, input), exact: libmExp)
        #expect(worst.error <= 2e-7, "\(level.name): exp relative error \(worst.error) at \(worst.at)")
    }

    @Test(arguments: SIMDLevel.available)
    func sigmoidWithinFourTenMillionthsRelative(level: SIMDLevel) {
        let input = Self.sweep(-87, 30, count: 200_001) + Self.sweep(-2, 2, count: 40_001)
        let worst = Self.worstRelativeError(input, Self.apply(.sigmoid, level: level, input), exact: Self.sigmoid)
        #expect(worst.error <= 4e-7, "\(level.name): sigmoid relative error \(worst.error) at \(worst.at)")
    }

    @Test(arguments: SIMDLevel.available)
    func tanhWithinFourTenMillionthsRelative(level: SIMDLevel) {
        // Dense near the switch between the polynomial and the exp form (|x| = 0.625), and
        // tiny inputs where 1 − e^{−2|x|} would cancel.
        let input = Self.sweep(-12, 12, count: 200_001) + Self.sweep(-1, 1, count: 40_001)
            + [1e-30, -1e-20, 1e-8, -3e-5, 0.624_999_9, 0.625, 0.625_000_1]
        let worst = Self.worstRelativeError(
            input.filter { $0 != 0 }, Self.apply(.tanh, level: level, input.filter { $0 != 0 }),
            exact: libmTanh)
        #expect(worst.error <= 4e-7, "\(level.name): tanh relative error \(worst.error) at \(worst.at)")
    }

    @Test(arguments: SIMDLevel.available)
    func saturationAndNaN(level: SIMDLevel) {
        let input: [Float] = [.infinity, -.infinity, 88.8, 200, -104, -120, -1000, .nan, 0, -0.0]
        let exp = Self.apply(.exp, level: level, input)
        #expect(exp[0] == .infinity && exp[2] == .infinity && exp[3] == .infinity)
        #expect(exp[1] == 0 && exp[5] == 0 && exp[6] == 0)
        #expect(exp[4] >= 0 && exp[4] <= Float.leastNonzeroMagnitude)  // e^−104 ≈ 6.8e−46: underflows to 0
        #expect(exp[7].isNaN)
        #expect(exp[8] == 1 && exp[9] == 1)

        let sigmoid = Self.apply(.sigmoid, level: level, input)
        #expect(sigmoid[0] == 1 && sigmoid[3] == 1 && sigmoid[2] == 1)
        #expect(sigmoid[1] == 0 && sigmoid[5] == 0 && sigmoid[6] == 0)
        #expect(sigmoid[7].isNaN)
        #expect(sigmoid[8] == 0.5)
        #expect(Self.apply(.sigmoid, level: level, [17.5, -17.5, -90]) .elementsEqual(
            [1, Float(Self.sigmoid(-17.5)), Float(Self.sigmoid(-90))],
            by: { abs($0 - $1) <= 4e-7 * abs($1) }))

        let tanh = Self.apply(.tanh, level: level, input)
        #expect(tanh[0] == 1 && tanh[1] == -1 && tanh[3] == 1 && tanh[5] == -1)
        #expect(tanh[7].isNaN)
        #expect(tanh[8] == 0 && tanh[9] == 0 && tanh[9].sign == .minus)
        #expect(Self.apply(.tanh, level: level, [9.5, -9.5]) == [1, -1])
    }

    /// Element i's value does not depend on the count (vector tails) or on working in place.
    @Test(arguments: SIMDLevel.available)
    func tailsAndInPlaceMatchFullVectors(level: SIMDLevel) {
        let input = Self.sweep(-5, 5, count: 37)
        for function in VectorMath.ElementwiseFunction.allCases {
            let full = Self.apply(function, level: level, input)
            for count in 1...input.count {
                let part = Self.apply(function, level: level, Array(input[0..<count]))
                #expect(part == Array(full[0..<count]), "\(function) count \(count)")
            }
            var inPlace = input
            inPlace.withUnsafeMutableBufferPointer { buffer in
                VectorMath.apply(function, level: level, buffer.baseAddress!, buffer.baseAddress!, count: buffer.count)
            }
            #expect(inPlace == full, "\(function) in place")
        }
    }

    @Test func publicFunctionsUseTheDetectedKernels() {
        let input: [Float] = [-3, -0.5, 0, 0.25, 4]
        var output = [Float](repeating: 0, count: input.count)
        VectorMath.sigmoid(input, &output, count: input.count)
        #expect(output == Self.apply(.sigmoid, level: .detected, input))
        VectorMath.tanh(input, &output, count: input.count)
        #expect(output == Self.apply(.tanh, level: .detected, input))
        VectorMath.exp(input, &output, count: input.count)
        #expect(output == Self.apply(.exp, level: .detected, input))
    }

    /// The C kernels of the activations' backward passes (and ReLU's forward) compute
    /// `Activation`'s scalar rule bit for bit, at every instruction-set level, over values that
    /// include the kink, ±0, NaN, ±∞ and lengths that end mid-vector.
    @Test(arguments: SIMDLevel.available)
    func activationKernelsFollowTheScalarRule(level: SIMDLevel) {
        var generator = SeededGenerator(seed: 5)
        let special: [Float] = [0, -0.0, 1, -1, .nan, .infinity, -.infinity, 0.5, Float.leastNonzeroMagnitude]
        let count = 203
        let z = special + (special.count..<count).map { _ in Float(generator.nextNormal() * 3) }
        let a = z.map { Activation.sigmoid.value($0) }
        let dA = (0..<count).map { _ in Float(generator.nextNormal()) }
        var out = [Float](repeating: 7, count: count)
        let level = Int32(level.rawValue)
        func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

        bp_relu_forward(z, &out, count, level)
        #expect(bits(out) == bits(z.map { Activation.relu.value($0) }), "ReLU forward")
        bp_relu_backward(z, dA, &out, count, level)
        #expect(bits(out) == bits((0..<count).map { Activation.relu.inputGradient(z: z[$0], a: 0, outputGradient: dA[$0]) }), "ReLU backward")
        bp_sigmoid_backward(a, dA, &out, count, level)
        #expect(bits(out) == bits((0..<count).map { Activation.sigmoid.inputGradient(z: 0, a: a[$0], outputGradient: dA[$0]) }), "sigmoid backward")
        let t = z.map { Activation.tanh.value($0) }
        bp_tanh_backward(t, dA, &out, count, level)
        #expect(bits(out) == bits((0..<count).map { Activation.tanh.inputGradient(z: 0, a: t[$0], outputGradient: dA[$0]) }), "tanh backward")
    }

    /// The `Double` layers compute the scalar rules exactly.
    @Test(arguments: Activation.allCases)
    func doubleLayersFollowTheScalarRule(activation: Activation) {
        let z = Matrix<Double>([[-2, -0.0, 0, 0.5, 3, .nan]])
        let layer = activation.makeLayer(Double.self)
        var a = Matrix<Double>(rows: 1, columns: 6)
        layer.forward(z, into: &a)
        #expect(a.storage.map(\.bitPattern) == z.storage.map { activation.value($0).bitPattern })
        let dA = Matrix<Double>([[1, 2, 3, 4, 5, 6]])
        var dZ = Matrix<Double>(rows: 1, columns: 6)
        layer.backward(input: z, output: a, outputGradient: dA, inputGradient: &dZ, computeInputGradient: true)
        let expected = (0..<6).map { activation.inputGradient(z: z.storage[$0], a: a.storage[$0], outputGradient: dA.storage[$0]) }
        #expect(dZ.storage.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func doubleVersionsFollowTheCLibrary() {
        let x: [Double] = [-3, -0.5, 0, 0.25, 4]
        var y = [Double](repeating: 0, count: x.count)
        VectorMath.exp(x, &y, count: x.count)
        #expect(y == x.map(libmExp))
        VectorMath.sigmoid(x, &y, count: x.count)
        #expect(y == x.map(Self.sigmoid))
        VectorMath.tanh(x, &y, count: x.count)
        #expect(y == x.map(libmTanh))
    }
}

private func libmExp(_ x: Double) -> Double { exp(x) }
private func libmTanh(_ x: Double) -> Double { tanh(x) }
