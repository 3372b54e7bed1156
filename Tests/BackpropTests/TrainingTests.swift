import Testing
@testable import Backprop

@Suite struct TrainingTests {
    /// XOR needs the hidden layer: a 2-4-2 tanh network solves it.
    @Test func solvesXOR() throws {
        let network = try Network<Float>(sizes: [2, 8, 2], activation: .tanh, loss: .softmaxCrossEntropy, seed: 1)
        let data: Dataset<Float> = SyntheticData.xor.generate(count: 200, seed: 2)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.5),
                              configuration: TrainingConfiguration(batchSize: 20, seed: 3))
        let first = try trainer.trainEpoch(on: data)
        for _ in 0..<60 { _ = try trainer.trainEpoch(on: data) }
        let result = try network.evaluate(data)
        #expect(result.loss < first.trainLoss / 4)
        #expect(try #require(result.accuracy) >= 0.97)
    }

    /// Every built-in set is learnable by a small network (each class well above chance).
    @Test(arguments: SyntheticData.allCases)
    func builtInSetsAreLearnable(_ set: SyntheticData) throws {
        let network = try Network<Float>(sizes: [2, 32, 32, set.classCount], activation: .tanh, loss: .softmaxCrossEntropy, seed: 1)
        let data: Dataset<Float> = set.generate(count: 300, seed: 0)
        let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01),
                              configuration: TrainingConfiguration(batchSize: 32, seed: 0))
        for _ in 0..<80 { _ = try trainer.trainEpoch(on: data) }
        #expect(try #require(network.evaluate(data).accuracy) > 0.9)
    }

    /// Seed 002's network at α = 100 explodes; training stops with the epoch and step and
    /// leaves finite parameters.
    @Test func divergenceStopsWithAClearError() throws {
        let network = try Seed002Tests.network(Float.self)
        let data = Dataset(inputs: Seed002Tests.input(Float.self), targets: Seed002Tests.target(Float.self))
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 100),
                              configuration: TrainingConfiguration(batchSize: 1, shuffle: false))
        var caught: TrainingError?
        for _ in 0..<1000 {
            do { _ = try trainer.trainEpoch(on: data) } catch let error as TrainingError { caught = error; break }
        }
        let error = try #require(caught)
        guard case .diverged(let epoch, let step, _, _) = error else { Issue.record("\(error)"); return }
        #expect(epoch >= 1 && step >= 1)
        #expect(error.description.contains("epoch \(epoch), step \(step)"))
        #expect(network.parameters.allSatisfy { $0.parameter.value.storage.allSatisfy(\.isFinite) })
    }

    /// The finite check behind divergence detection finds a single NaN, +∞ or −∞ at any
    /// position (vector body, tail) and passes the largest finite values and subnormals.
    @Test func finiteCheckFindsEveryNonFiniteValue() {
        let count = 141  // two 64-value vector blocks and a 13-value tail
        var values = (0..<count).map { Float($0) - 70 }
        values[3] = .greatestFiniteMagnitude
        values[4] = -.greatestFiniteMagnitude
        values[5] = .leastNonzeroMagnitude
        #expect(Trainer<Float>.allFinite(values))
        for position in [0, 63, 64, 127, 128, 140] {
            for bad in [Float.nan, .infinity, -.infinity, Float(bitPattern: 0x7FC0_1234)] {
                var copy = values
                copy[position] = bad
                #expect(!Trainer<Float>.allFinite(copy), "\(bad) at \(position)")
                #expect(!Trainer<Double>.allFinite(copy.map(Double.init)), "\(bad) at \(position)")
            }
        }
        #expect(Trainer<Float>.allFinite([]))

        // Large arrays are checked in two shares on two threads: a NaN in either is found.
        let saved = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = saved }
        let large = [Float](repeating: 1, count: FiniteCheckJob.parallelRange.lowerBound + 999)
        #expect(Trainer<Float>.allFinite(large))
        for position in [0, large.count / 2 - 1, large.count / 2 + 64, large.count - 1] {
            var copy = large
            copy[position] = .nan
            #expect(!Trainer<Float>.allFinite(copy), "NaN at \(position)")
        }
    }

    /// Same seed, same flags: bitwise identical parameters and losses.
    @Test func trainingIsBitReproducible() throws {
        func run() throws -> ([Matrix<Float>], [Double]) {
            let network = try Network<Float>(sizes: [2, 16, 3], activation: .relu, loss: .softmaxCrossEntropy, initializer: .he, seed: 8)
            let data: Dataset<Float> = SyntheticData.spiral.generate(count: 150, seed: 8)
            let trainer = Trainer(network: network, optimizer: Adam(learningRate: 0.01),
                                  configuration: TrainingConfiguration(batchSize: 16, seed: 8))
            let losses = try (0..<5).map { _ in try trainer.trainEpoch(on: data).trainLoss }
            return (network.parameters.map(\.parameter.value), losses)
        }
        let (a, la) = try run()
        let (b, lb) = try run()
        #expect(a == b)
        #expect(la == lb)
    }

    /// 1 and 2 threads give bitwise the same training: products split rows, never k.
    /// Big enough products (784-64-10, batch 256) that the second thread is really used.
    /// In both subnormal modes: flushed (the default) and IEEE 754.
    @Test(arguments: [true, false]) func trainingIsIdenticalOnOneAndTwoThreads(flushesSubnormals: Bool) throws {
        var generator = SeededGenerator(seed: 3)
        let inputs = Matrix<Float>(rows: 512, columns: 784, elements: (0..<512 * 784).map { _ in Float(generator.nextUnitDouble()) })
        let targets = Matrix<Float>(rows: 512, columns: 1, elements: (0..<512).map { _ in Float(generator.nextIndex(below: 10)) })
        let data = Dataset(inputs: inputs, targets: targets)
        func run(threads: Int) throws -> [Matrix<Float>] {
            let saved = Backend.current.threads
            Backend.current.threads = threads
            defer { Backend.current.threads = saved }
            let network = try Network<Float>(sizes: [784, 64, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, seed: 4)
            let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1, momentum: 0.9),
                                  configuration: TrainingConfiguration(batchSize: 256, seed: 5, flushesSubnormals: flushesSubnormals))
            for _ in 0..<2 { _ = try trainer.trainEpoch(on: data) }
            return network.parameters.map(\.parameter.value)
        }
        #expect(try run(threads: 1) == run(threads: 2))
    }

    @Test func l2PenaltyAddsTwoLambdaW() throws {
        let network = try Seed002Tests.network()
        let data = Dataset(inputs: Seed002Tests.input(), targets: Seed002Tests.target())
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0),
                              configuration: TrainingConfiguration(batchSize: 1, shuffle: false, l2: 0.5))
        _ = try trainer.trainEpoch(on: data)
        // ∂/∂w⁽²⁾₁₁ = −1.787775 + 2·0.5·0.2; the bias is not penalized.
        #expect(abs(network.parameter(named: "2.weight")!.gradient[0, 0] - (-1.787775 + 0.2)) < 1e-12)
        #expect(abs(network.parameter(named: "2.bias")!.gradient[0, 0] - -0.985) < 1e-12)
    }

    /// `Network.layerDescription`'s doc example.
    @Test func layerDescriptionJoinsPyTorchNames() throws {
        let network = try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy)
        #expect(network.layerDescription == "Linear(2, 3) → ReLU() → Linear(3, 1)")
    }
}
