import Foundation
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
        let classifier = try Network<Float>(sizes: [2, 3, 1],
                                            activation: .relu, loss: .binaryCrossEntropy, hiddenBias: false)
        #expect(classifier.parameters.map(\.name) == ["0.weight", "2.weight", "2.bias"])
        #expect(classifier.parameters.map { $0.parameter.tensorShape } == [[3, 2], [1, 3], [1]])
        let mnist = try Network<Float>(sizes: [784, 300, 10], activation: .sigmoid, loss: .softmaxCrossEntropy,
                                       initializer: .normal)
        #expect(mnist.layerSizes == [784, 300, 10] && mnist.parameterCount == 784 * 300 + 300 + 300 * 10 + 10)
    }

    /// The journey of "Use it from your package", verbatim, in a temporary directory.
    @Test func fitSaveLoadPredictJourney() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let previous = FileManager.default.currentDirectoryPath
        // The model is saved under the test's own directory, not the working directory.
        func path(_ name: String) -> String { directory + "/" + name }

        let data = SyntheticData.moons.generate(count: 400, seed: 1, as: Float.self)
        let (training, validation) = try ValidationSplit(fraction: 0.2).split(data)
        var options = FitOptions(epochs: 200, optimizer: .adam(Adam(learningRate: 0.01)))
        options.earlyStopping = try EarlyStopping(patience: 10, restoreBestWeights: true)
        let network = try Network<Float>(sizes: [2, 16, 2], activation: .relu, loss: .softmaxCrossEntropy)
        let model = try Model.fit(network, on: training, validation: validation, options: options)
        try model.save(to: path("moons.safetensors"))   // the file `backprop predict` reads

        let loaded = try Model<Float>.load(from: path("moons.safetensors"))
        let classes = try loaded.classify(Matrix([[0, 1], [1, -0.5]]))   // [0, 1]

        #expect(FileManager.default.currentDirectoryPath == previous)
        #expect(classes == [0, 1])
        #expect(try #require(try model.evaluate(validation).accuracy) > 0.95)
        #expect(try loaded.predict(validation.inputs) == model.predict(validation.inputs))
        #expect(loaded.inputScaling == model.inputScaling && loaded.classNames == ["class 0", "class 1"])
        #expect(network.layerSizes == [2, 16, 2])
    }
}
