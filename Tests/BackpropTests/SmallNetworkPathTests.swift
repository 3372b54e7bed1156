import CBackpropKernels
import Testing
@testable import Backprop

/// The fused small-network step (`SmallNetworkPath`) against the general layer-by-layer path.
///
/// Tolerance: both paths compute in `Float` but sum in different orders (lanes, then a
/// fixed-order reduction, against the GEMM's row order) and the softmax's exp/log differ by
/// about an ulp, so each value may differ by a few ulps of the largest terms summed. A
/// difference is measured relative to the largest magnitude in its tensor (a gradient entry
/// near 0 is the sum of terms of the size of the others) and must stay within 1e-5. A whole
/// parameter gradient can cancel, too: with two softmax classes the two columns of δ⁽ᴸ⁾ are
/// opposite, and the output bias's gradient, their column sums, can be hundreds of times
/// smaller than Σ|δ|. So a parameter gradient's scale is at least the largest magnitude of
/// any parameter gradient of the step.
///
/// Levels: every test runs the level this CPU detects; `everyLevelAgrees` and the non-finite
/// tests also run each lower one. The AVX-512 copies (16 lanes, and 32 for networks whose
/// widths are all at most 4) therefore run only on an AVX-512 host.
@Suite struct SmallNetworkPathTests {
    /// The losses as the path distinguishes them (softmax with both target layouts).
    enum LossCase: CaseIterable, CustomStringConvertible {
        case meanSquaredError, binaryCrossEntropy, softmaxClassIndex, softmaxProbabilities

        var loss: LossFunction {
            switch self {
            case .meanSquaredError: .meanSquaredError
            case .binaryCrossEntropy: .binaryCrossEntropy
            case .softmaxClassIndex, .softmaxProbabilities: .softmaxCrossEntropy
            }
        }

        var description: String {
            switch self {
            case .meanSquaredError: "mse"
            case .binaryCrossEntropy: "bce"
            case .softmaxClassIndex: "softmax (class index)"
            case .softmaxProbabilities: "softmax (probabilities)"
            }
        }

        /// Probability targets need two classes at least (one column reads as class indices).
        func fits(outputs k: Int) -> Bool { self != .softmaxProbabilities || k > 1 }

        /// n targets for k outputs, in the layout this case uses.
        func targets(rows: Int, outputs k: Int, using generator: inout SeededGenerator) -> Matrix<Float> {
            switch self {
            case .meanSquaredError:
                return Matrix(rows: rows, columns: k, elements: (0..<rows * k).map { _ in Float(generator.nextNormal()) })
            case .binaryCrossEntropy:
                return Matrix(rows: rows, columns: k, elements: (0..<rows * k).map { _ in Float(generator.nextUnitDouble()) })
            case .softmaxClassIndex:
                return Matrix(rows: rows, columns: 1, elements: (0..<rows).map { _ in Float(generator.nextIndex(below: k)) })
            case .softmaxProbabilities:
                var elements: [Float] = []
                for _ in 0..<rows {
                    // A soft distribution with one zero entry (the zero term is skipped).
                    var row = (0..<k).map { _ in Float(generator.nextUnitDouble()) + 0.1 }
                    if k > 1 { row[generator.nextIndex(below: k)] = 0 }
                    let sum = row.reduce(0, +)
                    elements += row.map { $0 / sum }
                }
                return Matrix(rows: rows, columns: k, elements: elements)
            }
        }
    }

    /// A network's layer sizes and which of its dense layers have a bias.
    struct Shape: CustomStringConvertible {
        var sizes: [Int]
        var hiddenBias = true
        var outputBias = true

        var description: String {
            "\(sizes)" + (hiddenBias ? "" : " no hidden bias") + (outputBias ? "" : " no output bias")
        }
    }

    /// Each kernel with and without biases: seed 001's 2-3-1 without hidden bias and seed
    /// 002's 3-2-2 (width 4, two layers), 3-4-2-2 and a single layer 4-3 (width 4, any depth),
    /// 4-8-8-3 (width 8) and 5-12-3 (the general kernel); then 4-8-8-3 and 5-12-3 without hidden
    /// bias and 3-4-2-2 without output bias (the kernels' branches for a missing bias).
    static let shapes: [Shape] = [
        Shape(sizes: [2, 3, 1], hiddenBias: false), Shape(sizes: [3, 2, 2]), Shape(sizes: [3, 4, 2, 2]),
        Shape(sizes: [4, 3]), Shape(sizes: [4, 8, 8, 3]), Shape(sizes: [5, 12, 3]),
        Shape(sizes: [4, 8, 8, 3], hiddenBias: false), Shape(sizes: [5, 12, 3], hiddenBias: false),
        Shape(sizes: [3, 4, 2, 2], outputBias: false),
    ]
    /// Sizes that are and are not multiples of the lanes of a block (4, 8, 16 and 32): 59
    /// leaves a partial last block that reaches into the second register of the paired copies
    /// (59 = 32 + 27 = 3·16 + 11).
    static let batchSizes = [1, 7, 16, 59, 200]

    /// A Float network with random weights and biases.
    static func network(_ shape: Shape, activation: Activation, loss: LossFunction, seed: UInt64) throws -> Network<Float> {
        try network(sizes: shape.sizes, hiddenBias: shape.hiddenBias, outputBias: shape.outputBias, activation: activation, loss: loss, seed: seed)
    }

    /// A Float network with random weights and biases.
    static func network(sizes: [Int], hiddenBias: Bool, outputBias: Bool = true, activation: Activation, loss: LossFunction, seed: UInt64) throws -> Network<Float> {
        let network = try Network<Float>(
            sizes: sizes, activation: activation, loss: loss, initializer: .glorot, seed: seed, hiddenBias: hiddenBias, outputBias: outputBias)
        var generator = SeededGenerator(seed: seed &+ 100)
        for (_, parameter) in network.parameters where !parameter.isWeight {
            for index in parameter.value.storage.indices { parameter.value.storage[index] = Float(generator.nextNormal()) * 0.5 }
        }
        return network
    }

    /// A loaded workspace: inputs uniform in ±2 (never exactly 0, so no ReLU sits on its kink).
    static func workspace(for network: Network<Float>, rows: Int, lossCase: LossCase, seed: UInt64) -> Workspace<Float> {
        var generator = SeededGenerator(seed: seed)
        let inputs = Matrix<Float>(rows: rows, columns: network.inputSize, elements: (0..<rows * network.inputSize).map { _ in
            Float(generator.nextUnitDouble() * 4 - 2) + 1e-3
        })
        let targets = lossCase.targets(rows: rows, outputs: network.outputSize, using: &generator)
        let workspace = Workspace(network: network, batchSize: rows)
        if targets.columns == workspace.targets.columns {
            workspace.load(inputs: inputs, targets: targets)
        } else {
            // Softmax with probability targets: the workspace holds one column by default.
            workspace.load(inputs: inputs, targets: Matrix(rows: rows, columns: 1))
            workspace.targets = targets
        }
        return workspace
    }

    /// Everything a step leaves behind.
    struct StepResult {
        var loss: Double
        var outputs: [Matrix<Float>]
        var outputGradient: Matrix<Float>
        var parameterGradients: [Matrix<Float>]
    }

    /// One step through the small path (`path`, or a new one for the network) when the network
    /// has one (which must then run: no silent fallback to the general path), else through the
    /// general path.
    static func step(
        _ network: Network<Float>, _ workspace: Workspace<Float>, path: SmallNetworkPath<Float>? = nil,
        forwardOnly: Bool = false, general: Bool = false
    ) throws -> StepResult {
        for (_, parameter) in network.parameters {
            parameter.gradient = Matrix(rows: parameter.value.rows, columns: parameter.value.columns, repeating: .nan)
        }
        let loss: Double
        if !general, let smallPath = path ?? SmallNetworkPath(network: network) {
            loss = try #require(smallPath.run(in: workspace, computeGradients: !forwardOnly), "the small path did not run")
        } else {
            loss = forwardOnly ? network.forward(in: workspace) : network.computeGradients(in: workspace)
        }
        return StepResult(
            loss: loss, outputs: workspace.outputs, outputGradient: workspace.gradients[workspace.gradients.count - 1],
            parameterGradients: network.parameters.map(\.parameter.gradient))
    }

    /// The same step through the general path (`Network.computeGradients`, `Network.forward`).
    static func generalStep(_ network: Network<Float>, _ workspace: Workspace<Float>, forwardOnly: Bool = false) throws -> StepResult {
        try step(network, workspace, forwardOnly: forwardOnly, general: true)
    }

    /// The largest difference relative to the tensor's largest magnitude, or to `scale` when
    /// that is larger.
    static func relativeDifference(_ a: Matrix<Float>, _ b: Matrix<Float>, scale floor: Float = 0) -> Float {
        guard a.shape == b.shape else { return .infinity }
        let scale = max(a.storage.map(abs).max() ?? 0, b.storage.map(abs).max() ?? 0, floor, Float.leastNormalMagnitude)
        return zip(a.storage, b.storage).map { abs($0 - $1) / scale }.max() ?? 0
    }

    static let tolerance: Float = 1e-5

    static func expectAgreement(_ small: StepResult, _ general: StepResult, _ label: String, gradients: Bool = true) {
        #expect(abs(small.loss - general.loss) <= Double(tolerance) * max(abs(general.loss), 1e-3), "\(label): loss \(small.loss) vs \(general.loss)")
        for (index, (a, b)) in zip(small.outputs, general.outputs).enumerated() {
            #expect(relativeDifference(a, b) <= tolerance, "\(label): outputs[\(index)] differ by \(relativeDifference(a, b))")
        }
        #expect(relativeDifference(small.outputGradient, general.outputGradient) <= tolerance, "\(label): δ⁽ᴸ⁾ differs")
        guard gradients else { return }
        let scale = general.parameterGradients.map { $0.storage.map(abs).max() ?? 0 }.max() ?? 0
        for (index, (a, b)) in zip(small.parameterGradients, general.parameterGradients).enumerated() {
            let difference = relativeDifference(a, b, scale: scale)
            #expect(difference <= tolerance, "\(label): gradient of parameter \(index) differs by \(difference)")
        }
    }

    // MARK: - Agreement with the general path

    @Test(arguments: Activation.allCases, LossCase.allCases)
    func agreesWithTheGeneralPath(activation: Activation, lossCase: LossCase) throws {
        for (shapeIndex, shape) in Self.shapes.enumerated() where lossCase.fits(outputs: shape.sizes.last!) {
            let network = try Self.network(shape, activation: activation, loss: lossCase.loss, seed: UInt64(shapeIndex + 1))
            #expect(SmallNetworkPath(network: network) != nil, "\(shape) should take the small path")
            for rows in Self.batchSizes {
                let workspace = Self.workspace(for: network, rows: rows, lossCase: lossCase, seed: UInt64(rows))
                let label = "\(shape) \(activation) \(lossCase) n=\(rows)"
                let small = try Self.step(network, workspace)
                let general = try Self.generalStep(network, workspace)
                Self.expectAgreement(small, general, label)
                #expect(small.loss.isFinite, "\(label): loss not finite")
            }
        }
    }

    /// Every instruction-set level this CPU runs gives the same answer: AVX-512 (16 lanes, 32
    /// when every width is at most 4), AVX2 (8 lanes, 16 when every width is at most 4) and
    /// the portable copy (4 lanes).
    @Test(arguments: SIMDLevel.available)
    func everyLevelAgrees(level: SIMDLevel) throws {
        for activation in Activation.allCases {
            for lossCase in LossCase.allCases {
                for (shapeIndex, shape) in Self.shapes.enumerated() where lossCase.fits(outputs: shape.sizes.last!) {
                    let network = try Self.network(shape, activation: activation, loss: lossCase.loss, seed: UInt64(shapeIndex + 7))
                    let path = SmallNetworkPath(network: network)
                    path?.level = level
                    for rows in [5, 33, 59] {
                        let workspace = Self.workspace(for: network, rows: rows, lossCase: lossCase, seed: 3)
                        let small = try Self.step(network, workspace, path: path)
                        let general = try Self.generalStep(network, workspace)
                        Self.expectAgreement(small, general, "\(level.name) \(shape) \(activation) \(lossCase) n=\(rows)")
                    }
                }
            }
        }
    }

    @Test func forwardAloneAgreesAndLeavesParameterGradientsAlone() throws {
        let network = try Self.network(sizes: [4, 8, 8, 3], hiddenBias: true, activation: .sigmoid, loss: .softmaxCrossEntropy, seed: 4)
        let workspace = Self.workspace(for: network, rows: 23, lossCase: .softmaxClassIndex, seed: 4)
        let small = try Self.step(network, workspace, forwardOnly: true)
        #expect(small.parameterGradients.allSatisfy { $0.storage.allSatisfy(\.isNaN) }, "forward(in:) wrote parameter gradients")
        let general = try Self.generalStep(network, workspace, forwardOnly: true)
        Self.expectAgreement(small, general, "forward", gradients: false)
    }

    /// Without the hidden outputs (what a training step asks for) the kernel leaves the hidden
    /// layers' Z and A untouched and computes everything else bit for bit as with them, at every
    /// kernel width: 4 (seed 001's 2-3-1), 8 and the general one.
    @Test(arguments: [[2, 3, 1], [4, 8, 8, 3], [5, 12, 3]], SIMDLevel.available)
    func skippingHiddenOutputsChangesNothingElse(sizes: [Int], level: SIMDLevel) throws {
        let network = try Self.network(sizes: sizes, hiddenBias: true, activation: .tanh, loss: .softmaxCrossEntropy, seed: 6)
        let path = try #require(SmallNetworkPath(network: network))
        path.level = level
        let workspace = Self.workspace(for: network, rows: 37, lossCase: .softmaxClassIndex, seed: 6)
        let all = try Self.step(network, workspace, path: path)
        let last = workspace.outputs.count - 1
        for index in 0..<last {
            workspace.outputs[index].storage = Array(repeating: .nan, count: workspace.outputs[index].storage.count)
        }
        for (_, parameter) in network.parameters {
            parameter.gradient = Matrix(rows: parameter.value.rows, columns: parameter.value.columns, repeating: .nan)
        }
        let loss = try #require(path.run(in: workspace, computeGradients: true, storingHiddenOutputs: false))
        #expect(loss.bitPattern == all.loss.bitPattern)
        #expect(workspace.outputs[last].storage.map(\.bitPattern) == all.outputs[last].storage.map(\.bitPattern))
        #expect(workspace.gradients[last].storage.map(\.bitPattern) == all.outputGradient.storage.map(\.bitPattern))
        for (index, (_, parameter)) in network.parameters.enumerated() {
            #expect(parameter.gradient.storage.map(\.bitPattern) == all.parameterGradients[index].storage.map(\.bitPattern))
        }
        for index in 0..<last {
            #expect(workspace.outputs[index].storage.allSatisfy { $0.isNaN }, "hidden output \(index) was written")
        }
    }

    /// The copies compiled for the seeds' exact widths (2-3-1, 3-2-2) compute bit for bit what
    /// the run-time-width copy does: every activation, loss and level, biases on and off,
    /// forward only and with gradients, batches that end mid-block (1, 19, 37) and on a block
    /// boundary (64).
    @Test(arguments: [[2, 3, 1], [3, 2, 2]], SIMDLevel.available)
    func exactShapeKernelsMatchTheRunTimeWidthKernel(sizes: [Int], level: SIMDLevel) throws {
        for activation in Activation.allCases {
            for lossCase in LossCase.allCases where lossCase.fits(outputs: sizes[2]) {
                for hiddenBias in [false, true] {
                    let network = try Self.network(sizes: sizes, hiddenBias: hiddenBias, activation: activation, loss: lossCase.loss, seed: 12)
                    let path = try #require(SmallNetworkPath(network: network))
                    path.level = level
                    // The dispatch takes the exact copy unless told not to.
                    var description = path.template
                    #expect(bp_small_network_exact_shape(&description) == (sizes == [2, 3, 1] ? 231 : 322))
                    description.runtime_widths_only = 1
                    #expect(bp_small_network_exact_shape(&description) == 0)
                    for rows in [1, 19, 37, 64] {
                        let workspace = Self.workspace(for: network, rows: rows, lossCase: lossCase, seed: UInt64(rows))
                        for forwardOnly in [false, true] {
                            path.usesExactShapeKernels = true
                            let exact = try Self.step(network, workspace, path: path, forwardOnly: forwardOnly)
                            path.usesExactShapeKernels = false
                            let general = try Self.step(network, workspace, path: path, forwardOnly: forwardOnly)
                            let label = "\(sizes) \(activation) \(lossCase) bias \(hiddenBias) rows \(rows) forward-only \(forwardOnly) \(level.name)"
                            #expect(exact.loss.bitPattern == general.loss.bitPattern, "\(label)")
                            #expect(zip(exact.outputs, general.outputs).allSatisfy { $0.storage.map(\.bitPattern) == $1.storage.map(\.bitPattern) }, "\(label)")
                            #expect(exact.outputGradient.storage.map(\.bitPattern) == general.outputGradient.storage.map(\.bitPattern), "\(label)")
                            #expect(zip(exact.parameterGradients, general.parameterGradients).allSatisfy {
                                $0.storage.map(\.bitPattern) == $1.storage.map(\.bitPattern)
                            }, "\(label)")
                        }
                    }
                }
            }
        }
    }

    /// Other 4-wide shapes run the run-time-width copy.
    @Test func otherShapesTakeTheRunTimeWidthKernel() throws {
        for sizes in [[2, 4, 1], [3, 3, 2], [2, 3, 3, 1], [1, 3, 1]] {
            let network = try Self.network(sizes: sizes, hiddenBias: true, activation: .relu, loss: .meanSquaredError, seed: 1)
            var description = try #require(SmallNetworkPath(network: network)).template
            #expect(bp_small_network_exact_shape(&description) == 0, "\(sizes)")
        }
    }

    /// A training step stores only the last output, so the divergence report runs the forward
    /// pass again before it looks for the first non-finite layer output: here the first
    /// layer's Z, from weights of 3·10³⁸ on inputs of magnitude up to 2.
    @Test func divergenceOnTheSmallPathNamesTheFirstNonFiniteOutput() throws {
        let network = try Self.network(sizes: [2, 3, 1], hiddenBias: false, activation: .relu, loss: .binaryCrossEntropy, seed: 2)
        #expect(SmallNetworkPath(network: network) != nil)
        let weight = try #require(network.parameter(named: "0.weight"))
        weight.value[0, 0] = 3e38
        weight.value[0, 1] = 3e38
        let workspace = Self.workspace(for: network, rows: 50, lossCase: .binaryCrossEntropy, seed: 2)
        let data = Dataset(inputs: workspace.input, targets: workspace.targets)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.1),
                              configuration: TrainingConfiguration(batchSize: 50, shuffle: false))
        do {
            _ = try trainer.trainEpoch(on: data)
            Issue.record("training did not stop")
        } catch let TrainingError.diverged(_, _, _, location) {
            #expect(location == "the output of layer 0 (Linear(2, 3, bias=False))", "\(location ?? "no location")")
        }
    }

    @Test func anEmptyBatchGivesZero() throws {
        let network = try Self.network(sizes: [2, 3, 1], hiddenBias: false, activation: .relu, loss: .binaryCrossEntropy, seed: 1)
        let workspace = Workspace(network: network, batchSize: 0)
        let result = try Self.step(network, workspace)
        #expect(result.loss == 0)
        #expect(result.parameterGradients.allSatisfy { $0.storage.allSatisfy { $0 == 0 } })
    }

    // MARK: - Reproducibility and non-finite values

    @Test func repeatedStepsAreBitwiseIdentical() throws {
        let network = try Self.network(sizes: [3, 2, 2], hiddenBias: true, activation: .relu, loss: .meanSquaredError, seed: 9)
        let workspace = Self.workspace(for: network, rows: 200, lossCase: .meanSquaredError, seed: 9)
        let first = try Self.step(network, workspace)
        let second = try Self.step(network, workspace)
        #expect(first.loss.bitPattern == second.loss.bitPattern)
        for (a, b) in zip(first.parameterGradients, second.parameterGradients) {
            #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        }
    }

    /// (sizes, batch sizes) for the non-finite tests: a 4-wide network with a batch that ends
    /// mid-block at every level, then the 8-wide and the general kernel with a batch shorter
    /// than one block and one whose last block is partial in both registers of a pair.
    static let nonFiniteCases: [([Int], [Int])] = [([2, 3, 2], [19]), ([4, 8, 8, 3], [5, 59]), ([5, 12, 3], [5, 59])]

    @Test(arguments: LossCase.allCases, SIMDLevel.available)
    func aNaNInputGivesANaNLoss(lossCase: LossCase, level: SIMDLevel) throws {
        for activation in Activation.allCases {
            for (sizes, batchSizes) in Self.nonFiniteCases {
                let network = try Self.network(sizes: sizes, hiddenBias: true, activation: activation, loss: lossCase.loss, seed: 2)
                #expect(SmallNetworkPath(network: network) != nil)
                let path = SmallNetworkPath(network: network)
                path?.level = level
                for rows in batchSizes {
                    let workspace = Self.workspace(for: network, rows: rows, lossCase: lossCase, seed: 2)
                    let nanRow = rows - 2
                    workspace.input[nanRow, 1] = .nan
                    let result = try Self.step(network, workspace, path: path)
                    let label = "\(level.name) \(sizes) \(activation) \(lossCase) n=\(rows)"
                    let outputs = result.outputs[result.outputs.count - 1]
                    #expect(result.loss.isNaN, "\(label): loss \(result.loss)")
                    #expect(outputs[nanRow, 0].isNaN, "\(label)")
                    for row in 0..<rows where row != nanRow {
                        #expect(!outputs[row, 0].isNaN, "\(label): the NaN leaked into example \(row)")
                    }
                }
            }
        }
    }

    @Test(arguments: SIMDLevel.available)
    func anInfiniteWeightDoesNotLeakIntoPaddingLanes(level: SIMDLevel) throws {
        // A partial last block: an infinite weight makes padded lanes compute ∞·0 = NaN, which
        // must not reach the sums of the real examples.
        for (sizes, batchSizes) in [([2, 3, 1], [5])] + Self.nonFiniteCases.dropFirst() {
            let network = try Self.network(sizes: sizes, hiddenBias: true, activation: .identity, loss: .meanSquaredError, seed: 3)
            let path = SmallNetworkPath(network: network)
            path?.level = level
            network.parameter(named: "0.bias")!.value[0, 1] = .infinity
            for rows in batchSizes {
                let workspace = Self.workspace(for: network, rows: rows, lossCase: .meanSquaredError, seed: 3)
                let small = try Self.step(network, workspace, path: path)
                let general = try Self.generalStep(network, workspace)
                let label = "\(level.name) \(sizes) n=\(rows)"
                for (index, (a, b)) in zip(small.parameterGradients, general.parameterGradients).enumerated() {
                    #expect(a.storage.map(\.isNaN) == b.storage.map(\.isNaN), "\(label): NaNs of parameter \(index)")
                    #expect(a.storage.map(\.isInfinite) == b.storage.map(\.isInfinite), "\(label): infinities of parameter \(index)")
                }
            }
        }
    }

    // MARK: - Seed 002 through the small path

    /// Seed 002's worked numbers (see `Seed002Tests`) hold in Float through the small path.
    @Test func seed002GoldenNumbersHoldInFloat() throws {
        let network = try Seed002Tests.network(Float.self)
        #expect(SmallNetworkPath(network: network) != nil)
        let workspace = Workspace(network: network, batchSize: 1)
        workspace.load(inputs: Seed002Tests.input(Float.self), targets: Seed002Tests.target(Float.self))
        let loss = try #require(SmallNetworkPath(network: network)?.run(in: workspace, computeGradients: true))
        func close(_ value: Float, _ expected: Double) -> Bool { abs(Double(value) - expected) <= 1e-6 * max(1, abs(expected)) }
        #expect(abs(loss - 0.5001125) <= 1e-6)
        #expect(close(workspace.outputs[0][0, 0], 1.815) && close(workspace.outputs[0][0, 1], 0.055))
        #expect(close(workspace.outputs[2][0, 0], 0.4075) && close(workspace.outputs[2][0, 1], 0.2925))
        #expect(close(workspace.gradients[2][0, 0], -0.985) && close(workspace.gradients[2][0, 1], -1.015))
        let expected: [(String, Int, Int, Double)] = [
            ("2.weight", 0, 0, -1.787775), ("2.weight", 0, 1, -0.054175),
            ("2.weight", 1, 0, -1.842225), ("2.weight", 1, 1, -0.055825),
            ("2.bias", 0, 0, -0.985), ("2.bias", 0, 1, -1.015),
            ("0.weight", 0, 0, -1.194), ("0.weight", 0, 1, -2.0895), ("0.weight", 0, 2, -0.253725),
            ("0.weight", 1, 0, -0.418), ("0.weight", 1, 1, -0.7315), ("0.weight", 1, 2, -0.088825),
            ("0.bias", 0, 0, -0.2985), ("0.bias", 0, 1, -0.1045),
        ]
        for (name, row, column, value) in expected {
            let gradient = try #require(network.parameter(named: name)).gradient[row, column]
            #expect(close(gradient, value), "∂L/∂\(name)[\(row),\(column)] = \(gradient), seed says \(value)")
        }
    }

    // MARK: - Eligibility

    @Test func acceptsNarrowFloatMultilayerPerceptrons() throws {
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy, hiddenBias: false)) != nil)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [3, 2, 2], activation: .relu, loss: .meanSquaredError)) != nil)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [4, 8, 8, 3], activation: .tanh, loss: .softmaxCrossEntropy)) != nil)
        let widest = SmallNetworkPath<Float>.widthLimit
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [widest, widest, 1], activation: .sigmoid, loss: .meanSquaredError)) != nil)
        let deepest = Array(repeating: 2, count: SmallNetworkPath<Float>.layerLimit + 1)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: deepest, activation: .identity, loss: .meanSquaredError)) != nil)
    }

    @Test func rejectsWhatTheKernelDoesNotCover() throws {
        let limit = SmallNetworkPath<Float>.widthLimit
        // Double stays on the exact general path.
        #expect(SmallNetworkPath(network: try Network<Double>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy)) == nil)
        // Too wide (input, hidden or output), too deep.
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [limit + 1, 3, 1], activation: .relu, loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [2, limit + 1, 1], activation: .relu, loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: [2, 3, limit + 1], activation: .relu, loss: .softmaxCrossEntropy)) == nil)
        let tooDeep = Array(repeating: 2, count: SmallNetworkPath<Float>.layerLimit + 2)
        #expect(SmallNetworkPath(network: try Network<Float>(sizes: tooDeep, activation: .relu, loss: .meanSquaredError)) == nil)
        // Layer sequences other than Dense, g, Dense, …, Dense.
        let first = Dense<Float>(inputSize: 2, outputSize: 3)
        let second = Dense<Float>(inputSize: 3, outputSize: 1)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [first, second], loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [first, ReLU(), Tanh(), second], loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [first, ReLU(), second, Sigmoid()], loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [ReLU(), first, ReLU()], loss: .meanSquaredError)) == nil)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [], loss: .meanSquaredError)) == nil)
        // The same parameters twice (one Dense used as two layers).
        let square = Dense<Float>(inputSize: 3, outputSize: 3)
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 3, layers: [square, ReLU(), square], loss: .meanSquaredError)) == nil)
        // An activation the kernel does not know.
        #expect(SmallNetworkPath(network: try Network<Float>(inputSize: 2, layers: [first, Doubling(), second], loss: .meanSquaredError)) == nil)
    }

    @Test func aMismatchedWorkspaceFallsBackToTheGeneralPath() throws {
        let network = try Self.network(sizes: [2, 3, 1], hiddenBias: false, activation: .relu, loss: .binaryCrossEntropy, seed: 6)
        let other = try Network<Float>(sizes: [2, 4, 1], activation: .relu, loss: .binaryCrossEntropy)
        let workspace = Workspace(network: other, batchSize: 4)
        #expect(SmallNetworkPath(network: network)?.run(in: workspace, computeGradients: true) == nil)
    }

    /// Element counts alone do not qualify a workspace: n x 4 inputs hold as many values as
    /// 2n x 2, and n x 2 targets as many as 2n x 1.
    @Test func aWorkspaceOfTheWrongShapeButTheRightCountFallsBack() throws {
        let network = try Self.network(sizes: [2, 3, 2], hiddenBias: true, activation: .tanh, loss: .meanSquaredError, seed: 6)
        let path = try #require(SmallNetworkPath(network: network))
        let workspace = Self.workspace(for: network, rows: 8, lossCase: .meanSquaredError, seed: 6)
        #expect(path.run(in: workspace, computeGradients: true) != nil)
        let input = workspace.input, targets = workspace.targets

        workspace.input = Matrix(rows: 4, columns: 4, elements: input.storage)
        #expect(path.run(in: workspace, computeGradients: true) == nil, "inputs 4 x 4 for a 2-input network")
        workspace.input = input

        workspace.targets = Matrix(rows: 16, columns: 1, elements: targets.storage)
        #expect(path.run(in: workspace, computeGradients: true) == nil, "16 rows of targets for 8 rows of inputs")
        workspace.targets = targets
        #expect(path.run(in: workspace, computeGradients: true) != nil)
    }

    /// A layer that reports itself as an activation but is not one of the four.
    struct Doubling: Layer {
        typealias Scalar = Float
        var kind: LayerKind { .activation(function: .identity) }
        var parameters: [Parameter<Float>] { [] }
        func outputSize(inputSize: Int) throws(ShapeError) -> Int { inputSize }
        func forward(_ input: Matrix<Float>, into output: inout Matrix<Float>) {
            for index in input.storage.indices { output.storage[index] = 2 * input.storage[index] }
        }
        func backward(input: Matrix<Float>, output: Matrix<Float>, outputGradient: Matrix<Float>,
                      inputGradient: inout Matrix<Float>, computeInputGradient: Bool) {
            guard computeInputGradient else { return }
            for index in outputGradient.storage.indices { inputGradient.storage[index] = 2 * outputGradient.storage[index] }
        }
    }
}
