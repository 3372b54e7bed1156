import Backprop
import CAllocationCounter
import Foundation

/// Whole-epoch (or whole-step) training benchmarks at the configurations the peer scripts in
/// `shared/peers/` measure numpy, JAX, PyTorch and scikit-learn on, so the numbers compare
/// side by side. Data: Fashion-MNIST when installed, else random data of the same shape;
/// loading and the per-epoch shuffle are outside the timed region, as in the peers.
struct TrainingBenchmark {
    /// The configurations of `shared/peers/mlp_peers.py`.
    enum Config: String, CaseIterable {
        case cs229, modern, online, tiny

        /// Matrix-product FLOPs per epoch (per step for `tiny`): forward of every layer,
        /// ∂W of every layer, ∂A of every layer but the first, 2·m·n·k each.
        func flops(examples: Int) -> Double {
            let sizes = networkSizes
            var perExample = 0.0
            for i in 0..<(sizes.count - 1) {
                let product = Double(sizes[i] * sizes[i + 1])
                perExample += 2 * product * (i == 0 ? 2 : 3)
            }
            return perExample * Double(examples)
        }

        var networkSizes: [Int] {
            switch self {
            case .cs229: [784, 300, 10]
            case .modern: [784, 256, 128, 10]
            case .online: [784, 30, 10]
            case .tiny: [2, 3, 1]
            }
        }
    }

    /// The JSON object `backprop-bench --config cs229|modern|online|tiny --json` prints.
    struct Report: Codable {
        var config: String
        var backend: String
        var threads: Int
        var data: String
        var epochs: Int?
        var steps: Int?
        var medianSecondsPerEpoch: Double?
        var minSecondsPerEpoch: Double?
        var medianMicrosecondsPerStep: Double?
        var minMicrosecondsPerStep: Double?
        var gflops: Double
        var allocationsPerStep: Double?
        /// The training steps' subnormal mode: "flush-to-zero" or "ieee" (tiny's steps run
        /// outside a `Trainer`, in the thread's default IEEE mode).
        var subnormals: String
        var machine: MachineDescription = .current()
        var trainLoss: Double
        var trainAccuracy: Double?
        var testAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case config, backend, threads, data, epochs, steps, gflops
            case medianSecondsPerEpoch = "median_seconds_per_epoch"
            case minSecondsPerEpoch = "min_seconds_per_epoch"
            case medianMicrosecondsPerStep = "median_microseconds_per_step"
            case minMicrosecondsPerStep = "min_microseconds_per_step"
            case allocationsPerStep = "allocations_per_step"
            case subnormals, machine
            case trainLoss = "train_loss"
            case trainAccuracy = "train_accuracy"
            case testAccuracy = "test_accuracy"
        }
    }

    let config: Config
    let threads: Int
    let epochs: Int
    let steps: Int
    /// `TrainingConfiguration.flushesSubnormals` for the epoch configurations.
    let flushesSubnormals: Bool

    /// Runs on `Backend.current`, which the caller has set to `threads` worker threads.
    func run() throws -> Report {
        config == .tiny ? try runTiny() : try runEpochs()
    }

    // MARK: MNIST-shaped configurations

    func runEpochs() throws -> Report {
        let (training, test, dataName) = loadImages()
        let preset: TrainingPreset = switch config {
        case .cs229: .cs229
        case .modern: .modern
        case .online, .tiny: .nielsen
        }
        let recipe = preset.recipe()
        var train = training
        var evaluation = test
        let scaling = try InputScaling.fit(recipe.inputScaling, to: train.inputs)
        try scaling.apply(to: &train)
        try scaling.apply(to: &evaluation)
        let network = try recipe.specification.makeNetwork(sizes: recipe.layers!, as: Float.self)
        let trainer = Trainer(
            network: network, optimizer: try recipe.makeOptimizer().optimizer,
            configuration: TrainingConfiguration(
                batchSize: recipe.batchSize, shuffle: recipe.shuffle, seed: 0, flushesSubnormals: flushesSubnormals))
        var seconds: [Double] = []
        var allocations: [Double] = []
        var last: EpochMetrics?
        for _ in 0..<epochs {
            let stepsBefore = trainer.completedSteps
            let before = bp_allocation_count()
            let metrics = try trainer.trainEpoch(on: train)
            let counted = bp_allocation_count() - before
            allocations.append(Double(counted) / Double(trainer.completedSteps - stepsBefore))
            seconds.append(metrics.seconds)
            last = metrics
        }
        // The first epoch sizes every buffer; the steady state is what follows it.
        let steady = Array(seconds.dropFirst(seconds.count > 1 ? 1 : 0)).sorted()
        let median = steady[steady.count / 2]
        return Report(
            config: config.rawValue, backend: Backend.current.description, threads: threads, data: dataName,
            epochs: epochs, medianSecondsPerEpoch: median, minSecondsPerEpoch: steady[0],
            gflops: config.flops(examples: train.count) / median / 1e9,
            allocationsPerStep: bp_allocation_counting_available() == 1 ? allocations.dropFirst().min() ?? allocations[0] : nil,
            subnormals: flushesSubnormals ? "flush-to-zero" : "ieee", trainLoss: last!.trainLoss, trainAccuracy: last!.trainAccuracy,
            testAccuracy: try network.evaluate(evaluation).accuracy)
    }

    /// Fashion-MNIST's training and test sets, or random data of their shape.
    func loadImages() -> (Dataset<Float>, Dataset<Float>, String) {
        if let data = try? FashionMNIST.load() {
            func dataset(_ images: Matrix<Float>, _ labels: [Int]) -> Dataset<Float> {
                Dataset(inputs: images, targets: Matrix(rows: labels.count, columns: 1, elements: labels.map(Float.init)))
            }
            return (dataset(data.trainImages, data.trainLabels), dataset(data.testImages, data.testLabels), "fashion-mnist")
        }
        var generator = SeededGenerator(seed: 1)
        func random(_ count: Int) -> Dataset<Float> {
            Dataset(
                inputs: Matrix(rows: count, columns: 784, elements: (0..<count * 784).map { _ in Float(generator.nextIndex(below: 256)) }),
                targets: Matrix(rows: count, columns: 1, elements: (0..<count).map { _ in Float(generator.nextIndex(below: 10)) }))
        }
        return (random(60_000), random(10_000), "random (fashion-mnist not installed)")
    }

    // MARK: tiny: the 2-3-1 classifier's 2-3-1 network, full batch

    /// The 2-3-1 classifier's network on 200 2-D points (two Gaussian blobs), binary cross-entropy, full
    /// batch SGD α = 0.5: the time of forward + backward + update, as the `Trainer`'s step
    /// (`StepPlanner.plan(for:)`) runs them.
    func runTiny() throws -> Report {
        var generator = SeededGenerator(seed: 0)
        var inputs = Matrix<Float>(rows: 200, columns: 2)
        var targets = Matrix<Float>(rows: 200, columns: 1)
        for row in 0..<200 {
            let label = row % 2
            let center: Float = label == 0 ? -1 : 1
            inputs[row, 0] = center + Float(generator.nextNormal())
            inputs[row, 1] = center + Float(generator.nextNormal())
            targets[row, 0] = Float(label)
        }
        let network = try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy,
                                         initializer: .he, seed: 0, hiddenBias: false)
        let workspace = Workspace(network: network, batchSize: 200)
        workspace.load(inputs: inputs, targets: targets)
        var optimizer: any Optimizer = SGD(learningRate: 0.5)
        let configuration = TrainingConfiguration(batchSize: 200, flushesSubnormals: false)
        let step = StepPlanner.plan(for: network)
        for _ in 0..<200 {  // warm-up
            step.computeGradients(in: workspace, optimizer: optimizer, configuration: configuration)
            step.applyUpdate(in: workspace, optimizer: &optimizer)
        }
        // Samples of `chunk` steps each; per-step time = sample / chunk.
        let chunk = 100
        var samples: [Double] = []
        samples.reserveCapacity(steps / chunk)  // no growth inside the counted region
        let before = bp_allocation_count()
        var loss = 0.0
        for _ in 0..<(steps / chunk) {
            let start = now()
            for _ in 0..<chunk {
                loss = step.computeGradients(in: workspace, optimizer: optimizer, configuration: configuration)
                step.applyUpdate(in: workspace, optimizer: &optimizer)
            }
            samples.append((now() - start) / Double(chunk))
        }
        let allocations = Double(bp_allocation_count() - before) / Double(steps / chunk * chunk)
        samples.sort()
        let median = samples[samples.count / 2]
        let evaluation = try network.evaluate(Dataset(inputs: inputs, targets: targets))
        return Report(
            config: "tiny", backend: Backend.current.description, threads: threads, data: "two Gaussian blobs, 200 points",
            steps: steps / chunk * chunk, medianMicrosecondsPerStep: median * 1e6, minMicrosecondsPerStep: samples[0] * 1e6,
            gflops: config.flops(examples: 200) / median / 1e9,
            allocationsPerStep: bp_allocation_counting_available() == 1 ? allocations : nil,
            subnormals: "ieee", trainLoss: loss, trainAccuracy: evaluation.accuracy)
    }
}
