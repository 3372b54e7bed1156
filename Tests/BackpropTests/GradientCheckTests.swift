import Testing
@testable import Backprop

/// The reusable `GradientCheck` engine: it passes on correct backward passes and fails on
/// wrong ones, both a corrupted gradient and a layer whose backward pass is wrong.
@Suite struct GradientCheckTests {
    static let threshold = 1e-6

    static func loaded(_ network: Network<Double>, rows: Int = 4, seed: UInt64 = 3) -> Workspace<Double> {
        let batch = GradientCheck.randomBatch(for: network, rows: rows, seed: seed)
        let workspace = Workspace(network: network, batchSize: rows)
        workspace.load(inputs: batch.inputs, targets: batch.targets)
        return workspace
    }

    @Test(arguments: LossFunction.allCases)
    func passesOnCorrectNetworks(_ loss: LossFunction) throws {
        for activation in Activation.allCases {
            let network = try Network<Double>(sizes: [3, 4, 3, 2], activation: activation, loss: loss, initializer: .normalWithBias, seed: 1)
            let result = GradientCheck().run(network: network, workspace: Self.loaded(network))
            #expect(result.passes(threshold: Self.threshold), "\(activation) + \(loss): \(result.maximumRelativeError)")
            #expect(result.tensors.map(\.checkedCount) == [12, 4, 12, 3, 6, 2])
            #expect(result.maximumRelativeError < Self.threshold)
        }
    }

    @Test func failsOnACorruptedGradient() throws {
        let network = try Network<Double>(sizes: [3, 4, 2], activation: .tanh, loss: .meanSquaredError, initializer: .normalWithBias, seed: 2)
        let workspace = Self.loaded(network)
        network.computeGradients(in: workspace)
        var analytic = network.parameters.map(\.parameter.gradient)
        #expect(GradientCheck().compare(analytic: analytic, network: network, workspace: workspace).passes(threshold: Self.threshold))
        // One entry off by 1%: the check must name that tensor and that entry.
        analytic[2].storage[5] *= 1.01
        let result = GradientCheck().compare(analytic: analytic, network: network, workspace: workspace)
        #expect(!result.passes(threshold: Self.threshold))
        let failures = result.failures(threshold: Self.threshold)
        #expect(failures.map(\.name) == ["2.weight"])
        #expect(failures.first?.worstIndex == 5)
        #expect(try #require(failures.first).maximumRelativeError > 1e-3)
    }

    /// A trained-looking network: saturated sigmoid units (weights × 6) and a batch it already
    /// fits, so many gradients are tiny and J‴ is large. The plain relative error measures the
    /// finite difference's noise there and exceeds 1e-6; the error beyond the difference's
    /// uncertainty passes, and an entry off by 1% still fails.
    @Test func tinyGradientsOfSaturatedNetworksPassAndWrongOnesStillFail() throws {
        let network = try Network<Double>(sizes: [6, 12, 3], activation: .sigmoid, loss: .softmaxCrossEntropy,
                                          initializer: .normalWithBias, seed: 8)
        for (_, parameter) in network.parameters {
            parameter.value.storage = parameter.value.storage.map { 6 * $0 }
        }
        let inputs = GradientCheck.randomBatch(for: network, rows: 8, seed: 9).inputs
        // Targets: the network's own predicted classes, so the loss is near 0.
        let logits = try network.logits(inputs)
        let targets = Matrix<Double>(rows: 8, columns: 1, elements: (0..<8).map { Double(network.loss.predictedClass(logits: logits, row: $0)) })
        let workspace = Workspace(network: network, batchSize: 8)
        workspace.load(inputs: inputs, targets: targets)
        network.computeGradients(in: workspace)
        var analytic = network.parameters.map(\.parameter.gradient)
        var plainWorst = 0.0
        for ((_, parameter), gradient) in zip(network.parameters, analytic) {
            for index in 0..<parameter.count {
                let numeric = GradientCheck.centralDifference(of: parameter, at: index, step: 1e-5, network: network, workspace: workspace)
                plainWorst = max(plainWorst, GradientCheck.relativeError(gradient.storage[index], numeric))
            }
        }
        #expect(plainWorst > Self.threshold, "the premise: the plain relative error fails this correct network (\(plainWorst))")
        let result = GradientCheck(maximumSamplesPerTensor: nil).compare(analytic: analytic, network: network, workspace: workspace)
        #expect(result.passes(threshold: Self.threshold), "\(result.tensors)")
        // The largest gradient entry of the first layer, off by 1%.
        let index = analytic[0].storage.indices.max { abs(analytic[0].storage[$0]) < abs(analytic[0].storage[$1]) }!
        analytic[0].storage[index] *= 1.01
        let wrong = GradientCheck(maximumSamplesPerTensor: nil).compare(analytic: analytic, network: network, workspace: workspace)
        #expect(wrong.failures(threshold: Self.threshold).map(\.name) == ["0.weight"])
    }

    /// ReLU whose backward pass forgets the kink: it passes ∂J/∂A through unchanged.
    struct LeakyBackwardReLU: Layer {
        typealias Scalar = Double
        var kind: LayerKind { .activation(function: .relu) }
        var parameters: [Parameter<Double>] { [] }
        func outputSize(inputSize: Int) throws(ShapeError) -> Int { inputSize }
        func forward(_ input: Matrix<Double>, into output: inout Matrix<Double>) { ReLU<Double>().forward(input, into: &output) }
        func backward(input: Matrix<Double>, output: Matrix<Double>, outputGradient: Matrix<Double>,
                      inputGradient: inout Matrix<Double>, computeInputGradient: Bool) {
            guard computeInputGradient else { return }
            inputGradient.storage = outputGradient.storage
        }
    }

    @Test func failsOnAWrongBackwardPass() throws {
        var generator = SeededGenerator(seed: 4)
        let first = Dense<Double>(inputSize: 3, outputSize: 5)
        let second = Dense<Double>(inputSize: 5, outputSize: 2)
        Initializer.normalWithBias.initialize(first, using: &generator)
        Initializer.normalWithBias.initialize(second, using: &generator)
        let network = try Network(inputSize: 3, layers: [first, LeakyBackwardReLU(), second], loss: .softmaxCrossEntropy)
        let result = GradientCheck().run(network: network, workspace: Self.loaded(network, rows: 6))
        #expect(!result.passes(threshold: Self.threshold))
        // The layer above the broken activation is unaffected; the one below is wrong.
        #expect(Set(result.failures(threshold: Self.threshold).map(\.name)).isSubset(of: ["0.weight", "0.bias"]))
        #expect(result.failures(threshold: Self.threshold).contains { $0.name == "0.weight" })
        #expect(result.tensors.filter { $0.name.hasPrefix("2.") }.allSatisfy { $0.passes(threshold: Self.threshold) })
    }

    @Test func samplesBigTensorsReproducibly() throws {
        let network = try Network<Double>(sizes: [20, 30, 2], activation: .sigmoid, loss: .binaryCrossEntropy, seed: 5)
        let workspace = Self.loaded(network, rows: 2)
        let check = GradientCheck(maximumSamplesPerTensor: 50, seed: 9)
        let first = check.run(network: network, workspace: workspace)
        #expect(first.tensors.map(\.checkedCount) == [50, 30, 50, 2])
        #expect(first == check.run(network: network, workspace: workspace))
        #expect(first.passes(threshold: Self.threshold))
    }

    @Test func relativeErrorIsTheStatedFormula() {
        #expect(GradientCheck.relativeError(1, 1) == 0)
        #expect(GradientCheck.relativeError(1, 3) == 0.5)
        #expect(GradientCheck.relativeError(0, 1e-12) == 1e-12 / 1e-8)
        #expect(GradientCheck.relativeError(.nan, 1).isNaN)
        let result = GradientCheckResult(tensors: [.init(name: "w", shape: [1, 1], checkedCount: 1, maximumRelativeError: .nan,
                                                         worstIndex: 0, analytic: .nan, numeric: 0)], step: 1e-5)
        #expect(!result.passes(threshold: 1), "NaN never passes")
    }

    @Test func valuesAreRestoredExactly() throws {
        let network = try Network<Double>(sizes: [2, 3, 2], activation: .tanh, loss: .softmaxCrossEntropy, seed: 6)
        let before = network.parameters.map(\.parameter.value)
        _ = GradientCheck(step: 0.1).run(network: network, workspace: Self.loaded(network))
        #expect(network.parameters.map(\.parameter.value) == before)
    }
}
