import Foundation
import Testing
@testable import BackpropCLI
@testable import Backprop

/// CSV files as pandas writes them: a header and class names in the last column. The names
/// become classes in sorted order, are stored in the model, and `predict`, `evaluate` and the
/// confusion matrix speak of them.
@Suite struct ClassNamesTests {
    /// Three flower-like classes, separable on the third feature, with pandas' header.
    static func writeFlowers(to path: String, rows: Int = 90, classes: [String] = ["setosa", "versicolor", "virginica"]) throws {
        var generator = SeededGenerator(seed: 41)
        var lines = ["sepal length (cm),sepal width (cm),petal length (cm),species"]
        for row in 0..<rows {
            let label = row % classes.count
            let petal = 1.5 + 2.0 * Double(["setosa", "versicolor", "virginica"].firstIndex(of: classes[label]) ?? label)
            lines.append("\(5 + generator.nextNormal() * 0.3),\(3 + generator.nextNormal() * 0.3),\(petal + generator.nextNormal() * 0.2),\(classes[label])")
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func classNamesAreReadInSortedOrderOrThroughAModelsClasses() throws {
        try inTemporaryDirectory { directory in
            let csv = (directory + "/flowers.csv")
            try Self.writeFlowers(to: csv, classes: ["virginica", "setosa", "versicolor"])
            let data: Dataset<Float> = try CSVReader.dataset(path: csv, targetColumns: 1)
            #expect(data.classNames == ["setosa", "versicolor", "virginica"])
            #expect(data.count == 90 && data.featureCount == 3)
            #expect(data.targets[0, 0] == 2 && data.targets[1, 0] == 0)  // virginica, setosa
            // Without a header line, names in the last column are data, not a header.
            let bare = (directory + "/bare.csv")
            try "1,2,cat\n3,4,dog\n5,6,cat\n".write(toFile: bare, atomically: true, encoding: .utf8)
            let animals: Dataset<Float> = try CSVReader.dataset(path: bare, targetColumns: 1)
            #expect(animals.count == 3 && animals.classNames == ["cat", "dog"])
            // A model's classes fix the mapping, even when a file lacks one of them.
            let mapped: Dataset<Float> = try CSVReader.dataset(path: bare, targetColumns: 1, classNames: ["ant", "cat", "dog"])
            #expect(mapped.targets.storage == [1, 2, 1])
            #expect(throws: CSVReader.Error.self) { let _: Dataset<Float> = try CSVReader.dataset(path: bare, targetColumns: 1, classNames: ["cat"]) }
            // A numeric file keeps its header detection.
            let numeric = (directory + "/numeric.csv")
            try "x,y,label\n1,2,0\n3,4,1\n".write(toFile: numeric, atomically: true, encoding: .utf8)
            #expect(try CSVReader.read(path: numeric).header == ["x", "y", "label"])
        }
    }

    @Test func trainPredictAndEvaluateSpeakOfClassNames() throws {
        try inTemporaryDirectory { directory in
            let csv = (directory + "/flowers.csv")
            try Self.writeFlowers(to: csv)
            let model = (directory + "/flowers.safetensors")
            try Train.parse(["--data", "csv:\(csv)", "--epochs", "30", "--quiet", "--output", model]).run()
            #expect(try ModelFile.classNames(path: model) == ["setosa", "versicolor", "virginica"])

            let lines = try Predict.parse(["--model", model, "--data", "csv:\(csv)"]).csvText().split(separator: "\n")
            #expect(lines.first == "class,setosa,versicolor,virginica")
            #expect(lines[1].hasPrefix("setosa,") && lines[2].hasPrefix("versicolor,") && lines[3].hasPrefix("virginica,"), "\(lines.prefix(4))")

            let text = try Evaluate.parse(["--model", model, "--data", "csv:\(csv)"]).output()
            #expect(text.contains("true \\ predicted  setosa  versicolor  virginica"), "\(text)")
            #expect(text.contains("accuracy 100.00%"), "\(text)")

            // Evaluation data with only two of the classes maps through the model's names.
            let two = (directory + "/two.csv")
            try Self.writeFlowers(to: two, rows: 20, classes: ["virginica", "versicolor"])
            let object = try #require(try JSONSerialization.jsonObject(
                with: Data(Evaluate.parse(["--model", model, "--data", "csv:\(two)", "--json"]).output().utf8)) as? [String: Any])
            #expect(object["accuracy"] as? Double == 1)
            let unknown = (directory + "/unknown.csv")
            try "a,b,c,species\n5,3,3,rose\n".write(toFile: unknown, atomically: true, encoding: .utf8)
            do {
                _ = try Evaluate.parse(["--model", model, "--data", "csv:\(unknown)"]).output()
                Issue.record("an unknown class must be refused")
            } catch {
                #expect("\(error)".contains("class 'rose' is not one of the model's classes (setosa, versicolor, virginica)"), "\(error)")
            }
        }
    }
}

/// Plain PyTorch weights on the command line: the 3-2-2 worked example's weights, written as
/// a bare state dict, explained with `--activation relu --loss mse`, and `train --epochs 0`
/// (or `--learning-rate 0`) writes a model file from them without changing them.
@Suite struct PlainWeightsTests {
    @Test func theWorkedExampleFromPlainWeights() throws {
        let directory = NSTemporaryDirectory() + "backprop-plain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = directory + "/plain.safetensors"
        try SafeTensors(tensors: [
            SafeTensor(name: "0.weight", shape: [2, 3], doubles: [0.1, 0.2, -0.1, -0.2, 0.1, 0.3]),
            SafeTensor(name: "0.bias", shape: [2], doubles: [0.1, -0.1]),
            SafeTensor(name: "2.weight", shape: [2, 2], doubles: [0.2, -0.1, 0.1, 0.2]),
            SafeTensor(name: "2.bias", shape: [2], doubles: [0.05, 0.1]),
        ], metadata: ["format": "pt"]).write(to: plain)

        let text = try Explain.parse(["--model", plain, "--layers", "3,2,2", "--activation", "relu", "--loss", "mse",
                                      "--input", "4,7,0.85", "--target", "0.9,0.8", "--parameter", "w11(1)"]).output()
        #expect(text.contains("= -1.194"), "\(text)")
        // Without the options, the message says what to give.
        do {
            _ = try Explain.parse(["--model", plain, "--input", "4,7,0.85", "--target", "0.9,0.8"]).output()
            Issue.record("a plain state dict needs --activation and --loss")
        } catch {
            #expect("\(error)".contains("--activation and --loss"), "\(error)")
        }
        #expect(try Graph.parse(["--model", plain, "--activation", "relu", "--loss", "mse"]).output().contains("digraph"))
        let (_, result) = try Gradcheck.parse(["--model", plain, "--activation", "relu", "--loss", "mse"]).check()
        #expect(result.passes(threshold: 1e-6))

        // --epochs 0 and --learning-rate 0 keep the given weights.
        let csv = directory + "/example.csv"
        try "4,7,0.85,0.9,0.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
        for (index, options) in [["--epochs", "0"], ["--learning-rate", "0", "--epochs", "2"]].enumerated() {
            let model = directory + "/m\(index).safetensors"
            try Train.parse(["--data", "csv:\(csv)", "--init-weights", plain, "--activation", "relu", "--loss", "mse",
                             "--scale", "none", "--quiet", "--output", model] + options).run()
            let saved: Network<Double> = try ModelFile.load(path: model)
            #expect(saved.parameter(named: "0.weight")!.value.storage.map { Float($0) } == [0.1, 0.2, -0.1, -0.2, 0.1, 0.3].map { Float($0) })
        }
    }
}
