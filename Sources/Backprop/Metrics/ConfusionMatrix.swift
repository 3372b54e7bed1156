/// Counts of (true class, predicted class) pairs: `counts[trueClass][predictedClass]`, so
/// row i sums to the number of examples of class i (its support) and column j to the
/// number predicted as j. The diagonal holds the correct predictions.
///
/// `counts` has the layout `TrainingReport.confusionMatrix` expects.
public struct ConfusionMatrix: Codable, Equatable, Sendable {
    /// Number of classes k; `counts` is k x k.
    public let classCount: Int
    /// `counts[trueClass][predictedClass]`.
    public private(set) var counts: [[Int]]

    /// An all-zero k x k matrix.
    public init(classCount: Int) {
        precondition(classCount >= 0, "ConfusionMatrix: class count must be ≥ 0, got \(classCount)")
        self.classCount = classCount
        self.counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// A matrix over given counts, which must be square and non-negative.
    public init(counts: [[Int]]) throws(ShapeError) {
        guard counts.allSatisfy({ $0.count == counts.count }) else {
            throw ShapeError("confusion matrix: counts must be square (k rows of k), got rows of \(counts.map(\.count)) for \(counts.count) rows")
        }
        guard counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else {
            throw ShapeError("confusion matrix: counts must be ≥ 0")
        }
        self.classCount = counts.count
        self.counts = counts
    }

    /// Counts one example of class `trueClass` predicted as `predicted`; both in 0..<k.
    public mutating func add(trueClass: Int, predicted: Int) {
        precondition(
            (0..<classCount).contains(trueClass) && (0..<classCount).contains(predicted),
            "ConfusionMatrix: class (\(trueClass), \(predicted)) outside 0..<\(classCount)")
        counts[trueClass][predicted] += 1
    }

    /// Number of examples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Number of correct predictions (the trace).
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }
    /// correct / total; 0 when nothing was counted.
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    /// Examples of each true class (row sums).
    public var support: [Int] { counts.map { $0.reduce(0, +) } }
    /// Predictions of each class (column sums).
    public var predictedCounts: [Int] {
        (0..<classCount).map { column in counts.reduce(0) { $0 + $1[column] } }
    }

    /// The confusion matrix of `network` over `dataset`: each row's predicted class
    /// (`LossFunction.predictedClass`, the arg-max logit, or logit > 0 for a one-output
    /// sigmoid) against its target class (`LossFunction.targetClass`).
    ///
    /// k is the network's output width, or 2 for a one-output sigmoid network. Logits are
    /// computed `batchSize` rows at a time in one reused workspace, as `Network.evaluate`
    /// computes them, so `accuracy` matches its accuracy.
    /// - Throws: `ShapeError` for a regression network or data that does not fit.
    public static func from<Scalar: NetworkScalar>(
        network: Network<Scalar>, dataset: Dataset<Scalar>, batchSize: Int = 1024
    ) throws(ShapeError) -> ConfusionMatrix {
        let loss = network.loss
        guard loss.isClassification else {
            throw ShapeError("confusion matrix: the network's loss (\(loss.rawValue)) is not a classification loss")
        }
        guard dataset.inputs.columns == network.inputSize else {
            throw ShapeError("confusion matrix: network expects \(network.inputSize) input columns, data has \(dataset.inputs.columns)")
        }
        try loss.validate(targets: dataset.targets, outputSize: network.outputSize)
        let classCount = loss == .binaryCrossEntropy && network.outputSize == 1 ? 2 : network.outputSize
        var matrix = ConfusionMatrix(classCount: classCount)
        let last = network.layers.count - 1
        network.forwardBatches(of: dataset, batchSize: batchSize) { workspace, _ in
            for row in 0..<workspace.batchSize {
                matrix.add(
                    trueClass: loss.targetClass(targets: workspace.targets, row: row),
                    predicted: loss.predictedClass(logits: workspace.outputs[last], row: row))
            }
        }
        return matrix
    }

    /// The matrix as an aligned text table, rows = true class, columns = predicted class:
    ///
    /// ```
    /// true \ predicted  cat  dog
    /// cat                 5    1
    /// dog                 2    7
    /// ```
    ///
    /// Class i is labelled `classNames[i]` when there is one, else `i`. The first column is
    /// left-aligned, counts are right-aligned under their class names.
    public func text(classNames: [String]? = nil) -> String {
        let names = (0..<classCount).map { index in
            if let classNames, index < classNames.count { classNames[index] } else { String(index) }
        }
        let corner = "true \\ predicted"
        let firstWidth = max(corner.count, names.map(\.count).max() ?? 0)
        let widths = (0..<classCount).map { column in
            max(names[column].count, counts.map { String($0[column]).count }.max() ?? 1)
        }
        func line(_ label: String, _ cells: [String]) -> String {
            var text = Self.pad(label, to: firstWidth, right: false)
            for (cell, width) in zip(cells, widths) {
                text += "  " + Self.pad(cell, to: width, right: true)
            }
            return text
        }
        var lines = [line(corner, names)]
        for row in 0..<classCount {
            lines.append(line(names[row], counts[row].map(String.init)))
        }
        return lines.joined(separator: "\n")
    }

    /// `text` padded with spaces to `width` characters, on the left (`right: true`, right
    /// alignment) or on the right; never truncated.
    static func pad(_ text: String, to width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(width - text.count, 0))
        return right ? padding + text : text + padding
    }
}
