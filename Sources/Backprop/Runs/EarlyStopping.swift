/// Stops training once a monitored value (validation loss by default) has stopped
/// improving, with Keras's `EarlyStopping` semantics; Codable so a checkpoint can store it.
///
/// After each epoch the trainer calls `update(epoch:value:)`:
/// - improvement means value < best − minimumDelta (mode `.minimize`) or
///   value > best + minimumDelta (mode `.maximize`); NaN never improves;
/// - `wait` counts the epochs since the last improvement; `update` returns `.stop` when
///   wait ≥ patience, but never on the first update. With patience p, training therefore
///   stops after p consecutive epochs without improvement (p = 0: at the first one).
///
/// The trainer owns the parameter snapshot: when `isBest` is true after an update, it
/// copies the parameters; at the end of training (stopped early or not) it puts them back
/// if `shouldRestoreBestWeights` is true, as Keras 3 does. The first update always marks
/// its epoch best, so there is a snapshot even when no epoch ever improves.
///
/// ```swift
/// var stopping = try EarlyStopping(patience: 5, restoreBestWeights: true)
/// for epoch in 1...epochs {
///     let metrics = …                                   // train, then validate
///     let decision = stopping.update(epoch: epoch, value: validationLoss)
///     if stopping.isBest { best = network.copy() }
///     if decision == .stop { break }
/// }
/// if stopping.shouldRestoreBestWeights, let best { network.assignParameters(from: best) }
/// ```
public struct EarlyStopping: Codable, Equatable, Sendable {
    /// Which direction is better.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Lower is better (losses).
        case minimize = "min"
        /// Higher is better (accuracy).
        case maximize = "max"
    }

    /// The quantities of `EpochMetrics` worth watching, each with its direction.
    public enum Monitor: String, Codable, Sendable, CaseIterable {
        case validationLoss = "validation-loss"
        case validationAccuracy = "validation-accuracy"
        case trainingLoss = "training-loss"
        case trainingAccuracy = "training-accuracy"

        /// `.minimize` for losses, `.maximize` for accuracies.
        public var mode: Mode {
            switch self {
            case .validationLoss, .trainingLoss: .minimize
            case .validationAccuracy, .trainingAccuracy: .maximize
            }
        }

        /// The watched value in one epoch's metrics; nil when the epoch did not measure it
        /// (no validation set, or accuracy of a regression).
        public func value(in metrics: EpochMetrics) -> Double? {
            switch self {
            case .validationLoss: metrics.validationLoss
            case .validationAccuracy: metrics.validationAccuracy
            case .trainingLoss: metrics.trainLoss
            case .trainingAccuracy: metrics.trainAccuracy
            }
        }
    }

    /// What the trainer should do after an epoch.
    public enum Decision: Equatable, Sendable {
        case `continue`
        case stop
    }

    /// Why a configuration was rejected; `description` is one line.
    public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Epochs without improvement tolerated before stopping.
    public let patience: Int
    /// The smallest change that counts as an improvement (absolute, ≥ 0).
    public let minimumDelta: Double
    public let mode: Mode
    /// Whether the trainer should put back the best epoch's parameters at the end.
    public let restoreBestWeights: Bool

    /// The best value seen so far; nil before the first update or while only NaN was seen.
    public private(set) var best: Double?
    /// The epoch whose parameters are the snapshot to restore (as passed to `update`).
    public private(set) var bestEpoch: Int?
    /// Epochs since the last improvement (Keras's `wait`).
    public private(set) var wait = 0
    /// Whether the parameters after the last update are the ones to snapshot.
    public private(set) var isBest = false
    /// The epoch at which `update` returned `.stop`.
    public private(set) var stoppedEpoch: Int?
    /// Updates so far.
    public private(set) var updateCount = 0

    /// - Throws: `ConfigurationError` if patience is negative or the delta is negative or
    ///   not finite.
    public init(patience: Int, minimumDelta: Double = 0, mode: Mode = .minimize,
                restoreBestWeights: Bool = false) throws(ConfigurationError) {
        guard patience >= 0 else {
            throw ConfigurationError("early stopping: patience must be ≥ 0 epochs, got \(patience)")
        }
        guard minimumDelta >= 0, minimumDelta.isFinite else {
            throw ConfigurationError("early stopping: minimum delta must be a finite number ≥ 0, got \(minimumDelta)")
        }
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.mode = mode
        self.restoreBestWeights = restoreBestWeights
    }

    /// Whether `value` improves on `reference` by more than `minimumDelta`.
    /// A nil reference stands for +∞ (`.minimize`) or −∞ (`.maximize`), as Keras starts.
    public func isImprovement(_ value: Double, over reference: Double?) -> Bool {
        switch mode {
        case .minimize: value + minimumDelta < (reference ?? .infinity)
        case .maximize: value - minimumDelta > (reference ?? -.infinity)
        }
    }

    /// Records the monitored value after epoch `epoch` and says whether to go on.
    /// Sets `isBest` when this epoch's parameters should be snapshot.
    public mutating func update(epoch: Int, value: Double) -> Decision {
        let isFirst = updateCount == 0
        updateCount += 1
        isBest = false
        if isFirst {
            // Keras keeps the first epoch's weights in case no epoch ever improves.
            bestEpoch = epoch
            isBest = true
        }
        wait += 1
        if isImprovement(value, over: best) {
            best = value
            bestEpoch = epoch
            isBest = true
            wait = 0
            return .continue
        }
        if wait >= patience && !isFirst {
            stoppedEpoch = epoch
            return .stop
        }
        return .continue
    }

    /// Whether the trainer should put back the snapshot of `bestEpoch` now that training
    /// has ended.
    public var shouldRestoreBestWeights: Bool {
        restoreBestWeights && bestEpoch != nil
    }
}
