import ArgumentParser
import Backprop
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a saved model's loss and accuracy on a data set.")

    @Option(help: "A model file written by `backprop train`.")
    var model: String

    @OptionGroup var plain: PlainModelOptions

    @Option(help: "Data, as for training; sets with a test split (IDX, fashion-mnist) are evaluated on it, built-in sets on a fresh sample (seed + 1).")
    var data: String

    @Option(help: "Seed of the built-in data set used for training.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        print(try output(), terminator: "")
    }

    /// What `run` prints.
    func output() throws -> String {
        let (network, scaling): (Network<Float>, InputScaling) = try plain.load(model)
        let source = try DataSource(parsing: data)
        let reading = try ModelFile.dataReading(path: model)
        let loaded: LoadedData<Float> = try source.load(
            loss: network.loss, outputSize: network.outputSize, seed: seed, classNames: reading.classNames,
            columns: reading.csvColumns)
        var dataset = loaded.test ?? loaded.training
        do {
            try scaling.apply(to: &dataset)
        } catch {
            throw CommandFailure("\(model)'s \(error.description) (data: \(source))")
        }
        guard dataset.featureCount == network.inputSize else {
            throw CommandFailure("\(source): \(dataset.featureCount) features per example, but \(model) expects \(network.inputSize)")
        }
        let evaluation: Evaluation
        do {
            evaluation = try network.evaluate(dataset)
        } catch {
            throw CommandFailure("\(source): \(error.description)")
        }
        let matrix = network.loss.isClassification ? try ConfusionMatrix.from(network: network, dataset: dataset) : nil
        let regression = network.loss == .meanSquaredError ? try RegressionReport(network: network, dataset: dataset) : nil
        if json {
            var object: [String: Any] = ["loss": evaluation.loss, "examples": evaluation.count, "model": model, "data": source.description]
            if let accuracy = evaluation.accuracy { object["accuracy"] = accuracy }
            if let regression {
                object["mse"] = regression.meanSquaredError
                object["rmse"] = regression.rootMeanSquaredError
                object["mae"] = regression.meanAbsoluteError
                object["r2"] = regression.rSquared
            }
            if let matrix {
                let report = ClassificationReport(matrix)
                object["confusion_matrix"] = matrix.counts
                object["precision"] = report.classes.map(\.precision)
                object["recall"] = report.classes.map(\.recall)
                object["f1"] = report.classes.map(\.f1Score)
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        var line = "loss \(Train.number(evaluation.loss))"
        if let accuracy = evaluation.accuracy { line += "  accuracy \(Train.percent(accuracy))" }
        if let regression { line += "  (\(regression.summary))" }
        var text = line + "  (\(evaluation.count) examples)\n"
        if let matrix {
            text += confusionMatrixText(matrix, classNames: dataset.classNames)
        }
        return text
    }
}
