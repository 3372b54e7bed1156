#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// How the learning rate α changes from epoch to epoch. Each case follows the PyTorch
/// scheduler of the same name, with epochs counted from 0 (t = 0 is the first epoch, which
/// runs at the base rate α₀):
///
/// - `constant`: αₜ = α₀.
/// - `step` (StepLR): αₜ = α₀ · γ^⌊t / stepSize⌋.
/// - `exponential` (ExponentialLR): αₜ = α₀ · γᵗ.
/// - `cosine` (CosineAnnealingLR): αₜ = α_min + (α₀ − α_min) · (1 + cos(π · t / T)) / 2 for
///   t ≤ T, with T = `totalEpochs`; after T the rate stays at α_min (PyTorch's closed form
///   would rise again).
/// - `reduceOnPlateau` (ReduceLROnPlateau, mode "min", threshold mode "rel"): α is
///   multiplied by `factor` (never below `minimum`) once the monitored value has failed to
///   improve for more than `patience` epochs; see `LearningRateScheduler.epochEnded`.
///
/// The first four depend on t only; the plateau rule depends on the values seen so far, so
/// its state lives in `LearningRateScheduler`, which applies any schedule.
///
/// Written on the command line as `constant`, `step:STEP_SIZE[:GAMMA]`, `exponential:GAMMA`,
/// `cosine[:MINIMUM]` and `plateau[:FACTOR[:PATIENCE[:THRESHOLD[:COOLDOWN[:MINIMUM]]]]]`
/// (see `init(parsing:totalEpochs:)`); `description` writes that form back.
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    /// αₜ = α₀.
    case constant
    /// αₜ = α₀ · γ^⌊t / stepSize⌋ (PyTorch StepLR).
    case step(stepSize: Int, gamma: Double)
    /// αₜ = α₀ · γᵗ (PyTorch ExponentialLR).
    case exponential(gamma: Double)
    /// αₜ = α_min + (α₀ − α_min)(1 + cos(π·t/T))/2 for t ≤ T = `totalEpochs`, α_min after
    /// (PyTorch CosineAnnealingLR with T_max = totalEpochs, eta_min = minimum).
    case cosine(totalEpochs: Int, minimum: Double)
    /// α ← max(α · factor, minimum) after more than `patience` epochs without a relative
    /// improvement of `threshold` in the monitored value (lower is better), then `cooldown`
    /// epochs during which bad epochs are not counted (PyTorch ReduceLROnPlateau).
    case reduceOnPlateau(
        factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
        cooldown: Int = 0, minimum: Double = 0)

    /// Why a schedule string or its values were rejected; `description` is one line.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The accepted forms, for error messages and help texts.
    public static let syntax =
        "constant, step:STEP_SIZE[:GAMMA], exponential:GAMMA, cosine[:MINIMUM], plateau[:FACTOR[:PATIENCE[:THRESHOLD[:COOLDOWN[:MINIMUM]]]]]"

    /// Parses the command-line form, fields separated by `:`:
    ///
    /// | text | schedule |
    /// |---|---|
    /// | `constant` | `.constant` |
    /// | `step:10:0.5` | `.step(stepSize: 10, gamma: 0.5)`; `step:10` uses γ = 0.1 (PyTorch's default) |
    /// | `exponential:0.95` | `.exponential(gamma: 0.95)` |
    /// | `cosine`, `cosine:1e-5` | `.cosine(totalEpochs: totalEpochs, minimum: 0 or 1e-5)` |
    /// | `plateau`, `plateau:0.5:3` | `.reduceOnPlateau(factor: 0.5, patience: 3)`, the rest default |
    ///
    /// - Parameter totalEpochs: T for `cosine` (the length of the run); ignored otherwise.
    /// - Throws: `ParseError` naming the schedule and the field that is wrong.
    public init(parsing text: String, totalEpochs: Int? = nil) throws(ParseError) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let name = fields[0].lowercased()
        let arguments = Array(fields.dropFirst())

        func fail(_ problem: String) -> ParseError {
            ParseError("learning-rate schedule '\(text)': \(problem)")
        }
        func expectCount(_ range: ClosedRange<Int>, usage: String) throws(ParseError) {
            guard range.contains(arguments.count) else {
                throw fail("expected \(usage)")
            }
        }
        func number(_ index: Int, _ label: String) throws(ParseError) -> Double {
            guard let value = Double(arguments[index]), value.isFinite else {
                throw fail("\(label) '\(arguments[index])' is not a finite number")
            }
            return value
        }
        func integer(_ index: Int, _ label: String) throws(ParseError) -> Int {
            guard let value = Int(arguments[index]) else {
                throw fail("\(label) '\(arguments[index])' is not an integer")
            }
            return value
        }

        let schedule: LearningRateSchedule
        switch name {
        case "constant", "none":
            try expectCount(0...0, usage: "no fields after 'constant'")
            schedule = .constant
        case "step":
            try expectCount(1...2, usage: "step:STEP_SIZE[:GAMMA], e.g. step:10:0.5")
            schedule = .step(
                stepSize: try integer(0, "step size"),
                gamma: arguments.count > 1 ? try number(1, "gamma") : 0.1)
        case "exponential", "exp":
            try expectCount(1...1, usage: "exponential:GAMMA, e.g. exponential:0.95")
            schedule = .exponential(gamma: try number(0, "gamma"))
        case "cosine":
            try expectCount(0...1, usage: "cosine[:MINIMUM], e.g. cosine:1e-5")
            guard let totalEpochs else {
                throw fail("cosine annealing needs the total number of epochs")
            }
            schedule = .cosine(
                totalEpochs: totalEpochs,
                minimum: arguments.isEmpty ? 0 : try number(0, "minimum learning rate"))
        case "plateau", "reduce-on-plateau":
            try expectCount(0...5, usage: "plateau[:FACTOR[:PATIENCE[:THRESHOLD[:COOLDOWN[:MINIMUM]]]]], e.g. plateau:0.5:3")
            // Fields not given keep the case's own defaults.
            var plateau = LearningRateSchedule.reduceOnPlateau()
            if case .reduceOnPlateau(let factor, let patience, let threshold, let cooldown, let minimum) = plateau {
                plateau = .reduceOnPlateau(
                    factor: arguments.count > 0 ? try number(0, "factor") : factor,
                    patience: arguments.count > 1 ? try integer(1, "patience") : patience,
                    threshold: arguments.count > 2 ? try number(2, "threshold") : threshold,
                    cooldown: arguments.count > 3 ? try integer(3, "cooldown") : cooldown,
                    minimum: arguments.count > 4 ? try number(4, "minimum learning rate") : minimum)
            }
            schedule = plateau
        default:
            throw fail("unknown schedule '\(fields[0])'; expected one of \(Self.syntax)")
        }
        do {
            try schedule.validate()
        } catch {
            throw fail(error.description)
        }
        self = schedule
    }

    /// Checks the values: step size and T positive, patience and cooldown ≥ 0, γ > 0,
    /// 0 < factor < 1 (as PyTorch requires), minimum and threshold ≥ 0; γ, minimum and
    /// threshold finite.
    public func validate() throws(ParseError) {
        switch self {
        case .constant:
            break
        case .step(let stepSize, let gamma):
            guard stepSize > 0 else { throw ParseError("step size must be a positive number of epochs, got \(stepSize)") }
            guard gamma > 0, gamma.isFinite else { throw ParseError("gamma must be positive, got \(gamma)") }
        case .exponential(let gamma):
            guard gamma > 0, gamma.isFinite else { throw ParseError("gamma must be positive, got \(gamma)") }
        case .cosine(let totalEpochs, let minimum):
            guard totalEpochs > 0 else { throw ParseError("cosine annealing needs a positive number of epochs, got \(totalEpochs)") }
            guard minimum >= 0, minimum.isFinite else { throw ParseError("minimum learning rate must be ≥ 0, got \(minimum)") }
        case .reduceOnPlateau(let factor, let patience, let threshold, let cooldown, let minimum):
            guard factor > 0, factor < 1 else { throw ParseError("factor must be in (0, 1), got \(factor)") }
            guard patience >= 0 else { throw ParseError("patience must be ≥ 0, got \(patience)") }
            guard threshold >= 0, threshold.isFinite else { throw ParseError("threshold must be ≥ 0, got \(threshold)") }
            guard cooldown >= 0 else { throw ParseError("cooldown must be ≥ 0, got \(cooldown)") }
            guard minimum >= 0, minimum.isFinite else { throw ParseError("minimum learning rate must be ≥ 0, got \(minimum)") }
        }
    }
}

extension LearningRateSchedule: CustomStringConvertible {
    /// The command-line form, e.g. `step:10:0.5` (cosine's T is not part of it).
    public var description: String {
        switch self {
        case .constant: "constant"
        case .step(let stepSize, let gamma): "step:\(stepSize):\(gamma)"
        case .exponential(let gamma): "exponential:\(gamma)"
        case .cosine(_, let minimum): "cosine:\(minimum)"
        case .reduceOnPlateau(let factor, let patience, let threshold, let cooldown, let minimum):
            "plateau:\(factor):\(patience):\(threshold):\(cooldown):\(minimum)"
        }
    }
}

/// Applies a `LearningRateSchedule` over a run, holding the state the plateau rule needs;
/// Codable so a checkpoint can store it and a resumed run continues where it left off.
///
/// The trainer calls it once per epoch, for every schedule alike:
///
/// ```swift
/// var scheduler = LearningRateScheduler(schedule: .step(stepSize: 10, gamma: 0.5), baseLearningRate: 0.1)
/// for epoch in 0..<epochs {
///     optimizer.learningRate = scheduler.learningRate(forEpoch: epoch)
///     let metrics = try trainer.trainEpoch(on: training)     // then validate
///     scheduler.epochEnded(monitoredValue: metrics.validationLoss ?? metrics.trainLoss)
/// }
/// ```
public struct LearningRateScheduler: Codable, Equatable, Sendable {
    /// The rule applied.
    public let schedule: LearningRateSchedule
    /// α₀, the rate of epoch 0.
    public let baseLearningRate: Double

    /// The plateau rule's current rate (α₀ until the first reduction); unused otherwise.
    public private(set) var plateauLearningRate: Double
    /// The lowest monitored value seen so far (PyTorch's `best`); nil before the first.
    public private(set) var best: Double?
    /// Consecutive epochs without improvement (PyTorch's `num_bad_epochs`).
    public private(set) var badEpochs = 0
    /// Epochs of cooldown left (PyTorch's `cooldown_counter`).
    public private(set) var cooldownRemaining = 0
    /// How many times `epochEnded` has been called.
    public private(set) var endedEpochs = 0

    /// Reductions smaller than this are skipped, as PyTorch's `eps` (1e-8).
    public static let smallestReduction = 1e-8

    public init(schedule: LearningRateSchedule, baseLearningRate: Double) {
        self.schedule = schedule
        self.baseLearningRate = baseLearningRate
        self.plateauLearningRate = baseLearningRate
    }

    /// The rate for the epoch about to start, `epoch` counted from 0.
    ///
    /// Epoch-indexed schedules are pure functions of `epoch` (so a resumed run asks for its
    /// next epoch directly); the plateau rule returns its current rate whatever `epoch` is.
    public func learningRate(forEpoch epoch: Int) -> Double {
        let base = baseLearningRate
        let t = Double(max(epoch, 0))
        switch schedule {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            return base * pow(gamma, Double(max(epoch, 0) / max(stepSize, 1)))
        case .exponential(let gamma):
            return base * pow(gamma, t)
        case .cosine(let totalEpochs, let minimum):
            let period = Double(max(totalEpochs, 1))
            guard t < period else { return minimum }
            return minimum + (base - minimum) * (1 + cos(Double.pi * t / period)) / 2
        case .reduceOnPlateau:
            return plateauLearningRate
        }
    }

    /// Records the end of an epoch with the value the plateau rule watches (validation loss,
    /// or training loss without a validation set; lower is better). Other schedules only
    /// count the call. Returns whether the rate was reduced.
    ///
    /// The plateau rule, exactly as PyTorch's `ReduceLROnPlateau.step` in mode "min",
    /// threshold mode "rel":
    /// 1. improvement if value < best · (1 − threshold) (NaN never improves): best ← value,
    ///    badEpochs ← 0; otherwise badEpochs += 1;
    /// 2. in cooldown (cooldownRemaining > 0): cooldownRemaining −= 1, badEpochs ← 0;
    /// 3. if badEpochs > patience: α ← max(α · factor, minimum) (skipped when that changes α
    ///    by 1e-8 or less), cooldownRemaining ← cooldown, badEpochs ← 0.
    ///
    /// A nil value leaves the plateau state untouched.
    @discardableResult
    public mutating func epochEnded(monitoredValue: Double?) -> Bool {
        endedEpochs += 1
        guard case .reduceOnPlateau(let factor, let patience, let threshold, let cooldown, let minimum) = schedule,
              let value = monitoredValue
        else { return false }

        if value < (best ?? .infinity) * (1 - threshold) {
            best = value
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badEpochs = 0
        }
        guard badEpochs > patience else { return false }
        cooldownRemaining = cooldown
        badEpochs = 0
        let reduced = max(plateauLearningRate * factor, minimum)
        guard plateauLearningRate - reduced > Self.smallestReduction else { return false }
        plateauLearningRate = reduced
        return true
    }
}
