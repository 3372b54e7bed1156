extension TrainingSession {
    /// The HTML report of this run: the recipe, loss and accuracy curves (train and
    /// validation), the confusion matrix on the test (else validation, else training) set,
    /// the decision boundary for 2-D inputs, and the first layer's weights as images when
    /// the inputs are square images.
    public func report(title: String = "Backprop training report") throws -> TrainingReport {
        var report = TrainingReport(title: title, configuration: configurationSummary)
        for case let (name, data?) in [("train", training), ("validation", validation), ("test", test)] {
            let evaluation = try network.evaluate(data)
            var text = String(format: "loss %.6g", evaluation.loss)
            if let accuracy = evaluation.accuracy { text += String(format: ", accuracy %.2f%%", 100 * accuracy) }
            if network.loss == .meanSquaredError { text += "; " + (try RegressionReport(network: network, dataset: data).summary) }
            report.finalMetrics.append((key: "\(name) (\(data.count) examples)", value: text))
        }
        report.lossCurves = [TrainingReport.Series(name: "train", values: history.map(\.trainLoss))]
        if history.contains(where: { $0.validationLoss != nil }) {
            report.lossCurves.append(.init(name: "validation", values: history.map { $0.validationLoss ?? .nan }))
        }
        if network.loss.isClassification {
            report.accuracyCurves = [.init(name: "train", values: history.map { $0.trainAccuracy ?? .nan })]
            if history.contains(where: { $0.validationAccuracy != nil }) {
                report.accuracyCurves.append(.init(name: "validation", values: history.map { $0.validationAccuracy ?? .nan }))
            }
            let evaluated = test ?? validation ?? training
            report.confusionMatrix = try ConfusionMatrix.from(network: network, dataset: evaluated).counts
            let which = test != nil ? "test" : validation != nil ? "validation" : "training"
            report.confusionMatrixSet = "the \(which) set (\(evaluated.count) examples)"
            report.classNames = evaluated.classNames
        }
        if network.inputSize == 2, network.loss.isClassification {
            report.decisionBoundary = try decisionBoundary()
        }
        if let dense = network.layers.first as? Dense<Float> {
            let side = Int(Double(network.inputSize).squareRoot().rounded())
            let shape = imageShape ?? (side * side == network.inputSize && side >= 4 ? (side, side) : nil)
            if let shape {
                report.firstLayerWeights = TrainingReport.WeightImages(weights: dense.weight.value, width: shape.width, height: shape.height)
            }
        }
        return report
    }

    /// The recipe as key-value pairs for reports.
    public var configurationSummary: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = [
            ("data", recipe.data),
            ("network", network.layerDescription),
            ("loss", recipe.loss.rawValue),
            ("parameters", String(network.parameterCount)),
            ("optimizer", configuredOptimizerDescription),
            ("schedule", recipe.schedule.description),
            ("batch size", String(trainer.configuration.batchSize)),
            ("epochs", "\(history.count) of \(recipe.epochs)"),
            ("initialization", recipe.initialWeights.map { "from \($0)" } ?? recipe.initializer.rawValue),
            ("input scaling", inputScaling.formula),
            ("shuffle", recipe.shuffle ? "every epoch (seed \(recipe.seed))" : "no (file order)"),
        ]
        if recipe.l2 != 0 { pairs.append(("L2 penalty λ", String(recipe.l2))) }
        if let validation { pairs.append(("validation examples", String(validation.count))) }
        pairs.append(("training examples", String(training.count)))
        return pairs
    }

    /// Class probabilities over a 60 x 60 grid covering the training points (scaled inputs)
    /// with a 10% margin, and the training points on top (at most 1000).
    func decisionBoundary() throws -> TrainingReport.DecisionBoundary {
        let xs = (0..<training.count).map { Double(training.inputs[$0, 0]) }
        let ys = (0..<training.count).map { Double(training.inputs[$0, 1]) }
        func padded(_ values: [Double]) -> ClosedRange<Double> {
            let low = values.min() ?? -1, high = values.max() ?? 1
            let margin = max((high - low) * 0.1, 1e-3)
            return (low - margin)...(high + margin)
        }
        let xRange = padded(xs), yRange = padded(ys)
        let resolution = 60
        let centers = TrainingReport.DecisionBoundary.cellCenters(xRange: xRange, yRange: yRange, rows: resolution, columns: resolution)
        var grid = Matrix<Float>(rows: centers.count, columns: 2)
        for (index, center) in centers.enumerated() {
            grid[index, 0] = Float(center.x)
            grid[index, 1] = Float(center.y)
        }
        let outputs = try network.predict(grid)
        let binary = network.loss == .binaryCrossEntropy && network.outputSize == 1
        var probabilities: [[[Double]]] = []
        for row in 0..<resolution {
            probabilities.append((0..<resolution).map { column in
                let values = outputs.row(row * resolution + column).map(Double.init)
                return binary ? [1 - values[0], values[0]] : values
            })
        }
        let step = max(1, training.count / 1000)
        let points = stride(from: 0, to: training.count, by: step).map { row in
            (x: xs[row], y: ys[row], label: network.loss.targetClass(targets: training.targets, row: row))
        }
        var boundary = TrainingReport.DecisionBoundary(xRange: xRange, yRange: yRange, gridProbabilities: probabilities, points: points)
        if inputScaling != .none {
            boundary.xTitle = "x₁ (scaled)"
            boundary.yTitle = "x₂ (scaled)"
        }
        return boundary
    }

    /// Writes this epoch's scalars to a TensorBoard event file: train/loss,
    /// train/accuracy, validation/loss, validation/accuracy, learning_rate.
    public static func log(_ metrics: EpochMetrics, to writer: TensorBoardWriter) throws {
        try writer.addScalar("train/loss", metrics.trainLoss, step: metrics.epoch)
        if let accuracy = metrics.trainAccuracy { try writer.addScalar("train/accuracy", accuracy, step: metrics.epoch) }
        if let loss = metrics.validationLoss { try writer.addScalar("validation/loss", loss, step: metrics.epoch) }
        if let accuracy = metrics.validationAccuracy { try writer.addScalar("validation/accuracy", accuracy, step: metrics.epoch) }
        try writer.addScalar("learning_rate", metrics.learningRate, step: metrics.epoch)
        try writer.flush()
    }
}
