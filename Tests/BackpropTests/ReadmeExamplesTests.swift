import Testing
import Backprop

/// The README's Swift examples, verbatim where they compute, with their stated results.
@Suite struct ReadmeExamplesTests {
    @Test func seed002Example() throws {
        let hidden = Dense<Double>(weight: Matrix([[0.1, 0.2, -0.1], [-0.2, 0.1, 0.3]]), bias: [0.1, -0.1])
        let output = Dense<Double>(weight: Matrix([[0.2, -0.1], [0.1, 0.2]]), bias: [0.05, 0.1])
        let network = try Network(inputSize: 3, layers: [hidden, ReLU(), output], loss: .meanSquaredError)

        let workspace = Workspace(network: network, batchSize: 1)
        workspace.load(inputs: Matrix([[4, 7, 0.85]]), targets: Matrix([[0.9, 0.8]]))
        let loss = network.computeGradients(in: workspace)
        let dw11 = network.parameter(named: "0.weight")!.gradient[0, 0]

        var sgd = SGD(learningRate: 0.01)
        sgd.step(network.parameters)
        #expect(abs(loss - 0.5001125) < 1e-12)
        #expect(abs(dw11 - -1.194) < 1e-12)
        #expect(abs(network.parameter(named: "2.weight")!.value[0, 0] - 0.21787775) < 1e-12)
    }

    @Test func seed001Example() throws {
        let classifier = try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy,
                                            initializer: .he, seed: 3, hiddenBias: false)
        #expect(classifier.parameters.map(\.name) == ["0.weight", "2.weight", "2.bias"])
        #expect(classifier.parameters.map { $0.parameter.value.shape } == [[3, 2], [1, 3], [1, 1]])
    }

    @Test func seed000Example() throws {
        let mnist = try Network<Float>(sizes: [784, 300, 10], activation: .sigmoid,
                                       loss: .softmaxCrossEntropy, initializer: .normal, seed: 0)
        let trainer = Trainer(network: mnist, optimizer: SGD(learningRate: 5),
                              configuration: TrainingConfiguration(batchSize: 1000, shuffle: false))
        #expect(trainer.configuration.batchSize == 1000)
        #expect(mnist.layerSizes == [784, 300, 10])
    }
}
