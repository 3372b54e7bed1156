import CBackpropKernels
import Foundation
import Testing
@testable import Backprop

/// The step seam (`StepPlanner`, `TrainingStep`) and the per-trainer `ExecutionPolicy`.
@Suite struct ExecutionTests {
    static func onlineData(rows: Int, seed: UInt64) -> Dataset<Float> {
        var generator = SeededGenerator(seed: seed)
        return Dataset(
            inputs: Matrix(rows: rows, columns: 784, elements: (0..<rows * 784).map { _ in Float(generator.nextNormal()) }),
            targets: Matrix(rows: rows, columns: 1, elements: (0..<rows).map { Float($0 % 10) }))
    }

    @Test func thePlannerPicksTheStepThatFits() throws {
        #expect(StepPlanner.plan(for: try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy)) is SmallNetworkStep<Float>)
        #expect(StepPlanner.plan(for: try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy)) is FusedFirstLayerStep<Float>)
        #expect(StepPlanner.plan(for: try Network<Double>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy)) is ReferenceStep<Double>)
        #expect(StepPlanner.plan(for: try Network<Double>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy)) is ReferenceStep<Double>)
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1), configuration: TrainingConfiguration(batchSize: 10))
        #expect(trainer.step is FusedFirstLayerStep<Float>)
        #expect(trainer.step.network === network)
    }

    /// Every planned step gives the reference step's parameters, with plain SGD (where the
    /// fused first-layer step fuses), momentum and L2 (where it cannot): bit for bit on the
    /// fused first-layer step, to `Float` rounding on the small-network kernel (which sums in
    /// another order).
    @Test(arguments: [[2, 3, 1], [784, 30, 10]])
    func plannedStepsMatchTheReferenceStep(sizes: [Int]) throws {
        let data = sizes[0] == 784
            ? Self.onlineData(rows: 60, seed: 2)
            : SyntheticData.moons.generate(count: 60, seed: 2, as: Float.self)
        for (optimizer, l2) in [(SGD(learningRate: 0.3), 0.0), (SGD(learningRate: 0.3, momentum: 0.9), 0.0), (SGD(learningRate: 0.3), 1e-3)] {
            func run(reference: Bool) throws -> [[UInt32]] {
                let network = try Network<Float>(sizes: sizes, activation: .sigmoid, loss: sizes.last == 1 ? .binaryCrossEntropy : .softmaxCrossEntropy, seed: 1)
                let trainer = Trainer(network: network, optimizer: optimizer, configuration: TrainingConfiguration(batchSize: 10, seed: 3, l2: l2))
                if reference { trainer.step = ReferenceStep(network: network) }
                for _ in 0..<2 { _ = try trainer.trainEpoch(on: data) }
                return network.parameters.map { $0.parameter.value.storage.map(\.bitPattern) }
            }
            let planned = try run(reference: false), reference = try run(reference: true)
            if sizes == [784, 30, 10] {
                #expect(planned == reference, "\(sizes) \(optimizer.description) l2 \(l2)")
            } else {
                for (a, b) in zip(planned.joined(), reference.joined()) {
                    let (x, y) = (Float(bitPattern: a), Float(bitPattern: b))
                    #expect(abs(x - y) <= 1e-5 * max(1, abs(y)), "\(sizes) \(optimizer.description) l2 \(l2): \(x) vs \(y)")
                }
            }
        }
    }

    /// A reference step stores every gradient: after training, each parameter's gradient is the
    /// one `Network.computeGradients` gives on the last batch (before its update).
    @Test func aReferenceStepStoresEveryGradient() throws {
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, seed: 1)
        let data = Self.onlineData(rows: 10, seed: 4)
        let before = network.copy()
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1), configuration: TrainingConfiguration(batchSize: 10, shuffle: false))
        trainer.step = ReferenceStep(network: network)
        _ = try trainer.trainEpoch(on: data)
        let workspace = Workspace(network: before, batchSize: 10)
        workspace.loadRows(0..<10, of: data)
        before.computeGradients(in: workspace)
        for (mine, expected) in zip(network.parameters, before.parameters) {
            #expect(mine.parameter.gradient.storage.map(\.bitPattern) == expected.parameter.gradient.storage.map(\.bitPattern), "\(mine.name)")
        }
    }

    /// The trainer's backend and subnormal mode are installed for its steps only: the calling
    /// thread's own are back before `afterStep` runs and after the epoch, even with a tuner
    /// that changes the trainer's thread count.
    @Test func aTrainerLeavesTheCallersBackendAndModeAlone() throws {
        let callerMode = bp_flush_subnormals_get()
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, seed: 3)
        let trainer = Trainer(
            network: network, optimizer: SGD(learningRate: 0.5), configuration: TrainingConfiguration(batchSize: 10),
            execution: ExecutionPolicy(
                backend: Backend(threads: 2),
                threadTuner: ThreadTuner(candidates: [1, 2], warmUpSteps: 1, blockSteps: 2, rounds: 1)))
        // The caller's own setting, one the trainer never uses (the test thread may have
        // run other tests that set theirs).
        let saved = Backend.current
        defer { Backend.current = saved }
        Backend.current.threads = 3
        _ = try trainer.trainEpoch(on: Self.onlineData(rows: 100, seed: 5)) { _ in
            #expect(Backend.current.threads == 3)
            #expect(bp_flush_subnormals_get() == callerMode)
        }
        #expect(Backend.current.threads == 3)
        #expect(bp_flush_subnormals_get() == callerMode)
        #expect(trainer.execution.threadTuner?.chosen != nil)
    }

    /// Each thread has its own `Backend.current`.
    @Test func backendsArePerThread() throws {
        let saved = Backend.current
        defer { Backend.current = saved }
        Backend.current.threads = 2
        let seen = ConcurrentResults(count: 1)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            seen.set(0, .success([[UInt32(Backend.current.threads)]]))
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(Backend.current.threads == 2)
        #expect(try seen.get(0) == [[1]])
    }

    /// Two trainings in one process, at the same time, on two threads with different thread
    /// counts: each gives the parameters it gives alone.
    @Test func concurrentTrainingsGiveTheirSoloBits() throws {
        let data = Self.onlineData(rows: 400, seed: 6)
        let solo = [try Self.train(data, seed: 1, threads: 1), try Self.train(data, seed: 2, threads: 2)]
        let results = ConcurrentResults(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            results.set(index, Result { try Self.train(data, seed: UInt64(index + 1), threads: index + 1) })
        }
        for index in 0..<2 {
            #expect(try results.get(index) == solo[index], "training \(index + 1)")
        }
    }

    /// Two epochs of 784-30-10 with momentum SGD on `threads` threads; the final parameters' bits.
    static func train(_ data: Dataset<Float>, seed: UInt64, threads: Int) throws -> [[UInt32]] {
        let network = try Network<Float>(sizes: [784, 30, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, seed: seed)
        let trainer = Trainer(
            network: network, optimizer: SGD(learningRate: 0.5, momentum: 0.5),
            configuration: TrainingConfiguration(batchSize: 20, seed: seed),
            execution: ExecutionPolicy(backend: Backend(threads: threads)))
        for _ in 0..<2 { _ = try trainer.trainEpoch(on: data) }
        return network.parameters.map { $0.parameter.value.storage.map(\.bitPattern) }
    }
}

/// Results written by concurrent workers, one slot each, under a lock.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[[UInt32]], any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[[UInt32]], any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = result
    }

    func get(_ index: Int) throws -> [[UInt32]] {
        lock.lock(); defer { lock.unlock() }
        return try slots[index]!.get()
    }
}
