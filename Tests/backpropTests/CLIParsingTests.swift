import Foundation
import Testing
@testable import BackpropTestSupport
@testable import BackpropCLI
import Backprop

/// The command line: argument arrays that parse (and the options they set), ones that
/// must fail, and end-to-end runs on tiny data in a temporary directory.
@Suite struct CLIParsingTests {
    @Test func trainDefaults() throws {
        let recipe = try Train.parse([]).recipe()
        #expect(recipe.data == "moons")
        #expect(recipe.layers == nil)
        #expect(recipe.activation == .tanh)
        #expect(recipe.loss == .softmaxCrossEntropy)
        #expect(recipe.optimizer == "sgd" && recipe.learningRate == 0.5 && recipe.batchSize == 32 && recipe.epochs == 100)
        #expect(try Train.parse([]).output == nil)
    }

    /// A preset sets the textbook values; options given beside it win.
    @Test func presetsAndOverrides() throws {
        let cs229 = try Train.parse(["--preset", "cs229"]).recipe()
        #expect(cs229.data == "fashion-mnist" && cs229.layers == [784, 300, 10] && cs229.activation == .sigmoid)
        #expect(cs229.learningRate == 5 && cs229.batchSize == 1000 && cs229.epochs == 30 && !cs229.shuffle)
        #expect(cs229.initializer == .normal && cs229.inputScaling == .standardize(scope: .global))
        let regularized = try Train.parse(["--preset", "cs229", "--l2", "1e-4", "--epochs", "3", "--no-validation"]).recipe()
        #expect(regularized.l2 == 1e-4 && regularized.epochs == 3 && regularized.validationSplit == nil)
        let modern = try Train.parse(["--preset", "modern", "--data", "mnist:/data"]).recipe()
        #expect(modern.data == "mnist:/data" && modern.optimizer == "adam" && modern.activation == .relu)
        #expect(modern.schedule == .cosine(totalEpochs: 10, minimum: 0))
        let longer = try Train.parse(["--preset", "modern", "--epochs", "20"]).recipe()
        #expect(longer.schedule == .cosine(totalEpochs: 20, minimum: 0))
    }

    @Test func trainOptions() throws {
        let train = try Train.parse([
            "--data", "csv:x.csv", "--layers", "784,300,10", "--activation", "sigmoid", "--loss", "mse",
            "--learning-rate", "5", "--batch-size", "1000", "--epochs", "30", "--l2", "0.0001", "--seed", "3",
            "--init", "normal", "--init-weights", "w.safetensors", "--no-shuffle", "--output", "m.safetensors",
            "--metrics", "m.jsonl", "--no-hidden-bias", "--ieee-subnormals",
        ])
        #expect(train.layers?.sizes == [784, 300, 10])
        #expect(train.activation == .sigmoid && train.loss == .meanSquaredError)
        #expect(train.learningRate == 5 && train.batchSize == 1000 && train.epochs == 30 && train.l2 == 0.0001)
        #expect(train.initializer == .normal && train.initWeights == "w.safetensors" && train.noShuffle)
        #expect(train.noHiddenBias && train.metrics == "m.jsonl" && train.seed == 3)
        let recipe = try train.recipe()
        #expect(recipe.data == "csv:x.csv" && recipe.layers == [784, 300, 10] && !recipe.shuffle && !recipe.hiddenBias)
        #expect(recipe.initialWeights == "w.safetensors" && recipe.initializer == .normal && recipe.loss == .meanSquaredError)
        #expect(recipe.flushSubnormals == false)
        // Flushing is the default; --ieee-subnormals is the opt-out.
        #expect(try Train.parse([]).recipe().flushSubnormals == true)
        #expect(try Train.parse(["--preset", "cs229"]).recipe().flushSubnormals == true)
    }

    @Test(arguments: [
        ["--layers", "784"], ["--layers", "784,0,10"], ["--layers", "a,b"], ["--activation", "softplus"],
        ["--loss", "hinge"], ["--learning-rate", "-1"], ["--epochs", "-1"], ["--batch-size", "-2"], ["--l2", "-1"],
        ["--bogus"], ["--checkpoint-every", "5"], ["--threads", "0"], ["--validation-split", "1.5"],
    ])
    func badTrainArgumentsAreRejected(_ arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try Train.parse(arguments) }
    }

    @Test func subcommandsAreRegistered() throws {
        let command = try BackpropCommand.parseAsRoot(["evaluate", "--model", "m.safetensors", "--data", "moons"])
        #expect(command is Evaluate)
        #expect(try BackpropCommand.parseAsRoot(["predict", "--model", "m", "--data", "csv:p.csv"]) is Predict)
    }
}

@Suite struct CLIEndToEndTests {
    @Test func trainEvaluatePredictOnCSV() throws {
        try inTemporaryDirectory { directory in
            // Class 1 when x + y > 0.
            var generator = SeededGenerator(seed: 1)
            var lines = ["x,y,label"]
            for _ in 0..<120 {
                let x = 2 * generator.nextUnitDouble() - 1, y = 2 * generator.nextUnitDouble() - 1
                lines.append("\(x),\(y),\(x + y > 0 ? 1 : 0)")
            }
            let csv = directory + "/train.csv"
            try lines.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
            let model = directory + "/model.safetensors"
            let metrics = directory + "/metrics.jsonl"
            var train = try Train.parse(["--data", "csv:\(csv)", "--layers", "2,4,2", "--epochs", "40",
                                          "--output", model, "--metrics", metrics, "--quiet"])
            try train.run()
            let network: Network<Float> = try ModelFile.load(path: model)
            #expect(network.layerSizes == [2, 4, 2])
            #expect(try #require(network.evaluate(CSVReader.dataset(path: csv, targetColumns: 1)).accuracy) > 0.9)
            let metricLines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
            #expect(metricLines.count == 40)
            let last = try JSONSerialization.jsonObject(with: Data(metricLines.last!.utf8)) as? [String: Any]
            #expect(last?["epoch"] as? Int == 40)
            #expect(last?["train_loss"] is Double && last?["train_accuracy"] is Double && last?["seconds"] is Double)

            // A named output is never replaced without --overwrite.
            train = try Train.parse(["--data", "csv:\(csv)", "--layers", "2,4,2", "--epochs", "1", "--output", model, "--quiet"])
            #expect(throws: CommandFailure.self) { try train.run() }
            train = try Train.parse(["--data", "csv:\(csv)", "--layers", "2,4,2", "--epochs", "1", "--output", model, "--quiet", "--overwrite"])
            try train.run()

            try Evaluate.parse(["--model", model, "--data", "csv:\(csv)", "--json"]).run()
            try Predict.parse(["--model", model, "--data", "csv:\(csv)"]).run()
        }
    }

    /// --report writes one self-contained HTML file with the charts; --tensorboard writes
    /// event files TensorBoard reads (checked with our reader, which verifies the CRCs).
    @Test func reportAndTensorBoard() throws {
        try inTemporaryDirectory { directory in
            let report = directory + "/report.html"
            let events = directory + "/tensorboard"
            try Train.parse(["--data", "blobs", "--epochs", "5", "--validation-split", "0.25", "--quiet",
                             "--output", directory + "/m.safetensors", "--report", report, "--tensorboard", events]).run()
            let html = try String(contentsOfFile: report, encoding: .utf8)
            for section in ["Loss", "Accuracy", "Confusion matrix", "Decision boundary"] {
                #expect(html.contains("<h2>\(section)</h2>") || html.contains(">\(section)<"), "report lacks \(section)")
            }
            #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
            #expect(!html.contains("NaN") && !html.contains("<script"))
            let files = try FileManager.default.contentsOfDirectory(atPath: events)
            let file = try #require(files.first { $0.hasPrefix("events.out.tfevents.") })
            let scalars = try TensorBoardEventReader.scalars(in: events + "/" + file)
            #expect(scalars.filter { $0.tag == "train/loss" }.map(\.step) == [1, 2, 3, 4, 5])
            #expect(Set(scalars.map(\.tag)) == ["train/loss", "train/accuracy", "validation/loss", "validation/accuracy", "learning_rate"])
        }
    }

    /// Seed 002's network at α = 100 explodes: the run stops with the epoch, step and first
    /// layer, exits non-zero, and leaves the last finite parameters in the output file.
    @Test func divergenceStopsAndKeepsTheLastFiniteParameters() throws {
        try inTemporaryDirectory { directory in
            let weights = directory + "/seed002.safetensors"
            try SafeTensors(tensors: [
                SafeTensor(name: "0.weight", shape: [2, 3], floats: [0.1, 0.2, -0.1, -0.2, 0.1, 0.3]),
                SafeTensor(name: "0.bias", shape: [2], floats: [0.1, -0.1]),
                SafeTensor(name: "2.weight", shape: [2, 2], floats: [0.2, -0.1, 0.1, 0.2]),
                SafeTensor(name: "2.bias", shape: [2], floats: [0.05, 0.1]),
            ]).write(to: weights)
            let csv = directory + "/seed002.csv"
            try "4,7,0.85,0.9,0.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let output = directory + "/out.safetensors"
            let train = try Train.parse([
                "--data", "csv:\(csv)", "--init-weights", weights, "--activation", "relu", "--loss", "mse",
                "--learning-rate", "100", "--batch-size", "0", "--epochs", "1000", "--no-shuffle", "--quiet", "--output", output,
            ])
            do {
                try train.run()
                Issue.record("training at α = 100 should diverge")
            } catch {
                let message = "\(error)"
                #expect(message.contains("diverged at epoch") && message.contains("step") && message.contains("layer"), "\(message)")
                #expect(!message.contains("\n"))
            }
            let saved: Network<Float> = try ModelFile.load(path: output)
            #expect(saved.parameters.allSatisfy { $0.parameter.value.storage.allSatisfy(\.isFinite) })
        }
    }

    @Test func badInputsFailWithMessagesNamingTheProblem() throws {
        try inTemporaryDirectory { directory in
            let ragged = directory + "/ragged.csv"
            try "1,2,0\n3,4\n".write(toFile: ragged, atomically: true, encoding: .utf8)
            let text = directory + "/text.csv"
            try "1,2,0\n3,abc,1\n".write(toFile: text, atomically: true, encoding: .utf8)
            let label = directory + "/label.csv"
            try "1,2,0\n3,4,7\n".write(toFile: label, atomically: true, encoding: .utf8)
            let nan = directory + "/nan.csv"
            try "1,2,0\n3,nan,1\n".write(toFile: nan, atomically: true, encoding: .utf8)
            let cases: [([String], String)] = [
                (["--data", "csv:\(directory)/missing.csv"], "missing.csv"),
                (["--data", "csv:\(ragged)"], "line 2"),
                (["--data", "csv:\(text)"], "abc"),
                (["--data", "csv:\(label)", "--layers", "2,3,2"], "row 2"),
                (["--data", "csv:\(nan)"], "line 2"),
                (["--data", "moons", "--layers", "3,4,2"], "2 features"),
                (["--data", "nonsense"], "unknown data set"),
                (["--init-weights", "\(directory)/none.safetensors"], "none.safetensors"),
            ]
            for (arguments, expected) in cases {
                let train = try Train.parse(arguments + ["--epochs", "1", "--quiet", "--output", directory + "/out.safetensors"])
                do {
                    try train.run()
                    Issue.record("\(arguments) should fail")
                } catch {
                    #expect("\(error)".contains(expected), "\(arguments): \(error)")
                    #expect(!"\(error)".contains("\n"), "one line: \(error)")
                }
            }
        }
    }
}
