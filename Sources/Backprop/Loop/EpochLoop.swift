/// Epoch after epoch as every run does it, for `TrainingSession` (the command line) and
/// `Model.fit` (in-memory data) alike:
///
/// 1. one epoch of steps (`Trainer.trainEpoch`); if the loss or a gradient stops being finite,
///    the parameters go back to those after the last finite epoch and the `TrainingError`
///    is rethrown;
/// 2. the validation set's loss and accuracy, when there is one;
/// 3. the schedule told the epoch's monitored value (validation loss, else training loss);
/// 4. the metrics appended to `history`;
/// 5. early stopping updated, the best epoch's parameters kept when it restores them.
///
/// After the last epoch, `restoreBestWeights()` puts the best epoch's parameters back when
/// early stopping asks for it.
public final class EpochLoop<Scalar: NetworkScalar> {
    public let trainer: Trainer<Scalar>
    public let training: Dataset<Scalar>
    public let validation: Dataset<Scalar>?
    /// Every finished epoch's metrics, first to last.
    public internal(set) var history: [EpochMetrics]
    public internal(set) var earlyStopping: EarlyStopping?
    /// Parameters of the best epoch so far (kept when early stopping restores the best
    /// weights): one network, copied at the first best epoch and overwritten in place later.
    public internal(set) var best: Network<Scalar>?
    /// Parameters after the last completed epoch whose loss was finite.
    let lastGood: Network<Scalar>

    public init(
        trainer: Trainer<Scalar>, training: Dataset<Scalar>, validation: Dataset<Scalar>? = nil,
        earlyStopping: EarlyStopping? = nil, history: [EpochMetrics] = [], best: Network<Scalar>? = nil
    ) {
        self.trainer = trainer
        self.training = training
        self.validation = validation
        self.earlyStopping = earlyStopping
        self.history = history
        self.best = best
        self.lastGood = trainer.network.copy()
    }

    /// Whether early stopping has stopped the run.
    public var hasStoppedEarly: Bool { earlyStopping?.stoppedEpoch != nil }

    /// Runs one epoch (steps 1-5 above); returns its metrics and early stopping's decision.
    /// `afterStep` runs after every update, as `Trainer.trainEpoch`'s does.
    public func runEpoch(
        afterStep: (Trainer<Scalar>.StepProgress) throws -> Void = { _ in }
    ) throws -> (metrics: EpochMetrics, decision: EarlyStopping.Decision) {
        let network = trainer.network
        var metrics: EpochMetrics
        do {
            metrics = try trainer.trainEpoch(on: training, afterStep: afterStep)
        } catch let error as TrainingError {
            network.assignParameters(from: lastGood)
            throw error
        }
        if let validation {
            let evaluation = try network.evaluate(validation)
            metrics.validationLoss = evaluation.loss
            metrics.validationAccuracy = evaluation.accuracy
        }
        let monitored = metrics.validationLoss ?? metrics.trainLoss
        trainer.endEpoch(monitoredValue: monitored)
        history.append(metrics)
        lastGood.assignParameters(from: network)
        guard var stopping = earlyStopping else { return (metrics, .continue) }
        let decision = stopping.update(epoch: metrics.epoch, value: monitored)
        if stopping.isBest && stopping.restoreBestWeights {
            if let best { best.assignParameters(from: network) } else { best = network.copy() }
        }
        earlyStopping = stopping
        return (metrics, decision)
    }

    /// Puts the best epoch's parameters back when early stopping restores the best weights
    /// and has a best epoch; returns that epoch (nil: nothing changed).
    public func restoreBestWeights() -> Int? {
        guard let stopping = earlyStopping, stopping.shouldRestoreBestWeights, let best, let epoch = stopping.bestEpoch
        else { return nil }
        trainer.network.assignParameters(from: best)
        return epoch
    }
}
