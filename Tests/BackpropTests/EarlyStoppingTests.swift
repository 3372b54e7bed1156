import Foundation
import Testing
@testable import Backprop

/// Scripted sequences worked by hand from Keras 3's `EarlyStopping.on_epoch_end`
/// (wait += 1; on improvement best ← value, wait ← 0; stop when wait ≥ patience and the
/// epoch is not the first).
@Suite struct EarlyStoppingTests {
    struct Step: Equatable {
        var decision: EarlyStopping.Decision
        var isBest: Bool
        var wait: Int
    }

    func run(_ stopping: inout EarlyStopping, _ values: [Double]) -> [Step] {
        var steps: [Step] = []
        for (index, value) in values.enumerated() {
            let decision = stopping.update(epoch: index + 1, value: value)
            steps.append(Step(decision: decision, isBest: stopping.isBest, wait: stopping.wait))
            if decision == .stop { break }
        }
        return steps
    }

    /// patience 2, min_delta 0.01, mode min (validation loss):
    ///
    ///     epoch 1: 1.0    first value → best, wait 0
    ///     epoch 2: 0.995  not below 1.0 − 0.01 → wait 1
    ///     epoch 3: 0.98   below 0.99 → best, wait 0
    ///     epoch 4: 0.975  not below 0.97 → wait 1
    ///     epoch 5: 0.99   wait 2 ≥ 2 → stop; best epoch 3
    @Test func minimizeWithDelta() throws {
        var stopping = try EarlyStopping(patience: 2, minimumDelta: 0.01, restoreBestWeights: true)
        let steps = run(&stopping, [1.0, 0.995, 0.98, 0.975, 0.99, 0.5])
        #expect(steps == [
            Step(decision: .continue, isBest: true, wait: 0),
            Step(decision: .continue, isBest: false, wait: 1),
            Step(decision: .continue, isBest: true, wait: 0),
            Step(decision: .continue, isBest: false, wait: 1),
            Step(decision: .stop, isBest: false, wait: 2),
        ])
        #expect(stopping.best == 0.98)
        #expect(stopping.bestEpoch == 3)
        #expect(stopping.stoppedEpoch == 5)
        #expect(stopping.shouldRestoreBestWeights)
    }

    /// mode max (accuracy), patience 1, min_delta 0.005: 0.5, 0.6 (best), 0.604 (not above
    /// 0.605, wait 1 ≥ 1) → stop at epoch 3.
    @Test func maximize() throws {
        var stopping = try EarlyStopping(patience: 1, minimumDelta: 0.005, mode: .maximize)
        let steps = run(&stopping, [0.5, 0.6, 0.604, 0.9])
        #expect(steps.map(\.decision) == [.continue, .continue, .stop])
        #expect(stopping.bestEpoch == 2)
        #expect(!stopping.shouldRestoreBestWeights)
    }

    /// patience 0 stops at the first epoch without improvement, but never at the first
    /// epoch; a first NaN still marks that epoch for the snapshot (Keras keeps the first
    /// weights in case nothing ever improves).
    @Test func patienceZeroAndNaN() throws {
        var plain = try EarlyStopping(patience: 0)
        #expect(run(&plain, [1, 0.5, 0.5]).map(\.decision) == [.continue, .continue, .stop])

        var diverging = try EarlyStopping(patience: 0, restoreBestWeights: true)
        let steps = run(&diverging, [.nan, .nan])
        #expect(steps == [
            Step(decision: .continue, isBest: true, wait: 1),
            Step(decision: .stop, isBest: false, wait: 2),
        ])
        #expect(diverging.best == nil)
        #expect(diverging.bestEpoch == 1)
        #expect(diverging.shouldRestoreBestWeights)
    }

    /// Without a stop the counter keeps resetting: a steadily falling loss never stops.
    @Test func improvingNeverStops() throws {
        var stopping = try EarlyStopping(patience: 1)
        let steps = run(&stopping, (0..<20).map { 1.0 / Double($0 + 1) })
        #expect(steps.count == 20 && steps.allSatisfy { $0.decision == .continue && $0.isBest })
    }

    @Test func codableStateResumes() throws {
        var stopping = try EarlyStopping(patience: 2, minimumDelta: 0.1)
        _ = run(&stopping, [1.0, 0.95])
        var restored = try JSONDecoder().decode(EarlyStopping.self, from: JSONEncoder().encode(stopping))
        #expect(restored == stopping)
        let decisions = (restored.update(epoch: 3, value: 0.95), stopping.update(epoch: 3, value: 0.95))
        #expect(decisions == (.stop, .stop))
    }

    @Test func monitors() {
        let metrics = EpochMetrics(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, validationLoss: 0.6,
                                   validationAccuracy: 0.7, learningRate: 0.1, seconds: 1)
        #expect(EarlyStopping.Monitor.allCases.map { $0.value(in: metrics) } == [0.6, 0.7, 0.5, 0.8])
        #expect(EarlyStopping.Monitor.allCases.map(\.mode) == [.minimize, .maximize, .minimize, .maximize])
        let noValidation = EpochMetrics(epoch: 1, trainLoss: 0.5, trainAccuracy: nil, learningRate: 0.1, seconds: 1)
        #expect(EarlyStopping.Monitor.validationLoss.value(in: noValidation) == nil)
        #expect(EarlyStopping.Monitor(rawValue: "validation-accuracy") == .validationAccuracy)
    }

    @Test func rejectsBadConfiguration() {
        #expect(throws: EarlyStopping.ConfigurationError.self) { _ = try EarlyStopping(patience: -1) }
        #expect(throws: EarlyStopping.ConfigurationError.self) { _ = try EarlyStopping(patience: 1, minimumDelta: -0.1) }
        #expect(throws: EarlyStopping.ConfigurationError.self) { _ = try EarlyStopping(patience: 1, minimumDelta: .infinity) }
    }
}
