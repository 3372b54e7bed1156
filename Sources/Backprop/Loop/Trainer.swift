/// Minibatch training: for each epoch, (optionally) shuffle, then for each batch of
/// `batchSize` rows run forward, BP1-BP4 and one optimizer update.
///
/// Each update is a `TrainingStep` (the equations, or a fast step with the same bits, chosen
/// by `StepPlanner`), run by the trainer's `ExecutionPolicy` (its backend and thread count,
/// and the configuration's subnormal mode, installed around the step only). The step
/// allocates nothing once the first full batch has sized the workspace. The shuffle draws
/// from a `SeededGenerator`, so the same seed gives the same batches, and `position` records
/// exactly where training stands so a checkpointed run can continue bit for bit.
public final class Trainer<Scalar: NetworkScalar> {
    public let network: Network<Scalar>
    public var optimizer: any Optimizer
    public var configuration: TrainingConfiguration
    /// Per-epoch learning rates; nil keeps the optimizer's rate.
    public var scheduler: LearningRateScheduler?
    /// Where training stands (part of a checkpoint).
    public var position: TrainingPosition
    /// Where the steps run: backend, threads, thread tuning.
    public var execution: ExecutionPolicy
    /// How each update is computed: `StepPlanner.plan(for: network)` unless replaced, e.g. by
    /// a `ReferenceStep` to read every parameter's gradient after each step (a fast step may
    /// leave one unstored), or by a step that wraps another.
    public var step: any TrainingStep<Scalar>
    let workspace: Workspace<Scalar>
    var order: [Int] = []

    /// A trainer for `network`, running on `execution` (by default the calling thread's
    /// backend, untuned) with the step `StepPlanner` picks.
    public init(network: Network<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration,
                scheduler: LearningRateScheduler? = nil, execution: ExecutionPolicy = ExecutionPolicy()) {
        precondition(configuration.batchSize > 0, "Trainer: batch size must be positive")
        self.network = network
        self.optimizer = optimizer
        self.configuration = configuration
        self.scheduler = scheduler
        self.position = TrainingPosition(seed: configuration.seed)
        self.workspace = Workspace(network: network, batchSize: configuration.batchSize)
        self.execution = execution
        self.step = StepPlanner.plan(for: network)
    }

    /// Epochs completed so far.
    public var completedEpochs: Int { position.completedEpochs }
    /// Optimizer updates completed so far.
    public var completedSteps: Int { position.completedSteps }

    /// Checks that `dataset` fits the network: input width, target shape and values, and
    /// finite inputs.
    public func validate(_ dataset: Dataset<Scalar>, name: String = "training data") throws(TrainingError) {
        guard dataset.inputs.columns == network.inputSize else {
            throw .shape("\(name): \(dataset.inputs.columns) features per example, but the network's first layer expects \(network.inputSize)")
        }
        guard dataset.count > 0 else { throw .shape("\(name): no examples") }
        do {
            try network.loss.validate(targets: dataset.targets, outputSize: network.outputSize)
        } catch {
            throw .shape("\(name): \(error.description)")
        }
        if let index = dataset.inputs.storage.firstIndex(where: { !$0.isFinite }) {
            throw .shape("\(name): row \(index / dataset.inputs.columns + 1) has a non-finite value \(dataset.inputs.storage[index])")
        }
    }

    /// What the step hook of `trainEpoch` sees after each update.
    public struct StepProgress: Sendable {
        public var epoch: Int
        public var batchesDone: Int
        public var batchCount: Int
        public var examplesDone: Int
        /// Mean loss over the batches so far in this epoch.
        public var runningLoss: Double
        /// Seconds spent in this epoch's steps so far.
        public var seconds: Double
        /// Optimizer updates so far, over the whole run.
        public var completedSteps: Int
    }

    /// Trains for one epoch over `dataset` (or the rest of it, when `position` says an
    /// epoch is half done) and returns its metrics, without validation.
    ///
    /// `afterStep` runs after every update (progress display, step checkpoints); the
    /// trainer's `position` is consistent when it runs.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func trainEpoch(
        on dataset: Dataset<Scalar>, afterStep: (StepProgress) throws -> Void = { _ in }
    ) throws -> EpochMetrics {
        let epoch = position.completedEpochs + 1
        if let scheduler { optimizer.learningRate = scheduler.learningRate(forEpoch: position.completedEpochs) }
        // Recreate this epoch's order from the generator as it was before the shuffle, so a
        // resumed epoch sees exactly the batches the interrupted one would have.
        var generator = position.epochStartGenerator
        if order.count != dataset.count { order = Array(0..<dataset.count) }
        for i in order.indices { order[i] = i }
        if configuration.shuffle { generator.shuffle(&order) }

        let batchSize = configuration.batchSize
        let batchCount = (dataset.count + batchSize - 1) / batchSize
        let isClassification = network.loss.isClassification
        let lastLayer = network.layers.count - 1
        var batch = position.batchesIntoEpoch
        var lossSum = position.partialLossSum
        var correct = position.partialCorrect
        let secondsBefore = position.partialSeconds
        let started = monotonicSeconds()
        while batch < batchCount {
            let start = batch * batchSize
            let end = min(start + batchSize, dataset.count)
            // Unshuffled batches are consecutive rows: one block copy instead of a gather.
            if configuration.shuffle {
                workspace.loadRows(order[start..<end], of: dataset)
            } else {
                workspace.loadRows(start..<end, of: dataset)
            }
            let cost = try execution.perform(flushingSubnormals: configuration.flushesSubnormals) {
                let cost = step.computeGradients(in: workspace, optimizer: optimizer, configuration: configuration)
                let gradients = step.gradientsForUpdate
                if !cost.isFinite || firstNonFiniteGradient(in: gradients) != nil {
                    throw TrainingError.diverged(
                        epoch: epoch, step: position.completedSteps + 1, loss: cost,
                        location: divergenceLocation(lossIsFinite: cost.isFinite, gradients: gradients))
                }
                if isClassification {
                    correct += network.loss.correctCount(logits: workspace.outputs[lastLayer], targets: workspace.targets)
                }
                step.applyUpdate(in: workspace, optimizer: &optimizer)
                return cost
            }
            lossSum += cost * Double(end - start)
            batch += 1
            position.completedSteps += 1
            position.batchesIntoEpoch = batch
            position.partialLossSum = lossSum
            position.partialCorrect = correct
            position.partialSeconds = secondsBefore + monotonicSeconds() - started
            try afterStep(StepProgress(
                epoch: epoch, batchesDone: batch, batchCount: batchCount, examplesDone: end,
                runningLoss: lossSum / Double(end), seconds: position.partialSeconds,
                completedSteps: position.completedSteps))
        }
        let count = Double(max(dataset.count, 1))
        let metrics = EpochMetrics(
            epoch: epoch, trainLoss: lossSum / count,
            trainAccuracy: isClassification ? Double(correct) / count : nil,
            learningRate: optimizer.learningRate, seconds: secondsBefore + monotonicSeconds() - started)
        position.completedEpochs += 1
        position.batchesIntoEpoch = 0
        position.epochStartGenerator = generator
        position.partialLossSum = 0
        position.partialCorrect = 0
        position.partialSeconds = 0
        return metrics
    }

    /// Tells the scheduler the epoch is over: `monitoredValue` is what a plateau schedule
    /// watches (the validation loss, or the training loss without validation).
    public func endEpoch(monitoredValue: Double?) {
        scheduler?.epochEnded(monitoredValue: monitoredValue)
    }

    /// Where non-finite values first appear: the first layer output (forward order), else
    /// the loss on the last layer's output, else the first of `gradients` that is not finite.
    /// The forward pass runs again first, storing every layer's output (a fast step may have
    /// stored only the last one); the parameters have not changed since.
    func divergenceLocation(
        lossIsFinite: Bool, gradients: [(name: String, parameter: Parameter<Scalar>)]
    ) -> String? {
        network.forward(in: workspace)
        for (index, output) in workspace.outputs.enumerated() where !Self.allFinite(output.storage) {
            return "the output of layer \(index) (\(network.layers[index].kind))"
        }
        if !lossIsFinite {
            let last = network.layers.count - 1
            return "the \(network.loss.rawValue) loss on the output of layer \(last) (\(network.layers[last].kind))"
        }
        return firstNonFiniteGradient(in: gradients).map { name in
            let layer = Int(name.split(separator: ".")[0]) ?? 0
            return "the gradient of \(name) (layer \(layer), \(network.layers[layer].kind))"
        }
    }

    /// Whether every value is finite. A value is NaN or ±∞ exactly when its exponent bits are
    /// all ones; adding one to the exponent field then carries into the sign bit. The check
    /// ORs those carries with integer operations only, so the loop vectorizes (a
    /// floating-point sum would be a serial dependency chain). Float arrays go through
    /// `bp_all_finite`, the same test in C with the CPU's widest vectors (`FiniteCheckJob`); Double arrays
    /// through the loop below.
    static func allFinite(_ values: [Scalar]) -> Bool {
        values.withUnsafeBufferPointer { buffer in
            if Scalar.self == Float.self {
                return buffer.withMemoryRebound(to: Float.self) { FiniteCheckJob.allFinite($0) }
            }
            guard MemoryLayout<Scalar>.size == 8 else { return buffer.allSatisfy(\.isFinite) }
            return buffer.withMemoryRebound(to: UInt64.self) { words in
                var carries: UInt64 = 0
                for bits in words {
                    carries |= ((bits & 0x7FF0_0000_0000_0000) &+ 0x0010_0000_0000_0000) & 0x8000_0000_0000_0000
                }
                return carries == 0
            }
        }
    }

    /// The state-dict name of the first of `parameters` whose gradient holds NaN or ±∞.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func firstNonFiniteGradient(in parameters: [(name: String, parameter: Parameter<Scalar>)]) -> String? {
        parameters.first { !Self.allFinite($0.parameter.gradient.storage) }?.name
    }
}
