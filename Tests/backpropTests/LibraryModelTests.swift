import Foundation
import Testing
@testable import BackpropCLI
import Backprop

/// The library's `Model` and the command line read and write the same files and predict the
/// same numbers, input scaling included.
@Suite struct LibraryModelTests {
    /// A model fitted in memory (validation, early stopping, standardized inputs), saved,
    /// loaded back: its predictions on raw inputs are `backprop predict`'s on the same file.
    @Test func aFittedModelPredictsWhatTheCommandLinePredicts() throws {
        try ScaledModelTests.withScaledModel { csv, trainedByCLI in
            let data: Dataset<Float> = try CSVReader.dataset(path: csv, targetColumns: 1)
            let (training, validation) = try ValidationSplit(fraction: 0.2, seed: 3).split(data)
            var options = FitOptions(epochs: 60, batchSize: 16, optimizer: .adam(Adam(learningRate: 0.01)),
                                     inputScaling: .standardize(scope: .perFeature))
            options.earlyStopping = try EarlyStopping(patience: 5, restoreBestWeights: true)
            let network = try Network<Float>(sizes: [2, 8, 3], activation: .tanh, loss: .softmaxCrossEntropy, seed: 4)
            var epochs = 0
            let model = try Model.fit(network, on: training, validation: validation, options: options) { _ in epochs += 1 }
            #expect(epochs >= 1 && epochs <= 60)
            #expect(model.inputScaling.kind == .standardize(scope: .perFeature))
            #expect(try #require(try model.evaluate(validation).accuracy) > 0.9)

            let saved = (csv as NSString).deletingLastPathComponent + "/library.safetensors"
            try model.save(to: saved)
            for path in [saved, trainedByCLI] {
                let loaded = try Model<Float>.load(from: path)
                let library = try loaded.predict(data.inputs)
                let lines = try Predict.parse(["--model", path, "--data", "csv:\(csv)"]).csvText().split(separator: "\n")
                #expect(lines.count == data.count + 1)
                for (row, line) in lines.dropFirst().enumerated() {
                    let printed = line.split(separator: ",").dropFirst().map { Double($0)! }
                    let expected = library.row(row).map(Double.init)
                    #expect(zip(printed, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(path) row \(row + 1): \(printed) vs \(expected)")
                }
                // Raw inputs through the bare network would give other numbers.
                #expect(try loaded.network.predict(data.inputs) != library)
            }
        }
    }

    /// Settings out of range are configuration errors naming the setting, not shape errors.
    @Test func badOptionsAreConfigurationErrors() throws {
        let data = SyntheticData.moons.generate(count: 20, as: Float.self)
        let network = try Network<Float>(sizes: [2, 4, 2], activation: .relu, loss: .softmaxCrossEntropy)
        for (options, words) in [(FitOptions(batchSize: 0), "batch size"), (FitOptions(epochs: -1), "epochs"),
                                 (FitOptions(optimizer: .sgd(SGD(learningRate: .nan))), "learning rate")] {
            #expect {
                _ = try Model.fit(network, on: data, options: options)
            } throws: { error in
                guard case TrainingError.configuration(let message) = error else { return false }
                return message.contains(words)
            }
        }
        // Data that does not fit is a shape error.
        let wide = try Network<Float>(sizes: [3, 4, 2], activation: .relu, loss: .softmaxCrossEntropy)
        #expect {
            _ = try Model.fit(wide, on: data)
        } throws: { error in
            if case TrainingError.shape = error { return true }
            return false
        }
    }
}
