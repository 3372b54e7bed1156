import Foundation

/// Per-class precision, recall, F1 and support from a confusion matrix, with accuracy and
/// macro and weighted averages, following scikit-learn's `classification_report`.
///
/// For class i with TPᵢ = counts[i][i], FPᵢ = column sum − TPᵢ, FNᵢ = row sum − TPᵢ:
///
///     precisionᵢ = TPᵢ / (TPᵢ + FPᵢ)      recallᵢ = TPᵢ / (TPᵢ + FNᵢ)
///     F1ᵢ = 2·TPᵢ / (2·TPᵢ + FPᵢ + FNᵢ)  (= 2·P·R / (P + R))      supportᵢ = TPᵢ + FNᵢ
///
/// A zero denominator gives 0 (scikit-learn's `zero_division=0`). The macro average is the
/// unweighted mean over all k classes; the weighted average weights each class by its
/// support; accuracy = Σ TPᵢ / Σ supportᵢ. Every class 0..<k is reported, including one
/// that never occurs (scikit-learn with `labels=range(k)`).
public struct ClassificationReport: Codable, Equatable, Sendable {
    /// One row of the report.
    public struct Metrics: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1Score: Double
        /// Examples of the class (for the averages: all examples).
        public var support: Int

        public init(precision: Double, recall: Double, f1Score: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1Score = f1Score
            self.support = support
        }
    }

    /// Row i: class i.
    public let classes: [Metrics]
    /// Fraction of examples predicted correctly.
    public let accuracy: Double
    /// Unweighted means over the classes.
    public let macroAverage: Metrics
    /// Means weighted by support.
    public let weightedAverage: Metrics

    public init(_ matrix: ConfusionMatrix) {
        func ratio(_ numerator: Int, _ denominator: Int) -> Double {
            denominator == 0 ? 0 : Double(numerator) / Double(denominator)
        }
        let support = matrix.support
        let predicted = matrix.predictedCounts
        let classes = (0..<matrix.classCount).map { i in
            let truePositives = matrix.counts[i][i]
            let falsePositives = predicted[i] - truePositives
            let falseNegatives = support[i] - truePositives
            return Metrics(
                precision: ratio(truePositives, truePositives + falsePositives),
                recall: ratio(truePositives, truePositives + falseNegatives),
                f1Score: ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives),
                support: support[i])
        }
        let total = support.reduce(0, +)
        func mean(_ metric: KeyPath<Metrics, Double>, weighted: Bool) -> Double {
            if weighted {
                guard total > 0 else { return 0 }
                return classes.reduce(0) { $0 + $1[keyPath: metric] * Double($1.support) } / Double(total)
            }
            guard !classes.isEmpty else { return 0 }
            return classes.reduce(0) { $0 + $1[keyPath: metric] } / Double(classes.count)
        }
        self.classes = classes
        self.accuracy = matrix.accuracy
        self.macroAverage = Metrics(
            precision: mean(\.precision, weighted: false), recall: mean(\.recall, weighted: false),
            f1Score: mean(\.f1Score, weighted: false), support: total)
        self.weightedAverage = Metrics(
            precision: mean(\.precision, weighted: true), recall: mean(\.recall, weighted: true),
            f1Score: mean(\.f1Score, weighted: true), support: total)
    }

    /// The report as scikit-learn prints it (same columns, widths and rounding), without
    /// the final newline:
    ///
    /// ```
    ///               precision    recall  f1-score   support
    ///
    ///      class 0       0.50      1.00      0.67         1
    ///      class 1       0.00      0.00      0.00         1
    ///      class 2       1.00      0.67      0.80         3
    ///
    ///     accuracy                           0.60         5
    ///    macro avg       0.50      0.56      0.49         5
    /// weighted avg       0.70      0.60      0.61         5
    /// ```
    ///
    /// Class i is labelled `classNames[i]` when there is one, else `i`.
    public func text(classNames: [String]? = nil, digits: Int = 2) -> String {
        let digits = max(digits, 0)
        let names = classes.indices.map { index in
            if let classNames, index < classNames.count { classNames[index] } else { String(index) }
        }
        let width = max(names.map(\.count).max() ?? 0, "weighted avg".count, digits)
        func cell(_ text: String) -> String { " " + ConfusionMatrix.pad(text, to: 9, right: true) }
        func number(_ value: Double) -> String { cell(String(format: "%.\(digits)f", value)) }
        func row(_ name: String, _ metrics: Metrics) -> String {
            ConfusionMatrix.pad(name, to: width, right: true) + " "
                + number(metrics.precision) + number(metrics.recall) + number(metrics.f1Score)
                + cell(String(metrics.support))
        }
        var lines = [String(repeating: " ", count: width) + " "
            + ["precision", "recall", "f1-score", "support"].map(cell).joined(), ""]
        for (name, metrics) in zip(names, classes) {
            lines.append(row(name, metrics))
        }
        lines.append("")
        lines.append(ConfusionMatrix.pad("accuracy", to: width, right: true) + " "
            + cell("") + cell("") + number(accuracy) + cell(String(macroAverage.support)))
        lines.append(row("macro avg", macroAverage))
        lines.append(row("weighted avg", weightedAverage))
        return lines.joined(separator: "\n")
    }
}
