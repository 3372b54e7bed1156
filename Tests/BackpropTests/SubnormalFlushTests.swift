import CBackpropKernels
import Foundation
import Synchronization
import Testing
@testable import Backprop

/// Flushing subnormals to zero (`TrainingConfiguration.flushesSubnormals`): the thread mode
/// itself, the thread pool handing the caller's mode to its helpers, and training steps that
/// run in the configured mode while the caller and `afterStep` keep their own.
@Suite(.serialized) struct SubnormalFlushTests {
    /// Half the smallest normal Float: 2⁻¹²⁷, a subnormal.
    static let halfLeastNormal = Float(bitPattern: 0x0040_0000)
    /// The flush bits of a thread that flushes.
    static let flushing = bp_flush_subnormals_all()

    /// x·y, computed at run time by the library's product kernels (Swift folds arithmetic on
    /// constants at compile time, in the default IEEE mode).
    static func product(_ x: Float, _ y: Float) -> Float {
        var result = Matrix<Float>(rows: 1, columns: 1)
        Matrix.multiply(Matrix(rows: 1, columns: 1, elements: [x]), Matrix(rows: 1, columns: 1, elements: [y]), into: &result)
        return result[0, 0]
    }

    /// Whether `value` is nonzero and below the smallest normal magnitude.
    static func isSubnormal(_ value: Float) -> Bool { value != 0 && abs(value) < Float.leastNormalMagnitude }

    @Test func theThreadModeFlushesResultsAndInputs() throws {
        try #require(bp_flush_subnormals_supported() == 1)
        let saved = bp_flush_subnormals_get()
        defer { bp_flush_subnormals_set(saved) }
        bp_flush_subnormals_set(0)
        #expect(bp_flush_subnormals_get() == 0)
        #expect(Self.product(Float.leastNormalMagnitude, 0.5) == Self.halfLeastNormal)
        #expect(Self.product(Self.halfLeastNormal, 2) == Float.leastNormalMagnitude)
        bp_flush_subnormals_set(Self.flushing)
        #expect(bp_flush_subnormals_get() == Self.flushing)
        #expect(Self.product(Float.leastNormalMagnitude, 0.5) == 0)  // a subnormal result becomes 0
        #expect(Self.product(Self.halfLeastNormal, 2) == 0)  // a subnormal input is read as 0
        bp_flush_subnormals_set(0)
        #expect(Self.product(Float.leastNormalMagnitude, 0.5) == Self.halfLeastNormal)
    }

    final class StartFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// Worker 0 waits (up to 20 ms) for worker 1 to start, so that a helper thread, not the
    /// caller, runs worker 1; each worker records the mode it ran in and halves its product
    /// (the smallest normal Float: a subnormal result, unless flushed).
    struct ModeProbeJob: ParallelJob {
        var modes: UnsafeMutablePointer<Int32>
        var products: UnsafeMutablePointer<Float>
        var threads: UnsafeMutablePointer<pthread_t>
        var started: StartFlag

        func run(worker: Int) {
            if worker == 1 { started.value.store(true, ordering: .releasing) }
            if worker == 0 {
                let deadline = Date().addingTimeInterval(0.02)
                while !started.value.load(ordering: .acquiring), Date() < deadline {}
            }
            modes[worker] = bp_flush_subnormals_get()
            products[worker] *= 0.5  // the probe fills in the smallest normal Float
            threads[worker] = pthread_self()
        }

        static let task: bp_parallel_task = { context, worker in
            context!.assumingMemoryBound(to: ModeProbeJob.self).pointee.run(worker: worker)
        }
    }

    /// Runs the probe with the caller in mode `flush`; returns the workers' modes, their
    /// products, and whether worker 1 ran on another thread.
    func probe(callerFlushes flush: Int32) -> (modes: [Int32], products: [Float], helperRan: Bool) {
        let saved = bp_flush_subnormals_get()
        defer { bp_flush_subnormals_set(saved) }
        bp_flush_subnormals_set(flush)
        var modes: [Int32] = [-1, -1]
        var products: [Float] = [Float.leastNormalMagnitude, Float.leastNormalMagnitude]
        var threads = [pthread_t](repeating: pthread_self(), count: 2)
        modes.withUnsafeMutableBufferPointer { modes in
            products.withUnsafeMutableBufferPointer { products in
                threads.withUnsafeMutableBufferPointer { threads in
                    parallelFor(workers: 2, ModeProbeJob(
                        modes: modes.baseAddress!, products: products.baseAddress!,
                        threads: threads.baseAddress!, started: StartFlag()))
                }
            }
        }
        return (modes, products, pthread_equal(threads[0], threads[1]) == 0)
    }

    /// Helpers take on the caller's mode with each job, whichever mode the previous job had
    /// (including one x86 flush bit alone), until a helper has run several probes.
    @Test func helpersRunEachJobInTheCallersMode() throws {
        try #require(bp_flush_subnormals_supported() == 1)
        // Both bits, none, and (x86) FTZ alone: results flushed, inputs kept.
        let modes: [Int32] = [Self.flushing, 0] + (Self.flushing == 0x8040 ? [0x8000] : [])
        var helperRuns = 0
        for round in 0..<2_000 where helperRuns < 20 || round < 40 {
            let mode = modes[round % modes.count]
            let result = probe(callerFlushes: mode)
            #expect(result.modes == [mode, mode])
            #expect(result.products == [Float](repeating: mode == 0 ? Self.halfLeastNormal : 0, count: 2))
            if result.helperRan { helperRuns += 1 }
        }
        // Otherwise the helpers were never tested (one core, or a pool busy with other tests).
        if availableCores >= 2 { #expect(helperRuns > 0) }
    }

    /// A 784-`hidden`-10 sigmoid network on inputs up to 40: |z| in the hundreds, so σ′(z)
    /// and with it δ⁽¹⁾ and, with one example per batch, ∂J/∂W⁽¹⁾ underflow to subnormals.
    /// 256 hidden units in batches of 4 make products that two threads share.
    static func saturatingRun(
        flushes: Bool, threads: Int, hidden: Int = 16, batchSize: Int = 1,
        afterStep: (Trainer<Float>.StepProgress) throws -> Void = { _ in }
    ) throws -> (network: Network<Float>, subnormalGradients: Int) {
        let saved = Backend.current.threads
        Backend.current.threads = threads
        defer { Backend.current.threads = saved }
        var generator = SeededGenerator(seed: 11)
        let rows = 24
        let inputs = Matrix<Float>(rows: rows, columns: 784, elements: (0..<rows * 784).map { _ in Float(generator.nextUnitDouble() * 40) })
        let targets = Matrix<Float>(rows: rows, columns: 1, elements: (0..<rows).map { _ in Float(generator.nextIndex(below: 10)) })
        let network = try Network<Float>(sizes: [784, hidden, 10], activation: .sigmoid, loss: .softmaxCrossEntropy,
                                         initializer: .normal, seed: 12)
        // Momentum keeps every step two-pass, so each gradient is stored and can be inspected.
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.5, momentum: 0.5),
                              configuration: TrainingConfiguration(batchSize: batchSize, seed: 13, flushesSubnormals: flushes))
        var subnormals = 0
        _ = try trainer.trainEpoch(on: Dataset(inputs: inputs, targets: targets)) { progress in
            for (_, parameter) in network.parameters {
                subnormals += parameter.gradient.storage.count(where: isSubnormal)
            }
            try afterStep(progress)
        }
        return (network, subnormals)
    }

    /// Also on two threads with products they share, where a helper that kept subnormals
    /// would leave some in its part of a gradient.
    @Test(arguments: [(1, 16, 1), (2, 256, 4)])
    func flushedStepsStoreNoSubnormalGradients(threads: Int, hidden: Int, batchSize: Int) throws {
        try #require(bp_flush_subnormals_supported() == 1)
        // The data does make subnormal gradients when they are kept.
        #expect(try Self.saturatingRun(flushes: false, threads: threads, hidden: hidden, batchSize: batchSize).subnormalGradients > 0)
        #expect(try Self.saturatingRun(flushes: true, threads: threads, hidden: hidden, batchSize: batchSize).subnormalGradients == 0)
    }

    @Test func flushedTrainingIsIdenticalOnOneAndTwoThreads() throws {
        let one = try Self.saturatingRun(flushes: true, threads: 1, hidden: 256, batchSize: 4).network
        let two = try Self.saturatingRun(flushes: true, threads: 2, hidden: 256, batchSize: 4).network
        #expect(one.parameters.map(\.parameter.value) == two.parameters.map(\.parameter.value))
    }

    @Test func afterStepAndTheCallerKeepTheirMode() throws {
        try #require(bp_flush_subnormals_supported() == 1)
        let saved = bp_flush_subnormals_get()
        defer { bp_flush_subnormals_set(saved) }
        bp_flush_subnormals_set(0)
        var modesSeen: Set<Int32> = []
        _ = try Self.saturatingRun(flushes: true, threads: 2) { _ in modesSeen.insert(bp_flush_subnormals_get()) }
        #expect(modesSeen == [0])
        #expect(bp_flush_subnormals_get() == 0)
    }

    /// A step that stops (here: `afterStep` throws) leaves the caller's mode in place too.
    @Test func aThrowingEpochRestoresTheCallersMode() throws {
        try #require(bp_flush_subnormals_supported() == 1)
        struct Stop: Error {}
        let saved = bp_flush_subnormals_get()
        defer { bp_flush_subnormals_set(saved) }
        bp_flush_subnormals_set(0)
        #expect(throws: Stop.self) { _ = try Self.saturatingRun(flushes: true, threads: 1) { _ in throw Stop() } }
        #expect(bp_flush_subnormals_get() == 0)
    }

    /// Training flushes by default (the recipe, the configuration, the session's trainer);
    /// `--ieee-subnormals` (false) reaches the trainer through the recipe; recipes and
    /// configurations written before the field existed decode as unflushed, the mode they
    /// were trained in.
    @Test func flushingIsTheDefaultAndTheRecipeCarriesTheOptOut() throws {
        #expect(TrainingConfiguration().flushesSubnormals == true)
        var recipe = TrainingRecipe()
        #expect(recipe.flushSubnormals == true)
        recipe.data = "moons"
        recipe.layers = [2, 4, 2]
        recipe.epochs = 1
        #expect(try TrainingSession(recipe: recipe).trainer.configuration.flushesSubnormals == true)
        recipe.flushSubnormals = false
        #expect(try TrainingSession(recipe: recipe).trainer.configuration.flushesSubnormals == false)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recipe)) as! [String: Any]
        #expect(json["flushSubnormals"] as? Bool == false)
        json["flushSubnormals"] = nil
        let decoded = try JSONDecoder().decode(TrainingRecipe.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.flushSubnormals == nil)
        recipe.flushSubnormals = nil
        #expect(try TrainingSession(recipe: recipe).trainer.configuration.flushesSubnormals == false)
        // The same for a configuration.
        var configuration = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(TrainingConfiguration(flushesSubnormals: true))) as! [String: Any]
        configuration["flushesSubnormals"] = nil
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: configuration))
            == TrainingConfiguration(flushesSubnormals: false))
    }

    /// Flushing changes only values below 2⁻¹²⁶: a short sigmoid run on data of the usual
    /// scale (inputs in [0, 1], as /255 makes them) reports the same losses and accuracies
    /// to the digits the CLI prints (4 significant digits, 2 decimals of a percent), with and
    /// without it.
    @Test func flushedAndUnflushedTrainingAgreeToThePrintedDigits() throws {
        func run(flushes: Bool) throws -> [EpochMetrics] {
            var generator = SeededGenerator(seed: 21)
            let rows = 256
            let inputs = Matrix<Float>(rows: rows, columns: 64, elements: (0..<rows * 64).map { _ in Float(generator.nextUnitDouble()) })
            let targets = Matrix<Float>(rows: rows, columns: 1, elements: (0..<rows).map { row in
                Float((0..<8).reduce(Float(0)) { $0 + inputs[row, $1] } > 4 ? 1 : 0)
            })
            let network = try Network<Float>(sizes: [64, 32, 2], activation: .sigmoid, loss: .softmaxCrossEntropy,
                                             initializer: .normal, seed: 22)
            let trainer = Trainer(network: network, optimizer: SGD(learningRate: 3),
                                  configuration: TrainingConfiguration(batchSize: 10, seed: 23, flushesSubnormals: flushes))
            return try (0..<4).map { _ in try trainer.trainEpoch(on: Dataset(inputs: inputs, targets: targets)) }
        }
        let flushed = try run(flushes: true)
        let strict = try run(flushes: false)
        for (a, b) in zip(flushed, strict) {
            #expect(String(format: "%.4g", a.trainLoss) == String(format: "%.4g", b.trainLoss))
            #expect(String(format: "%.2f", 100 * a.trainAccuracy!) == String(format: "%.2f", 100 * b.trainAccuracy!))
        }
        #expect(flushed.last!.trainLoss < flushed.first!.trainLoss)
    }

    /// Without `flushesSubnormals` the trainer leaves the thread's mode as it found it, even
    /// one x86 bit alone.
    @Test func anUnflushedEpochLeavesTheCallersModeAlone() throws {
        try #require(bp_flush_subnormals_supported() == 1)
        let saved = bp_flush_subnormals_get()
        defer { bp_flush_subnormals_set(saved) }
        let partial: Int32 = Self.flushing == 0x8040 ? 0x8000 : Self.flushing
        bp_flush_subnormals_set(partial)
        var modesSeen: Set<Int32> = []
        _ = try Self.saturatingRun(flushes: false, threads: 1) { _ in modesSeen.insert(bp_flush_subnormals_get()) }
        #expect(modesSeen == [partial])
        #expect(bp_flush_subnormals_get() == partial)
    }
}
