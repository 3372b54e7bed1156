import Foundation
import Testing
@testable import BackpropCLI
import Backprop

/// Every command that runs a model trained with `--scale standardize` applies the stored
/// scaling exactly as training did: explain (from a data row and from --input), gradcheck
/// with --model and --data, predict and evaluate agree with the library run on scaled inputs,
/// and none of them sees the raw features.
@Suite struct ScaledModelTests {
    /// Three classes of points whose features differ in scale by 10⁴ (as iris's or a
    /// pandas frame's columns may), trained on standardized inputs.
    static func withScaledModel(_ body: (_ csv: String, _ model: String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "backprop-scaled-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: 31)
        var lines = ["area,ratio,label"]
        for row in 0..<150 {
            let label = row % 3
            let area = 2000 + 1500 * Double(label) + 300 * generator.nextNormal()
            let ratio = 0.2 * Double(2 - label) + 0.05 * generator.nextNormal()
            lines.append("\(area),\(ratio),\(label)")
        }
        let csv = directory + "/train.csv"
        try lines.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let model = directory + "/model.safetensors"
        try Train.parse(["--data", "csv:\(csv)", "--layers", "2,8,3", "--activation", "tanh", "--scale", "standardize",
                         "--no-validation", "--epochs", "30", "--output", model, "--quiet"]).run()
        try body(csv, model)
    }

    /// The model's probabilities for CSV row `row` (1-based), through the library with the
    /// stored scaling applied.
    static func libraryProbabilities(model: String, csv: String, row: Int) throws -> (scaled: [Double], raw: [Double]) {
        let (network, scaling): (Network<Double>, InputScaling) = try ModelFile.loadWithInputScaling(path: model)
        #expect(scaling.kind == .standardize(scope: .perFeature))
        let data: Dataset<Double> = try CSVReader.dataset(path: csv, targetColumns: 1)
        let raw = Matrix(rows: 1, columns: 2, elements: data.inputs.row(row - 1))
        return (try network.predict(scaling.applied(to: raw)).row(0), try network.predict(raw).row(0))
    }

    @Test func explainTracesTheScaledForwardPass() throws {
        try Self.withScaledModel { csv, model in
            let expected = try Self.libraryProbabilities(model: model, csv: csv, row: 1)
            let data: Dataset<Double> = try CSVReader.dataset(path: csv, targetColumns: 1)
            let given = data.inputs.row(0)
            let fromRow = try Explain.parse(["--model", model, "--data", "csv:\(csv)", "--row", "1", "--format", "json"]).output()
            let fromInput = try Explain.parse(["--model", model, "--input", given.map { "\($0)" }.joined(separator: ","),
                                               "--target", "0", "--format", "json"]).output()
            for text in [fromRow, fromInput] {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                let predictions = try #require(object["predictions"] as? [Double])
                for (p, q) in zip(predictions, expected.scaled) { #expect(abs(p - q) < 1e-6, "\(predictions) vs \(expected.scaled)") }
                #expect(zip(predictions, expected.raw).contains { abs($0 - $1) > 1e-3 }, "raw inputs would give other numbers")
                let shown = try #require(object["given_input"] as? [Double])
                #expect(shown.count == 2 && zip(shown, given).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) }, "\(shown) vs \(given)")
                let seen = try #require(object["input"] as? [Double])
                #expect(abs(seen[0]) < 5 && abs(seen[1]) < 5, "the network sees standardized features: \(seen)")
                #expect((object["input_scaling"] as? String)?.contains("per feature") == true)
            }
            let text = try Explain.parse(["--model", model, "--data", "csv:\(csv)", "--row", "1", "--parameter", "0.weight[0,0]"]).output()
            #expect(text.contains("input scaling stored in the model: x′ = (x − μ) / σ per feature"), "\(text)")
        }
    }

    @Test func predictAndEvaluateApplyTheStoredScaling() throws {
        try Self.withScaledModel { csv, model in
            let lines = try Predict.parse(["--model", model, "--data", "csv:\(csv)"]).csvText().split(separator: "\n")
            #expect(lines.first == "class,p0,p1,p2")
            #expect(lines.count == 151)
            let expected = try Self.libraryProbabilities(model: model, csv: csv, row: 1)
            let printed = lines[1].split(separator: ",").dropFirst().map { Double($0)! }
            for (p, q) in zip(printed, expected.scaled) { #expect(abs(p - q) < 1e-5) }

            let object = try #require(try JSONSerialization.jsonObject(
                with: Data(Evaluate.parse(["--model", model, "--data", "csv:\(csv)", "--json"]).output().utf8)) as? [String: Any])
            let (network, scaling): (Network<Float>, InputScaling) = try ModelFile.loadWithInputScaling(path: model)
            var data: Dataset<Float> = try CSVReader.dataset(path: csv, targetColumns: 1)
            let rawAccuracy = try #require(try network.evaluate(data).accuracy)
            try scaling.apply(to: &data)
            let accuracy = try #require(try network.evaluate(data).accuracy)
            #expect(object["accuracy"] as? Double == accuracy)
            #expect(accuracy > 0.9 && rawAccuracy < accuracy)
        }
    }

    @Test func gradcheckOnDataScalesTheBatch() throws {
        try Self.withScaledModel { csv, model in
            let command = try Gradcheck.parse(["--model", model, "--data", "csv:\(csv)", "--batch-size", "16"])
            let (text, result) = try command.check()
            #expect(result.passes(threshold: 1e-6), "\(text)")
            #expect(text.contains("the first 16 examples of csv:\(csv), input scaling x′ = (x − μ) / σ per feature"), "\(text)")
            let (network, scaling): (Network<Double>, InputScaling) = try ModelFile.loadWithInputScaling(path: model)
            let batch = try Gradcheck.firstRows(of: "csv:\(csv)", rows: 16, network: network, scaling: scaling, model: model, seed: 0)
            let data: Dataset<Double> = try CSVReader.dataset(path: csv, targetColumns: 1)
            let expected = try scaling.applied(to: Matrix(rows: 16, columns: 2, elements: Array(data.inputs.storage.prefix(32))))
            #expect(batch.inputs == expected)
            #expect(batch.targets.storage == Array(data.targets.storage.prefix(16)))
            #expect(throws: (any Error).self) { _ = try Gradcheck.parse(["--data", "csv:\(csv)"]) }
        }
    }
}
