import Testing
@testable import Backprop

/// Seed 000 (CS229's two-layer MNIST classifier: 784-h-10, sigmoid hidden layer, softmax +
/// cross-entropy averaged over the batch) and seed 004 (BP1-BP4 for L layers, cost averaged
/// over m examples), checked on small random instances against central differences in Double.
@Suite struct Seed000And004Tests {
    /// The CS229 network's shapes: W⁽¹⁾ h x 784 (the seed's d x h, transposed), b⁽¹⁾ h,
    /// W⁽²⁾ 10 x h, b⁽²⁾ 10, logits n x 10.
    @Test func cs229NetworkShapes() throws {
        let network = try Network<Float>(sizes: [784, 300, 10], activation: .sigmoid, loss: .softmaxCrossEntropy, initializer: .normal)
        #expect(network.parameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(network.parameters.map(\.parameter.value.shape) == [[300, 784], [1, 300], [10, 300], [1, 10]])
        #expect(network.parameterCount == 784 * 300 + 300 + 300 * 10 + 10)
        // The CS229 starter: W ~ N(0, 1), b = 0.
        #expect(network.parameter(named: "0.bias")!.value.storage.allSatisfy { $0 == 0 })
        let weights = network.parameter(named: "0.weight")!.value.storage.map(Double.init)
        let mean = weights.reduce(0, +) / Double(weights.count)
        let variance = weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(weights.count)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01)
        let logits = try network.logits(Matrix(rows: 3, columns: 784, repeating: 0.5))
        #expect(logits.shape == [3, 10])
    }

    /// BP1-BP4 against finite differences on a 784-4-10 sigmoid/softmax network and a batch
    /// of 3, for a sample of 120 of each tensor's entries (every entry of the small ones).
    @Test func cs229GradientsMatchFiniteDifferences() throws {
        let network = try Network<Double>(sizes: [784, 4, 10], activation: .sigmoid, loss: .softmaxCrossEntropy,
                                          initializer: .lecun, seed: 2)
        var generator = SeededGenerator(seed: 9)
        let inputs = Matrix<Double>(rows: 3, columns: 784, elements: (0..<3 * 784).map { _ in generator.nextNormal() })
        let targets = Matrix<Double>([[3], [7], [0]])
        try expectGradientsMatch(network, inputs: inputs, targets: targets, samplesPerTensor: 120, generator: &generator)
    }

    /// Seed 004's general case: L = 4 dense layers, each activation, cost averaged over m = 6.
    @Test(arguments: [Activation.sigmoid, .tanh, .relu])
    func deepNetworkGradientsMatchFiniteDifferences(_ activation: Activation) throws {
        let network = try Network<Double>(sizes: [5, 6, 5, 4, 3], activation: activation, loss: .softmaxCrossEntropy,
                                          initializer: .normalWithBias, seed: 4)
        var generator = SeededGenerator(seed: 10)
        let inputs = Matrix<Double>(rows: 6, columns: 5, elements: (0..<30).map { _ in generator.nextNormal() })
        let targets = Matrix<Double>(rows: 6, columns: 1, elements: (0..<6).map { Double($0 % 3) })
        try expectGradientsMatch(network, inputs: inputs, targets: targets, samplesPerTensor: 1000, generator: &generator)
    }

    /// The batch average: the gradient over m identical copies of one example equals the
    /// gradient for that example alone (the 1/m of J = 1/m Σ L is applied exactly once).
    @Test func batchAverageIsAppliedOnce() throws {
        let network = try Network<Double>(sizes: [3, 4, 2], activation: .tanh, loss: .meanSquaredError, seed: 1)
        let one = Workspace(network: network, batchSize: 1)
        one.load(inputs: Matrix([[0.1, -0.2, 0.3]]), targets: Matrix([[1, -1]]))
        network.computeGradients(in: one)
        let single = network.parameters.map(\.parameter.gradient)
        let many = Workspace(network: network, batchSize: 5)
        many.load(inputs: Matrix(Array(repeating: [0.1, -0.2, 0.3], count: 5)), targets: Matrix(Array(repeating: [1, -1], count: 5)))
        network.computeGradients(in: many)
        for (index, (name, parameter)) in network.parameters.enumerated() {
            let same = zip(parameter.gradient.storage, single[index].storage).allSatisfy { abs($0 - $1) < 1e-14 }
            #expect(same, "\(name)")
        }
    }

    func expectGradientsMatch(_ network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                              samplesPerTensor: Int, generator: inout SeededGenerator) throws {
        let workspace = Workspace(network: network, batchSize: inputs.rows)
        workspace.load(inputs: inputs, targets: targets)
        let errors = finiteDifferenceErrors(network, workspace: workspace) { count in
            count <= samplesPerTensor ? Array(0..<count) : (0..<samplesPerTensor).map { _ in generator.nextIndex(below: count) }
        }
        for (name, worst) in errors {
            // Same budget as GradientCheckTests: 1e-6 relative.
            #expect(worst < 1e-6, "\(name): worst relative error \(worst)")
        }
    }
}
