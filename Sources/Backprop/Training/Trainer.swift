#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Minibatch training: for each epoch, (optionally) shuffle, then for each batch of
/// `batchSize` rows run forward, BP1-BP4 and one optimizer update.
///
/// The step allocates nothing once the first full batch has sized the workspace. The
/// shuffle draws from a `SeededGenerator`, so the same seed gives the same batches.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    public var epochs: Int
    /// Rows per minibatch; the last batch of an epoch may be smaller (it is kept).
    public var batchSize: Int
    /// Shuffle the rows at the start of every epoch (false: file order, as CS229's starter).
    public var shuffle: Bool
    /// Seed of the shuffle's generator.
    public var seed: UInt64
    /// L2 penalty λ·Σ‖W‖² on weights only (not biases), added to the cost's gradient as
    /// 2λW, as in the CS229 problem set.
    public var l2: Double

    public init(epochs: Int = 10, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0, l2: Double = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.l2 = l2
    }
}

public final class Trainer<Scalar: NetworkScalar> {
    public let network: Network<Scalar>
    public var optimizer: any Optimizer
    public var configuration: TrainingConfiguration
    /// The shuffle's generator; its state is part of a checkpoint.
    public var generator: SeededGenerator
    /// Epochs completed so far.
    public private(set) var completedEpochs = 0
    /// Steps (optimizer updates) completed so far.
    public private(set) var completedSteps = 0
    let workspace: Workspace<Scalar>
    var order: [Int] = []

    public init(network: Network<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration) {
        precondition(configuration.batchSize > 0, "Trainer: batch size must be positive")
        self.network = network
        self.optimizer = optimizer
        self.configuration = configuration
        self.generator = SeededGenerator(seed: configuration.seed)
        self.workspace = Workspace(network: network, batchSize: configuration.batchSize)
    }

    /// Checks that `dataset` fits the network: input width, target shape and values.
    public func validate(_ dataset: Dataset<Scalar>, name: String = "training data") throws(TrainingError) {
        guard dataset.inputs.columns == network.inputSize else {
            throw .shape("\(name): \(dataset.inputs.columns) features per example, but the network's first layer expects \(network.inputSize)")
        }
        do {
            try network.loss.validate(targets: dataset.targets, outputSize: network.outputSize)
        } catch {
            throw .shape("\(name): \(error.description)")
        }
        if let index = dataset.inputs.storage.firstIndex(where: { !$0.isFinite }) {
            throw .shape("\(name): row \(index / dataset.inputs.columns + 1) has a non-finite value \(dataset.inputs.storage[index])")
        }
    }

    /// Trains for one epoch over `dataset` and returns its metrics (without validation).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func trainEpoch(on dataset: Dataset<Scalar>) throws(TrainingError) -> EpochMetrics {
        let epoch = completedEpochs + 1
        if order.count != dataset.count { order = Array(0..<dataset.count) }
        if configuration.shuffle {
            generator.shuffle(&order)
        } else {
            for i in order.indices { order[i] = i }
        }
        let started = monotonicSeconds()
        var lossSum = 0.0
        var correct = 0
        var start = 0
        let isClassification = network.loss.isClassification
        let lastLayer = network.layers.count - 1
        while start < dataset.count {
            let end = min(start + configuration.batchSize, dataset.count)
            workspace.loadRows(order[start..<end], of: dataset)
            let cost = network.computeGradients(in: workspace)
            if isClassification {
                correct += network.loss.correctCount(logits: workspace.outputs[lastLayer], targets: workspace.targets)
            }
            if configuration.l2 != 0 { addL2Gradient() }
            if !cost.isFinite || firstNonFiniteGradient() != nil {
                throw .diverged(epoch: epoch, step: completedSteps + 1, loss: cost, parameter: firstNonFiniteGradient())
            }
            optimizer.step(network.parameters)
            completedSteps += 1
            lossSum += cost * Double(end - start)
            start = end
        }
        completedEpochs += 1
        let count = Double(max(dataset.count, 1))
        return EpochMetrics(
            epoch: epoch, trainLoss: lossSum / count,
            trainAccuracy: isClassification ? Double(correct) / count : nil,
            learningRate: optimizer.learningRate, seconds: monotonicSeconds() - started)
    }

    /// ∂J/∂W += 2λW for every weight tensor (biases are not penalized).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addL2Gradient() {
        let factor = Scalar(2 * configuration.l2)
        for (_, parameter) in network.parameters where parameter.isWeight {
            Matrix.map(parameter.value, into: &parameter.gradient) { weight, gradient, count in
                for i in 0..<count { gradient[i] += factor * weight[i] }
            }
        }
    }

    /// The state-dict name of the first parameter whose gradient holds NaN or ±∞.
    func firstNonFiniteGradient() -> String? {
        for (name, parameter) in network.parameters {
            let finite = parameter.gradient.storage.withUnsafeBufferPointer { gradient in
                // A sum is NaN or infinite when any term is; one pass, no branches per element.
                var sum: Scalar = 0
                for value in gradient { sum += value * 0 }
                return sum == 0
            }
            if !finite { return name }
        }
        return nil
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
