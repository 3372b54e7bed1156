import Testing
@testable import Backprop

/// The thread tuner's schedule (warm-up on the last candidate, then blocks cycling through the
/// candidates) and choice (smallest median block), on a scripted clock; and a run with the
/// tuner switching threads ends with exactly the parameters of a run without it.
@Suite struct ThreadTunerTests {
    /// Drives the tuner with a clock that advances by `cost(threads)` per step; returns the
    /// thread count asked for at each step.
    static func drive(_ tuner: inout ThreadTuner, steps: Int, cost: (Int) -> Double) -> [Int] {
        var now = 100.0
        var asked: [Int] = []
        for _ in 0..<steps {
            let threads = tuner.threadsForNextStep(now: now)
            asked.append(threads)
            now += cost(threads)
        }
        return asked
    }

    @Test func warmsUpThenAlternatesBlocksThenKeepsTheFaster() {
        var tuner = ThreadTuner(candidates: [1, 2], warmUpSteps: 3, blockSteps: 2, rounds: 3)
        let asked = Self.drive(&tuner, steps: 3 + 2 * 2 * 3 + 5) { $0 == 1 ? 1.0 : 1.5 }
        #expect(Array(asked.prefix(3)) == [2, 2, 2])
        #expect(Array(asked[3..<15]) == [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2])
        #expect(Array(asked.suffix(5)) == [1, 1, 1, 1, 1])
        #expect(tuner.chosen == 1)
        #expect(tuner.blockSeconds == [1.0, 1.5, 1.0, 1.5, 1.0, 1.5])
        #expect(tuner.report == "1 thread (median step: 1 thread 1000000.0 µs, 2 threads 1500000.0 µs)")
    }

    @Test func theMedianIgnoresOneSlowBlock() {
        var tuner = ThreadTuner(candidates: [1, 2], warmUpSteps: 0, blockSteps: 1, rounds: 3)
        // Two threads are faster, but their second block is slowed down (a busy host).
        let costs: [Double] = [3, 2, 3, 9, 3, 2]
        var now = 0.0
        var step = 0
        while tuner.chosen == nil {
            _ = tuner.threadsForNextStep(now: now)
            now += costs[min(step, costs.count - 1)]
            step += 1
        }
        #expect(tuner.chosen == 2)
        #expect(tuner.medians.map(\.threads) == [1, 2])
    }

    @Test func oneCandidateIsChosenAtOnce() {
        var tuner = ThreadTuner(candidates: [2])
        #expect(tuner.chosen == 2)
        #expect(tuner.threadsForNextStep(now: 0) == 2)
        #expect(tuner.report == "2 threads")
    }

    @Test func onlyMidSizedStepsAreMeasured() {
        // 784-30-10 on batches of 10: ~1.4 MFLOP per step.
        let online = Backend.threadCountsToMeasure(parameterCount: 23_860, batchSize: 10)
        #expect(online == nil || online == [1, 2])
        #expect(Backend.threadCountsToMeasure(parameterCount: 13, batchSize: 200) == nil)        // seed 001
        #expect(Backend.threadCountsToMeasure(parameterCount: 238_510, batchSize: 1000) == nil)  // cs229
    }

    @Test func switchingThreadsWhileTrainingChangesNoBit() throws {
        func train(tuned: Bool) throws -> [[Float]] {
            // 784-30-10 on batches of 10 (online's shape): its products and updates do use the
            // second thread when there is one.
            let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, seed: 3)
            var generator = SeededGenerator(seed: 4)
            let data = Dataset(
                inputs: Matrix(rows: 300, columns: 784, elements: (0..<300 * 784).map { _ in Float(generator.nextNormal()) }),
                targets: Matrix(rows: 300, columns: 1, elements: (0..<300).map { Float($0 % 10) }))
            let trainer = Trainer(
                network: network, optimizer: SGD(learningRate: 0.5),
                configuration: TrainingConfiguration(batchSize: 10, shuffle: true, seed: 5))
            if tuned { trainer.execution.threadTuner = ThreadTuner(candidates: [1, 2], warmUpSteps: 2, blockSteps: 3, rounds: 2) }
            let saved = Backend.current.threads
            defer { Backend.current.threads = saved }
            Backend.current.threads = 1
            _ = try trainer.trainEpoch(on: data)
            if tuned { #expect(trainer.execution.threadTuner?.chosen != nil) }
            return network.parameters.map(\.parameter.value.storage)
        }
        #expect(try train(tuned: true) == train(tuned: false))
    }
}
