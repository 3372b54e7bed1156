import Foundation
import Testing
@testable import BackpropCLI
@testable import Backprop

/// What a new user meets in the first hour: defaults that learn on real data, messages that
/// point the right way, a report and a graph that say what they show.
@Suite struct FirstHourTests {
    /// `backprop train --data fashion-mnist` with no other flag used to end at 10.00%
    /// (0-255 pixels into tanh): automatic scaling divides them by 255 and it learns.
    @Test(.enabled(if: (try? FashionMNIST.load()) != nil, "Debian's dataset-fashion-mnist is installed"))
    func theDefaultRunLearnsFashionMNIST() throws {
        try inTemporaryDirectory { directory in
            let model = directory + "/m.safetensors"
            try Train.parse(["--data", "fashion-mnist", "--epochs", "1", "--quiet", "--output", model]).run()
            let (network, scaling): (Network<Float>, InputScaling) = try ModelFile.loadWithInputScaling(path: model)
            #expect(scaling == .divide(by: 255))
            #expect(network.layerSizes == [784, 64, 64, 10], "hidden widths sized from the data")
            let data = try FashionMNIST.load()
            var test = Dataset(inputs: data.testImages, targets: Matrix(rows: data.testLabels.count, columns: 1, elements: data.testLabels.map(Float.init)))
            try scaling.apply(to: &test)
            #expect(try #require(network.evaluate(test).accuracy) > 0.75)
        }
    }

    @Test func automaticScalingFollowsTheData() throws {
        let pixels = Matrix<Float>(rows: 2, columns: 2, elements: [0, 255, 3, 128])
        let small = Matrix<Float>(rows: 2, columns: 2, elements: [0, 16, 3, 12])
        let real = Matrix<Float>(rows: 2, columns: 2, elements: [0.5, 200, -3, 12])
        #expect(InputScaling.Kind.automatic.resolved(for: pixels) == .divide(by: 255))
        #expect(InputScaling.Kind.automatic.resolved(for: small) == .standardize(scope: .perFeature))
        #expect(InputScaling.Kind.automatic.resolved(for: real) == .standardize(scope: .perFeature))
        #expect(InputScaling.Kind.none.resolved(for: pixels) == .none)
        #expect(try InputScaling.Kind(parsing: "auto") == .automatic)
        #expect(TrainingRecipe().inputScaling == .automatic)
        #expect(NetworkSpecification.defaultHiddenWidth(featureCount: 2, outputSize: 2) == 16)
        #expect(NetworkSpecification.defaultHiddenWidth(featureCount: 64, outputSize: 10) == 32)
        #expect(NetworkSpecification.defaultHiddenWidth(featureCount: 784, outputSize: 10) == 64)
        #expect(NetworkSpecification.defaultHiddenWidth(featureCount: .max, outputSize: .max) == 64)
    }

    @Test func messagesPointTheRightWay() throws {
        try inTemporaryDirectory { directory in
            let csv = directory + "/binary.csv"
            try "a,b,y\n1,2,0\n3,4,1\n5,6,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let output = directory + "/m.safetensors"
            let binary = try #require(failure { try Train.parse(["--data", "csv:\(csv)", "--layers", "2,4,1", "--quiet", "--output", output]).run() })
            #expect(binary.contains("--loss binary-cross-entropy"), "\(binary)")
            let twoOutputs = try #require(failure {
                try Train.parse(["--data", "csv:\(csv)", "--layers", "2,4,2", "--loss", "binary-cross-entropy", "--quiet", "--output", output]).run()
            })
            #expect(twoOutputs.contains("reads the last 2 columns of each row as targets"), "\(twoOutputs)")
            let bare = try #require(failure { try Train.parse(["--data", csv, "--quiet", "--output", output]).run() })
            #expect(bare.contains("--data csv:\(csv)"), "\(bare)")
            let notAModel = try #require(failure { _ = try Predict.parse(["--model", csv, "--data", "csv:\(csv)"]).csvText() })
            #expect(notAModel.contains("not a safetensors file"), "\(notAModel)")
            let negative = try #require(failure { _ = try Train.parse(["--epochs", "-3"]) })
            #expect(negative.contains("--epochs must be ≥ 0"), "\(negative)")
            #expect(BackpropCommand.configuration.version.hasPrefix("backprop "))
            #expect(Gradcheck.helpMessage(columns: 1000).contains("(default: 4,5,3)") && !Gradcheck.helpMessage(columns: 1000).contains("LayerSizes("))
            #expect(Train.helpMessage(columns: 1000).contains("standardize:global"))
        }
    }

    /// Extending a finished cosine schedule would train at its minimum rate: refused.
    @Test func extendingACosineScheduleIsRefused() throws {
        try inTemporaryDirectory { directory in
            let checkpoints = directory + "/checkpoints"
            try Train.parse(["--schedule", "cosine", "--epochs", "3", "--quiet", "--output", directory + "/m.safetensors",
                             "--checkpoint-dir", checkpoints]).run()
            let message = try #require(failure { _ = try TrainingSession(resumingFrom: checkpoints, epochs: 5) })
            #expect(message.contains("cosine schedule spans 3 epochs"), "\(message)")
            _ = try TrainingSession(resumingFrom: checkpoints, epochs: 3)
        }
    }

    @Test func theReportSaysWhatItShows() throws {
        var recipe = TrainingRecipe()
        recipe.data = "blobs"
        recipe.epochs = 2
        recipe.optimizer = "adam"
        recipe.learningRate = 0.01
        recipe.schedule = .cosine(totalEpochs: 2, minimum: 0)
        recipe.validationSplit = 0.25
        let session = try TrainingSession(recipe: recipe)
        try session.run()
        let report = try session.report()
        // Built-in sets have a fresh test sample: the matrix counts it.
        let test = try #require(session.test)
        #expect(report.confusionMatrixSet == "the test set (\(test.count) examples)")
        #expect(report.finalMetrics.map(\.key) == ["train (\(session.training.count) examples)",
                                                   "validation (\(session.validation!.count) examples)", "test (\(test.count) examples)"])
        let optimizer = try #require(report.configuration.first { $0.key == "optimizer" }?.value)
        #expect(optimizer.contains("lr=0.01"), "the configured rate, not the last epoch's: \(optimizer)")
        #expect(report.configuration.first { $0.key == "input scaling" }?.value.contains("standardize") == false)
        let html = report.html()
        #expect(html.contains("Final metrics") && html.contains("Counted on the test set"))
        #expect(!html.contains("Backprop.InputScaling"))

        let weights = TrainingReport.WeightImages(weights: Matrix<Float>(rows: 256, columns: 16), width: 4, height: 4)
        var big = TrainingReport(title: "t")
        big.firstLayerWeights = weights
        #expect(big.html().contains("first 64 of 256 units"))
    }

    /// The loss axis stops at 0, and a regression loss that falls by decades is drawn on a
    /// logarithmic axis.
    @Test func lossChartsStayAtOrAboveZeroAndGoLogarithmicOverDecades() {
        let small = LineChart(title: "Loss", series: [.init(name: "train", values: [0.9, 0.2, 0.01])], xTitle: "Epoch",
                              yTitle: "Loss", better: .lower, nonNegative: true)
        #expect(!small.logarithmicY)
        #expect(!small.svg().contains(">-0.") && !small.svg().contains("(log scale)"))
        let regression = LineChart(title: "Loss", series: [.init(name: "train", values: [25_000, 3_000, 400, 90, 60])],
                                   xTitle: "Epoch", yTitle: "Loss", better: .lower, nonNegative: true)
        #expect(regression.logarithmicY)
        let svg = regression.svg()
        #expect(svg.contains("Loss (log scale)") && svg.contains(">1000<") && svg.contains(">100<"), "\(svg)")
        #expect(regression.caption().contains("last 60"))
    }

    /// Neurons keep their order; edges of larger networks are drawn by width and color with
    /// the weight as tooltip instead of labels that pile up.
    @Test func theNeuronGraphKeepsOrderAndLabelsOnlySmallNetworks() throws {
        let small = try Network<Float>(sizes: [2, 3, 2], activation: .tanh, loss: .softmaxCrossEntropy)
        let smallGraph = try ComputationGraph.neuronGraph(small)
        #expect(smallGraph.contains("ordering=out") && smallGraph.contains("[label="))
        let big = try Network<Float>(sizes: [2, 16, 16, 2], activation: .tanh, loss: .softmaxCrossEntropy)
        let bigGraph = try ComputationGraph.neuronGraph(big)
        #expect(!bigGraph.contains("-> n1_1 [label=") && bigGraph.contains("tooltip=") && bigGraph.contains("penwidth="))
        #expect(try ComputationGraph.neuronGraph(big, labelsEdges: true).contains("-> n1_1 [label="))
        // Every neuron of a layer is declared in order.
        let first = try #require(bigGraph.range(of: "n1_1 [label"))
        let second = try #require(bigGraph.range(of: "n1_2 [label"))
        #expect(first.lowerBound < second.lowerBound)
    }
}
