/// Compares backpropagation's gradients with central finite differences, in Double.
///
/// For each checked entry θ of each parameter tensor, with J the batch cost the network is
/// trained on: numeric = (J(θ + h) − J(θ − h)) / 2h, and the relative error
/// |analytic − numeric| / max(|analytic| + |numeric|, 1e-8). The truncation error of the
/// central difference is O(h²) ≈ 1e-10 at h = 1e-5 and the rounding error ≈ 1e-16 / h ≈
/// 1e-11, so on a correct backward pass the relative error stays far below 1e-6; anything
/// above that means a wrong derivative (or θ sitting within h of a ReLU kink).
///
/// Tensors larger than `maximumSamplesPerTensor` are checked on that many entries drawn
/// without replacement from a `SeededGenerator` seeded with `seed`.
public struct GradientCheck: Sendable {
    /// h.
    public var step: Double
    /// The most entries checked per tensor; nil checks all.
    public var maximumSamplesPerTensor: Int?
    /// Seeds the choice of sampled entries.
    public var seed: UInt64

    public init(step: Double = 1e-5, maximumSamplesPerTensor: Int? = 2000, seed: UInt64 = 0) {
        self.step = step
        self.maximumSamplesPerTensor = maximumSamplesPerTensor
        self.seed = seed
    }

    /// Runs `network.computeGradients` on the batch loaded in `workspace`, then checks every
    /// tensor. Parameter values are restored exactly; `gradient`s hold the backward pass's
    /// result afterwards.
    public func run(network: Network<Double>, workspace: Workspace<Double>) -> GradientCheckResult {
        network.computeGradients(in: workspace)
        return compare(analytic: network.parameters.map(\.parameter.gradient), network: network, workspace: workspace)
    }

    /// Checks the given analytic gradients (one per tensor, in `network.parameters` order)
    /// against finite differences of the cost of the batch in `workspace`.
    public func compare(analytic: [Matrix<Double>], network: Network<Double>, workspace: Workspace<Double>) -> GradientCheckResult {
        precondition(analytic.count == network.parameters.count, "GradientCheck: one analytic gradient per parameter tensor")
        var generator = SeededGenerator(seed: seed)
        var tensors: [GradientCheckResult.Tensor] = []
        for ((name, parameter), gradient) in zip(network.parameters, analytic) {
            let count = parameter.count
            var indices = Array(0..<count)
            if let limit = maximumSamplesPerTensor, limit < count {
                generator.shuffle(&indices)
                indices = Array(indices.prefix(max(limit, 0))).sorted()
            }
            var worst = GradientCheckResult.Tensor(
                name: name, shape: parameter.value.shape, checkedCount: indices.count,
                maximumRelativeError: 0, worstIndex: nil, analytic: 0, numeric: 0)
            for index in indices {
                let numeric = Self.centralDifference(
                    of: parameter, at: index, step: step, network: network, workspace: workspace)
                let exact = gradient.storage[index]
                let error = Self.relativeError(exact, numeric)
                // NaN compares false, so a non-finite gradient is reported through `!(<)`.
                if worst.worstIndex == nil || !(error <= worst.maximumRelativeError) {
                    worst.maximumRelativeError = error
                    worst.worstIndex = index
                    worst.analytic = exact
                    worst.numeric = numeric
                }
            }
            tensors.append(worst)
        }
        return GradientCheckResult(tensors: tensors, step: step)
    }

    /// The central difference (J(θ + h) − J(θ − h)) / 2h, with θ = `parameter.value.storage[index]`
    /// (row-major: entry (j, i) of an outputs x inputs weight is index j·inputs + i), h = `step`
    /// and J the cost `network.forward(in: workspace)` returns for the batch loaded there.
    /// θ is restored exactly afterwards.
    public static func centralDifference(
        of parameter: Parameter<Double>, at index: Int, step: Double,
        network: Network<Double>, workspace: Workspace<Double>
    ) -> Double {
        let original = parameter.value.storage[index]
        defer { parameter.value.storage[index] = original }
        parameter.value.storage[index] = original + step
        let plus = network.forward(in: workspace)
        parameter.value.storage[index] = original - step
        let minus = network.forward(in: workspace)
        return (plus - minus) / (2 * step)
    }

    /// |analytic − numeric| / max(|analytic| + |numeric|, 1e-8); NaN when either is not finite.
    public static func relativeError(_ analytic: Double, _ numeric: Double) -> Double {
        guard analytic.isFinite, numeric.isFinite else { return .nan }
        return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-8)
    }

    /// A seeded random batch whose targets suit `network.loss`: inputs ~ N(0, 1); class
    /// indices uniform in 0..<outputs (softmax cross-entropy), 0/1 targets (binary
    /// cross-entropy), N(0, 1) targets (mse).
    public static func randomBatch(for network: Network<Double>, rows: Int, seed: UInt64) -> (inputs: Matrix<Double>, targets: Matrix<Double>) {
        var generator = SeededGenerator(seed: seed)
        let inputs = Matrix<Double>(rows: rows, columns: network.inputSize,
                                    elements: (0..<rows * network.inputSize).map { _ in generator.nextNormal() })
        let outputs = network.outputSize
        let targets: Matrix<Double>
        switch network.loss {
        case .softmaxCrossEntropy:
            targets = Matrix(rows: rows, columns: 1, elements: (0..<rows).map { _ in Double(generator.nextIndex(below: outputs)) })
        case .binaryCrossEntropy:
            targets = Matrix(rows: rows, columns: outputs, elements: (0..<rows * outputs).map { _ in Double(generator.nextIndex(below: 2)) })
        case .meanSquaredError:
            targets = Matrix(rows: rows, columns: outputs, elements: (0..<rows * outputs).map { _ in generator.nextNormal() })
        }
        return (inputs, targets)
    }
}
