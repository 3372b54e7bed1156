/// Compares backpropagation's gradients with central finite differences, in Double.
///
/// For each checked entry θ of each parameter tensor, with J the batch cost the network is
/// trained on: numeric = D(h) = (J(θ + h) − J(θ − h)) / 2h, and the error
///
///     error = max(0, |analytic − numeric| − 4u) / max(|analytic| + |numeric|, 1e-8)
///
/// where u is the finite difference's own uncertainty: its truncation error, estimated by
/// Richardson as |D(2h) − D(h)| / 3 (D(h) − J′ ≈ h²J‴/6, four times that at 2h), plus its
/// rounding error 32·ε·max(|J(θ ± h)|) / h (ε = 2⁻⁵²). On a fresh random network both are
/// tiny (h²J‴ ≈ 1e-10, ε/h ≈ 2e-11 at h = 1e-5) and the error is the plain relative error.
/// On a trained network with saturated units or a loss near 0, gradients of 1e-9 sit below
/// what a difference of costs can resolve, and J‴ is large: there the plain relative error
/// measures the finite difference's noise, and subtracting u keeps it from failing a correct
/// backward pass. A wrong derivative is off by a fraction of the gradient itself, far more
/// than u, and still fails a threshold of 1e-6 (or θ sits within 2h of a ReLU kink).
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
                let (numeric, uncertainty) = Self.centralDifferenceWithUncertainty(
                    of: parameter, at: index, step: step, network: network, workspace: workspace)
                let exact = gradient.storage[index]
                let error = Self.relativeError(exact, numeric, uncertainty: uncertainty)
                // NaN compares false, so a non-finite gradient is reported through `!(<)`.
                if worst.worstIndex == nil || !(error <= worst.maximumRelativeError) {
                    worst.maximumRelativeError = error
                    worst.worstIndex = index
                    worst.analytic = exact
                    worst.numeric = numeric
                    worst.uncertainty = uncertainty
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

    /// D(h) as `centralDifference` computes it, and its uncertainty u: the truncation error
    /// estimated from D(2h) as |D(2h) − D(h)| / 3, plus the rounding error
    /// 32·ε·max(|J(θ + h)|, |J(θ − h)|) / h. Four forward passes, two more than D(h) alone.
    public static func centralDifferenceWithUncertainty(
        of parameter: Parameter<Double>, at index: Int, step: Double,
        network: Network<Double>, workspace: Workspace<Double>
    ) -> (value: Double, uncertainty: Double) {
        let original = parameter.value.storage[index]
        defer { parameter.value.storage[index] = original }
        func cost(_ offset: Double) -> Double {
            parameter.value.storage[index] = original + offset
            return network.forward(in: workspace)
        }
        let plus = cost(step), minus = cost(-step)
        let value = (plus - minus) / (2 * step)
        let wide = (cost(2 * step) - cost(-2 * step)) / (4 * step)
        let rounding = 32 * Double.ulpOfOne * max(abs(plus), abs(minus)) / step
        return (value, abs(wide - value) / 3 + rounding)
    }

    /// |analytic − numeric| / max(|analytic| + |numeric|, 1e-8); NaN when either is not finite.
    public static func relativeError(_ analytic: Double, _ numeric: Double) -> Double {
        guard analytic.isFinite, numeric.isFinite else { return .nan }
        return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-8)
    }

    /// The relative error beyond the finite difference's uncertainty u:
    /// max(0, |analytic − numeric| − 4u) / max(|analytic| + |numeric|, 1e-8); NaN when a value
    /// is not finite.
    public static func relativeError(_ analytic: Double, _ numeric: Double, uncertainty: Double) -> Double {
        guard analytic.isFinite, numeric.isFinite, uncertainty.isFinite else { return .nan }
        return max(0, abs(analytic - numeric) - 4 * uncertainty) / max(abs(analytic) + abs(numeric), 1e-8)
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
