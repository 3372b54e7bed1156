import Foundation
import Testing
@testable import Backprop

/// Schedules against PyTorch's formulas (torch.optim.lr_scheduler, epoch t counted from 0,
/// `scheduler.step()` once per epoch after training it).
@Suite struct LearningRateScheduleTests {
    func rates(_ schedule: LearningRateSchedule, base: Double, epochs: Int) -> [Double] {
        let scheduler = LearningRateScheduler(schedule: schedule, baseLearningRate: base)
        return (0..<epochs).map { scheduler.learningRate(forEpoch: $0) }
    }

    func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-15) {
        #expect(actual.count == expected.count)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(a - e) <= tolerance * max(abs(e), 1), "epoch \(index): \(a) vs \(e)")
        }
    }

    @Test func constant() {
        #expect(rates(.constant, base: 0.3, epochs: 4) == [0.3, 0.3, 0.3, 0.3])
    }

    /// StepLR(step_size=3, gamma=0.5) from 0.1: α₀·0.5^⌊t/3⌋.
    @Test func step() {
        expectClose(
            rates(.step(stepSize: 3, gamma: 0.5), base: 0.1, epochs: 10),
            [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125])
    }

    /// ExponentialLR(gamma=0.9) from 1: 0.9ᵗ.
    @Test func exponential() {
        expectClose(
            rates(.exponential(gamma: 0.9), base: 1, epochs: 6),
            [1, 0.9, 0.81, 0.729, 0.6561, 0.59049])
    }

    /// CosineAnnealingLR(T_max=10, eta_min=0.001) from 0.1. Closed form: t = 5 is the
    /// midpoint (0.001 + 0.099/2 = 0.0505); t = 2: cos(π/5) = 0.809016994…, so
    /// 0.001 + 0.099 · 1.809016994/2 = 0.0905463412.
    @Test func cosineClosedForm() {
        let values = rates(.cosine(totalEpochs: 10, minimum: 0.001), base: 0.1, epochs: 12)
        #expect(values[0] == 0.1)
        #expect(abs(values[2] - 0.09054634122155991) < 1e-15)
        #expect(abs(values[5] - 0.0505) < 1e-15)
        #expect(values[10] == 0.001)
        #expect(values[11] == 0.001)  // stays at the minimum after T
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// PyTorch's `CosineAnnealingLR.get_lr` applies the recursive form on each `step()`:
    /// αₜ = (1 + cos(πt/T)) / (1 + cos(π(t−1)/T)) · (αₜ₋₁ − α_min) + α_min.
    /// The closed form used here must agree with it for t = 1…T.
    @Test func cosineMatchesPyTorchRecursion() {
        let (base, minimum, period) = (0.05, 1e-4, 7)
        let closed = rates(.cosine(totalEpochs: period, minimum: minimum), base: base, epochs: period + 1)
        var recursive = [base]
        for t in 1...period {
            let ratio = (1 + cos(Double.pi * Double(t) / Double(period)))
                / (1 + cos(Double.pi * Double(t - 1) / Double(period)))
            recursive.append(ratio * (recursive[t - 1] - minimum) + minimum)
        }
        expectClose(closed, recursive, tolerance: 1e-12)
    }

    /// ReduceLROnPlateau(factor=0.5, patience=2, threshold=0.1 (rel), cooldown=1,
    /// min_lr=0.02) from 0.1, worked by hand from PyTorch's `step()`:
    ///
    ///     t:      0    1     2     3     4     5     6     7     8     9    10   11   12   13   14 … 17
    ///     value:  1.0  0.95  0.85  0.85  0.84  0.83  0.83  0.83  0.83  0.83 0.5  0.5  0.5  0.5  0.5 …
    ///     bad:    0    1     0     1     2     3→R   1→0c  1     2     3→R  0c   1    2    3→R  0c, 1, 2, 3
    ///
    /// t = 1: 0.95 is not below 1.0 · 0.9. t = 2: 0.85 < 0.9 improves. t = 5: 3 bad epochs
    /// > patience → α = 0.05, cooldown 1. t = 6: bad epochs ignored in cooldown. t = 9:
    /// α = 0.025. t = 10: 0.5 improves. t = 13: max(0.0125, 0.02) = 0.02. t = 17: max(0.01,
    /// 0.02) = 0.02 changes nothing, so no reduction is reported.
    @Test func reduceOnPlateau() {
        var scheduler = LearningRateScheduler(
            schedule: .reduceOnPlateau(factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minimum: 0.02),
            baseLearningRate: 0.1)
        let values = [1.0, 0.95, 0.85, 0.85, 0.84, 0.83, 0.83, 0.83, 0.83, 0.83, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
        var used: [Double] = []
        var reducedAfter: [Int] = []
        for (epoch, value) in values.enumerated() {
            used.append(scheduler.learningRate(forEpoch: epoch))
            if scheduler.epochEnded(monitoredValue: value) { reducedAfter.append(epoch) }
        }
        #expect(reducedAfter == [5, 9, 13])
        #expect(used == [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05,
                         0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02])
        #expect(scheduler.learningRate(forEpoch: 18) == 0.02)
        #expect(scheduler.best == 0.5)
        #expect(scheduler.endedEpochs == values.count)
    }

    /// Default ReduceLROnPlateau: patience 10, so the 12th epoch without improvement (t = 11
    /// after a first value at t = 0) reduces α to α·0.1. NaN never counts as an improvement.
    @Test func reduceOnPlateauDefaultsAndNaN() {
        var scheduler = LearningRateScheduler(schedule: .reduceOnPlateau(), baseLearningRate: 1)
        var reductions = [scheduler.epochEnded(monitoredValue: 2)]
        for _ in 0..<10 { reductions.append(scheduler.epochEnded(monitoredValue: .nan)) }
        reductions.append(scheduler.epochEnded(monitoredValue: 2))
        #expect(reductions == Array(repeating: false, count: 11) + [true])
        #expect(abs(scheduler.learningRate(forEpoch: 12) - 0.1) < 1e-17)
        // A nil value leaves the plateau state alone.
        let before = scheduler
        scheduler.epochEnded(monitoredValue: nil)
        #expect(scheduler.badEpochs == before.badEpochs && scheduler.best == before.best)
    }

    /// A scheduler stored mid-run and read back continues identically (checkpoint resume).
    @Test func codableStateResumesIdentically() throws {
        var scheduler = LearningRateScheduler(
            schedule: .reduceOnPlateau(factor: 0.5, patience: 1, threshold: 0, cooldown: 2, minimum: 0),
            baseLearningRate: 0.4)
        for value in [3.0, 2.0, 2.0, 2.0] { scheduler.epochEnded(monitoredValue: value) }
        var restored = try JSONDecoder().decode(
            LearningRateScheduler.self, from: JSONEncoder().encode(scheduler))
        #expect(restored == scheduler)
        for value in [2.0, 2.0, 2.0, 1.0, 1.0, 1.0] {
            let (original, copy) = (scheduler.epochEnded(monitoredValue: value), restored.epochEnded(monitoredValue: value))
            #expect(original == copy)
            #expect(scheduler.learningRate(forEpoch: 0) == restored.learningRate(forEpoch: 0))
        }
        #expect(scheduler.learningRate(forEpoch: 0) < 0.4)
        let step = LearningRateScheduler(schedule: .step(stepSize: 2, gamma: 0.5), baseLearningRate: 1)
        #expect(try JSONDecoder().decode(LearningRateScheduler.self, from: JSONEncoder().encode(step)) == step)
    }

    // MARK: - Parsing

    @Test func parsesEveryForm() throws {
        #expect(try LearningRateSchedule(parsing: "constant") == .constant)
        #expect(try LearningRateSchedule(parsing: "step:10:0.5") == .step(stepSize: 10, gamma: 0.5))
        #expect(try LearningRateSchedule(parsing: "step:4") == .step(stepSize: 4, gamma: 0.1))
        #expect(try LearningRateSchedule(parsing: "exponential:0.95") == .exponential(gamma: 0.95))
        #expect(try LearningRateSchedule(parsing: "cosine", totalEpochs: 30) == .cosine(totalEpochs: 30, minimum: 0))
        #expect(try LearningRateSchedule(parsing: "cosine:1e-5", totalEpochs: 30) == .cosine(totalEpochs: 30, minimum: 1e-5))
        #expect(try LearningRateSchedule(parsing: "plateau") == .reduceOnPlateau())
        #expect(try LearningRateSchedule(parsing: "plateau:0.5:3")
            == .reduceOnPlateau(factor: 0.5, patience: 3, threshold: 1e-4, cooldown: 0, minimum: 0))
        #expect(try LearningRateSchedule(parsing: "plateau:0.2:5:0.01:2:1e-6")
            == .reduceOnPlateau(factor: 0.2, patience: 5, threshold: 0.01, cooldown: 2, minimum: 1e-6))
    }

    /// `description` writes the form `init(parsing:)` reads.
    @Test func descriptionParsesBack() throws {
        let schedules: [LearningRateSchedule] = [
            .constant, .step(stepSize: 7, gamma: 0.25), .exponential(gamma: 0.97),
            .cosine(totalEpochs: 12, minimum: 1e-5),
            .reduceOnPlateau(factor: 0.3, patience: 4, threshold: 0.001, cooldown: 1, minimum: 1e-7),
        ]
        for schedule in schedules {
            #expect(try LearningRateSchedule(parsing: schedule.description, totalEpochs: 12) == schedule)
        }
    }

    @Test(arguments: [
        ("warmup", "unknown schedule 'warmup'"),
        ("step", "expected step:STEP_SIZE[:GAMMA]"),
        ("step:0:0.5", "step size must be a positive number of epochs, got 0"),
        ("step:ten", "step size 'ten' is not an integer"),
        ("step:10:-1", "gamma must be positive, got -1.0"),
        ("exponential", "expected exponential:GAMMA"),
        ("exponential:nan", "gamma 'nan' is not a finite number"),
        ("cosine", "cosine annealing needs the total number of epochs"),
        ("plateau:1.5", "factor must be in (0, 1), got 1.5"),
        ("plateau:0.5:-1", "patience must be ≥ 0, got -1"),
        ("plateau:0.5:1:0:0:0:9", "expected plateau[:FACTOR"),
        ("constant:1", "expected no fields after 'constant'"),
    ])
    func rejects(_ text: String, _ message: String) {
        #expect {
            _ = try LearningRateSchedule(parsing: text)
        } throws: { error in
            let description = "\(error)"
            return description.contains(message) && description.hasPrefix("learning-rate schedule '\(text)': ")
                && !description.contains("\n")
        }
    }

    @Test func cosineNeedsPositiveEpochs() {
        #expect(throws: LearningRateSchedule.ParseError.self) {
            _ = try LearningRateSchedule(parsing: "cosine", totalEpochs: 0)
        }
    }
}
