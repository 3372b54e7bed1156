import Testing
@testable import Backprop

@Suite struct RandomTests {
    /// Same seed, same stream; another seed, another stream.
    @Test func streamIsFixedBySeed() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        var c = SeededGenerator(seed: 43)
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func portableLogMatchesLibm() {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<10_000 {
            let x = generator.nextUnitDouble() + 1e-300
            #expect(abs(portableLog(x) - Double.log(x)) <= 4 * Double.ulpOfOne * max(1, abs(Double.log(x))))
        }
        #expect(portableLog(1) == 0)
    }

    @Test func normalDrawsHaveUnitMomentsAndIndicesAreUniform() {
        var generator = SeededGenerator(seed: 7)
        let draws = (0..<200_000).map { _ in generator.nextNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.015)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[generator.nextIndex(below: 3)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }

    @Test func sameSeedSameNetworkAndShuffle() throws {
        let a = try Network<Float>(sizes: [4, 8, 3], activation: .relu, loss: .softmaxCrossEntropy, initializer: .he, seed: 5)
        let b = try Network<Float>(sizes: [4, 8, 3], activation: .relu, loss: .softmaxCrossEntropy, initializer: .he, seed: 5)
        let c = try Network<Float>(sizes: [4, 8, 3], activation: .relu, loss: .softmaxCrossEntropy, initializer: .he, seed: 6)
        #expect(a.parameters.map(\.parameter.value) == b.parameters.map(\.parameter.value))
        #expect(a.parameters.map(\.parameter.value) != c.parameters.map(\.parameter.value))
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        var s1 = Array(0..<100), s2 = Array(0..<100)
        g1.shuffle(&s1)
        g2.shuffle(&s2)
        #expect(s1 == s2 && s1 != Array(0..<100) && s1.sorted() == Array(0..<100))
    }

    /// Initializer scales: He N(0, 2/fan_in), LeCun N(0, 1/fan_in), Glorot U(±√(6/(in+out))).
    @Test(arguments: [Initializer.he, .lecun, .glorot])
    func initializerVariance(_ initializer: Initializer) {
        let layer = Dense<Double>(inputSize: 200, outputSize: 100)
        var generator = SeededGenerator(seed: 1)
        initializer.initialize(layer, using: &generator)
        let w = layer.weight.value.storage
        let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
        let expected: Double = switch initializer {
        case .he: 2.0 / 200
        case .lecun: 1.0 / 200
        default: (6.0 / 300) / 3  // variance of U(−a, a) is a²/3
        }
        #expect(abs(variance / expected - 1) < 0.05)
        #expect(layer.bias!.value.storage.allSatisfy { $0 == 0 })
        if initializer == .glorot { #expect(w.allSatisfy { abs($0) <= (6.0 / 300).squareRoot() }) }
    }
}
