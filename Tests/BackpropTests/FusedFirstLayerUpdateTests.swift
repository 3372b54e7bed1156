import CBackpropKernels
import Testing
@testable import Backprop

/// Plain SGD fused into the first layer's BP4 product (`FusedFirstLayerUpdate`): the same
/// weights bit for bit as the two-pass update, on 1 and 2 threads, and the divergence
/// guarantee kept when the gradient cannot be proved finite.
@Suite struct FusedFirstLayerUpdateTests {
    /// Random inputs in [0, 1) and class labels. 784-30-10 with batches of 10 are the `online`
    /// benchmark's shapes (2·30·784·10 = 470 kFLOP per product, enough for the small-batch
    /// product to split W's rows between 2 threads).
    static func data(rows: Int, inputs: Int = 784, classes: Int = 10) -> Dataset<Float> {
        var generator = SeededGenerator(seed: 11)
        let values = Matrix<Float>(rows: rows, columns: inputs, elements: (0..<rows * inputs).map { _ in Float(generator.nextUnitDouble()) })
        let targets = Matrix<Float>(rows: rows, columns: 1, elements: (0..<rows).map { _ in Float(generator.nextIndex(below: classes)) })
        return Dataset(inputs: values, targets: targets)
    }

    static func train(
        _ data: Dataset<Float>, fused: Bool, threads: Int, sizes: [Int] = [784, 30, 10], batchSize: Int = 10, epochs: Int = 2
    ) throws -> (parameters: [Matrix<Float>], firstWeightGradient: Matrix<Float>, losses: [Double]) {
        let saved = Backend.current.threads
        Backend.current.threads = threads
        defer { Backend.current.threads = saved }
        let network = try Network<Float>(sizes: sizes, activation: .sigmoid, loss: .softmaxCrossEntropy, initializer: .normal, seed: 4)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 3),
                              configuration: TrainingConfiguration(batchSize: batchSize, seed: 5))
        if !fused { trainer.step = ReferenceStep(network: trainer.network) }
        let losses = try (0..<epochs).map { _ in try trainer.trainEpoch(on: data).trainLoss }
        return (network.parameters.map(\.parameter.value), network.parameters[0].parameter.gradient, losses)
    }

    /// Fused and two-pass training end bit-identical on 1 and 2 threads, through every path
    /// ∂W₁ = δᵀ·X can take: batches of 10 (small-batch register tiles), 64 (packed panels,
    /// one k slice), 16 hidden units with batches of 32 (the skinny kernel on the transposed
    /// product), 10 inputs (the skinny kernel on few columns) and a single dense layer with
    /// batches of 500 (few rows, any k). That the fused step really ran is visible in the
    /// first weight's gradient, which it never stores.
    @Test(arguments: [
        ([784, 30, 10], 10, 1), ([784, 30, 10], 10, 2), ([784, 30, 10], 64, 1), ([784, 30, 10], 64, 2),
        ([784, 16, 10], 32, 1), ([784, 16, 10], 32, 2), ([10, 20, 3], 32, 1), ([784, 10], 500, 1), ([784, 10], 500, 2),
    ])
    func fusedTrainingEqualsTwoPassTrainingBitForBit(sizes: [Int], batchSize: Int, threads: Int) throws {
        let data = Self.data(rows: 1000, inputs: sizes[0], classes: sizes[sizes.count - 1])
        let twoPass = try Self.train(data, fused: false, threads: 1, sizes: sizes, batchSize: batchSize)
        let fused = try Self.train(data, fused: true, threads: threads, sizes: sizes, batchSize: batchSize)
        #expect(fused.parameters == twoPass.parameters)
        #expect(fused.losses == twoPass.losses)
        #expect(fused.firstWeightGradient.storage.allSatisfy { $0 == 0 }, "the fused step did not run")
        #expect(twoPass.firstWeightGradient.storage.contains { $0 != 0 })
    }

    /// A schedule changes α between epochs (here halving it each epoch); the fused step reads
    /// the rate the optimizer holds at every step, so the runs stay bit-identical.
    @Test func aLearningRateScheduleIsFollowedBitForBit() throws {
        let data = Self.data(rows: 200)
        func run(fused: Bool) throws -> ([Matrix<Float>], [Double]) {
            let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, initializer: .normal, seed: 4)
            let trainer = Trainer(
                network: network, optimizer: SGD(learningRate: 3), configuration: TrainingConfiguration(batchSize: 10, seed: 5),
                scheduler: LearningRateScheduler(schedule: .step(stepSize: 1, gamma: 0.5), baseLearningRate: 3))
            if !fused { trainer.step = ReferenceStep(network: trainer.network) }
            let rates = try (0..<3).map { _ in try trainer.trainEpoch(on: data).learningRate }
            #expect(rates == [3, 1.5, 0.75])
            return (network.parameters.map(\.parameter.value), rates)
        }
        #expect(try run(fused: true).0 == run(fused: false).0)
    }

    /// One run can mix both updates: batches of 400 rows (k past one KC slice) take the
    /// two-pass update, the last batch of one row the fused one; the results stay identical.
    @Test func twoPassAndFusedStepsMixInOneRun() throws {
        let data = Self.data(rows: 801)
        let twoPass = try Self.train(data, fused: false, threads: 1, batchSize: 400, epochs: 1)
        let fused = try Self.train(data, fused: true, threads: 1, batchSize: 400, epochs: 1)
        #expect(fused.parameters == twoPass.parameters)
        #expect(fused.losses == twoPass.losses)
        // The fused run's stored gradient is the second batch's, the two-pass run's the last one's.
        #expect(fused.firstWeightGradient.storage.contains { $0 != 0 }, "the 400-row batches store their gradient")
        #expect(fused.firstWeightGradient != twoPass.firstWeightGradient, "the last step was not fused")
    }

    /// Only plain SGD on the native backend without an L2 penalty is fused.
    @Test func fusesOnlyPlainSGD() throws {
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy)
        let plan = try #require(FusedFirstLayerUpdate(network: network))
        let plain = TrainingConfiguration(batchSize: 10)
        #expect(plan.learningRate(rows: 10, optimizer: SGD(learningRate: 3), configuration: plain) == 3)
        #expect(plan.learningRate(rows: 10, optimizer: SGD(learningRate: 3, momentum: 0.9), configuration: plain) == nil)
        #expect(plan.learningRate(rows: 10, optimizer: SGD(learningRate: 3, weightDecay: 1e-4), configuration: plain) == nil)
        #expect(plan.learningRate(rows: 10, optimizer: Adam(learningRate: 1e-3), configuration: plain) == nil)
        #expect(plan.learningRate(rows: 10, optimizer: SGD(learningRate: 3), configuration: TrainingConfiguration(batchSize: 10, l2: 1e-4)) == nil)
        #expect(plan.learningRate(rows: 200, optimizer: SGD(learningRate: 3), configuration: plain) == 3)
        // 1000 rows: k is cut into slices, summed into C one after another.
        #expect(plan.learningRate(rows: 1000, optimizer: SGD(learningRate: 3), configuration: plain) == nil)
        #expect(plan.learningRate(rows: 10, optimizer: SGD(learningRate: 0), configuration: plain) == nil)
        #expect(FusedFirstLayerUpdate(network: try Network<Double>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy)) == nil)
        // Seed 001's network takes the fused small-network step instead.
        #expect(StepPlanner.plan(for: try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy)) is SmallNetworkStep<Float>)
    }

    /// Trains `network` with SGD (α = 0.1) in one batch of all of `data`, on a step the trainer
    /// would fuse, and expects it to stop at step 1 with a finite loss and a location naming
    /// `parameter`.
    @discardableResult
    static func expectFirstStepToStop(_ network: Network<Float>, on data: Dataset<Float>, naming parameter: String) -> Trainer<Float> {
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1),
                              configuration: TrainingConfiguration(batchSize: data.count, shuffle: false))
        #expect(FusedFirstLayerUpdate(network: trainer.network)?.learningRate(rows: data.count, optimizer: trainer.optimizer, configuration: trainer.configuration) == 0.1)
        do {
            _ = try trainer.trainEpoch(on: data)
            Issue.record("training did not stop")
        } catch let TrainingError.diverged(_, step, loss, location) {
            #expect(step == 1)
            #expect(loss.isFinite)
            #expect(location?.contains(parameter) == true, "\(location ?? "no location")")
        } catch {
            Issue.record("unexpected error: \(error)")
        }
        return trainer
    }

    /// An input of 3·10³⁸ (finite) in a column whose weights are zero leaves the forward pass
    /// and the loss finite, but its weight gradient overflows. The bound cannot prove the
    /// product finite, so the step computes and checks the gradient: training stops naming
    /// `0.weight`, and no parameter has changed.
    @Test func unprovableGradientFallsBackAndStopsWithWeightsUntouched() throws {
        var data = Self.data(rows: 10)
        for row in 0..<10 { data.inputs[row, 0] = 3e38 }
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .relu, loss: .softmaxCrossEntropy, initializer: .normal, seed: 4)
        let firstWeight = try #require(network.parameter(named: "0.weight"))
        for row in 0..<30 { firstWeight.value[row, 0] = 0 }
        let secondWeight = try #require(network.parameter(named: "2.weight"))
        for index in secondWeight.value.storage.indices { secondWeight.value.storage[index] *= 1000 }
        let before = network.parameters.map(\.parameter.value)
        #expect(try network.evaluate(data).loss.isFinite)

        Self.expectFirstStepToStop(network, on: data, naming: "0.weight")
        #expect(network.parameters.map(\.parameter.value) == before)
        // The fallback computed and stored G (it holds the overflow); a fused step never stores it.
        #expect(firstWeight.gradient.storage.contains { !$0.isFinite })
    }

    /// The bound proves G₁ finite, but the second layer's gradient overflows: hidden ReLU
    /// outputs near 10³², output weights of 10⁻²⁰, squared-error loss (finite in Double).
    /// The step is checked before either update: training stops naming `2.weight`, with every
    /// parameter, the first layer's included, untouched.
    @Test func aLaterGradientOverflowStopsTheFusedStepBeforeAnyUpdate() throws {
        let rows = 10
        var generator = SeededGenerator(seed: 3)
        let inputs = Matrix<Float>(rows: rows, columns: 784, elements: (0..<rows * 784).map { _ in Float(generator.nextUnitDouble()) })
        let targets = Matrix<Float>(rows: rows, columns: 10, elements: (0..<rows * 10).map { _ in Float(generator.nextUnitDouble()) })
        let data = Dataset(inputs: inputs, targets: targets)
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .relu, loss: .meanSquaredError, initializer: .normal, seed: 4)
        let firstWeight = try #require(network.parameter(named: "0.weight"))
        for index in firstWeight.value.storage.indices { firstWeight.value.storage[index] = 1e30 }
        let secondWeight = try #require(network.parameter(named: "2.weight"))
        for index in secondWeight.value.storage.indices { secondWeight.value.storage[index] = 1e-20 }
        let before = network.parameters.map(\.parameter.value)

        let trainer = Self.expectFirstStepToStop(network, on: data, naming: "2.weight")
        // δ⁽¹⁾ and X of that step: the bound held, so the first layer's update was to be fused.
        #expect(FusedFirstLayerUpdate<Float>.productIsFinite(trainer.workspace.gradients[0], trainer.workspace.input))
        #expect(network.parameters.map(\.parameter.value) == before)
    }

    /// A first-layer weight shared with a later layer is never fused: the two-pass step applies
    /// the first layer's gradient (written last) for both entries, which the fused step could
    /// not reproduce. Training gives the two-pass result either way.
    @Test func aSharedFirstWeightIsNotFused() throws {
        var generator = SeededGenerator(seed: 5)
        let shared = Dense<Float>(inputSize: 20, outputSize: 20)
        for index in shared.weight.value.storage.indices { shared.weight.value.storage[index] = Float(generator.nextNormal()) * 0.2 }
        func run(fused: Bool) throws -> [Matrix<Float>] {
            let copy = Dense<Float>(weight: shared.weight.value, bias: shared.bias!.value.storage)
            let network = try Network<Float>(inputSize: 20, layers: [copy, ReLU<Float>(), copy], loss: .meanSquaredError)
            #expect(SmallNetworkPath(network: network) == nil)
            #expect(FusedFirstLayerUpdate(network: network) == nil)
            let data = Dataset(
                inputs: Matrix(rows: 40, columns: 20, elements: (0..<800).map { Float($0 % 7) * 0.1 }),
                targets: Matrix(rows: 40, columns: 20, elements: (0..<800).map { Float($0 % 3) * 0.1 }))
            let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.01),
                                  configuration: TrainingConfiguration(batchSize: 10, seed: 2))
            if !fused { trainer.step = ReferenceStep(network: trainer.network) }
            _ = try trainer.trainEpoch(on: data)
            return network.parameters.map(\.parameter.value)
        }
        #expect(try run(fused: true) == run(fused: false))
    }

    /// The bound: n·max|δ|·max|X|·(1 + 2n·2⁻²⁴) ≤ (largest Float) / 2, and never with NaN or ±∞.
    @Test func boundProvesFinitenessOnlyWhenItHolds() {
        let small = Matrix<Float>(rows: 2, columns: 2, elements: [1, -4, 2, 0])
        #expect(FusedFirstLayerUpdate<Float>.productIsFinite(small, small))
        // 2 rows · 4 · M/16 = M/2, grown by 1 + 4·2⁻²⁴ for the roundings: just too large; M/17 fits.
        let sixteenth = Float.greatestFiniteMagnitude / 16
        #expect(!FusedFirstLayerUpdate<Float>.productIsFinite(small, Matrix(rows: 2, columns: 1, elements: [sixteenth, 1])))
        #expect(FusedFirstLayerUpdate<Float>.productIsFinite(small, Matrix(rows: 2, columns: 1, elements: [Float.greatestFiniteMagnitude / 17, 1])))
        for bad in [Float.nan, .infinity, -.infinity] {
            #expect(!FusedFirstLayerUpdate<Float>.productIsFinite(small, Matrix(rows: 2, columns: 1, elements: [0, bad])))
            #expect(!FusedFirstLayerUpdate<Float>.productIsFinite(Matrix(rows: 2, columns: 1, elements: [bad, 0]), small))
        }
    }

    /// `bp_max_magnitude` at every level this CPU runs: the exact largest |x| wherever it sits
    /// (vector body or tail), +∞ for any NaN or ±∞, 0 for no values.
    @Test(arguments: SIMDLevel.available)
    func maxMagnitudeIsExact(level: SIMDLevel) {
        let cLevel = Int32(level.rawValue)
        let count = 75  // two 32-value blocks at AVX-512, then a tail
        let values = (0..<count).map { Float($0 % 7) * 0.25 - 1 }  // |x| ≤ 1
        for position in [0, 15, 16, 31, 32, 63, 64, 74] {
            for extreme in [Float(-3.5), 3.5, .greatestFiniteMagnitude, -2] {
                var copy = values
                copy[position] = extreme
                #expect(bp_max_magnitude(copy, count, cLevel) == abs(extreme), "\(extreme) at \(position), \(level.name)")
            }
            for bad in [Float.nan, .infinity, -.infinity, Float(bitPattern: 0xFFC0_0001)] {
                var copy = values
                copy[position] = bad
                #expect(bp_max_magnitude(copy, count, cLevel) == .infinity, "\(bad) at \(position), \(level.name)")
            }
        }
        #expect(bp_max_magnitude(values, 0, cLevel) == 0)
        #expect(bp_max_magnitude([-.leastNonzeroMagnitude], 1, cLevel) == .leastNonzeroMagnitude)
    }

    /// With β = 1 the kernels store fl(C + fl(α·G)), no fused multiply-add, so that C − α·G
    /// rounds like the SGD kernel. Checked on every path that sums in one accumulator
    /// (`NativeGEMM.sumsInOneAccumulator`): small-batch tiles (k ≤ 16, with an edge tile and a
    /// half-wide last panel), packed panels with one k slice (k = 256, the smallest KC),
    /// few columns, few rows and a tiny product.
    @Test(arguments: SIMDLevel.available)
    func betaOneRoundsTwice(level: SIMDLevel) {
        var numbers = GEMMTests.Numbers(state: 9)
        // Packed products with more than one KC slice (portable: 256, AVX2 and AVX-512: 384) sum in parts.
        #expect(NativeGEMM.sumsInOneAccumulator(transposeA: true, transposeB: false, m: 30, n: 784, k: 300, level: level) == (level != .portable))
        #expect(!NativeGEMM.sumsInOneAccumulator(transposeA: true, transposeB: false, m: 30, n: 784, k: 385, level: level))
        for (m, n, k) in [(30, 200, 10), (13, 200, 16), (50, 40, 100), (50, 40, 256), (40, 10, 50), (10, 200, 50), (5, 5, 5)] {
            #expect(NativeGEMM.sumsInOneAccumulator(transposeA: true, transposeB: false, m: m, n: n, k: k, level: level))
            let delta = numbers.array(k * m)  // k x m: op(A) = δᵀ
            let input = numbers.array(k * n)  // k x n
            let weight = numbers.array(m * n)
            var gradient = [Float](repeating: 0, count: m * n)
            NativeGEMM.sgemm(level: level, threads: 1, transposeA: true, transposeB: false, m: m, n: n, k: k,
                             alpha: 1, a: delta, lda: m, b: input, ldb: n, beta: 0, c: &gradient, ldc: n)
            var updated = weight
            let rate: Float = 0.37
            NativeGEMM.sgemm(level: level, threads: 1, transposeA: true, transposeB: false, m: m, n: n, k: k,
                             alpha: -rate, a: delta, lda: m, b: input, ldb: n, beta: 1, c: &updated, ldc: n)
            let expected = (0..<m * n).map { index -> Float in
                let step = rate * gradient[index]
                return weight[index] - step
            }
            #expect(updated == expected, "m=\(m) n=\(n) k=\(k), \(level.name)")
        }
    }
}
