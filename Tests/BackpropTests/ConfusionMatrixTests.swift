import Testing
@testable import Backprop

/// The confusion matrix and scikit-learn-style report on scikit-learn's own documentation
/// example for `classification_report`:
///
///     y_true = [0, 1, 2, 2, 2]
///     y_pred = [0, 0, 2, 2, 1]
///     print(classification_report(y_true, y_pred, target_names=['class 0', 'class 1', 'class 2']))
///
/// whose printed output (scikit-learn docs) is the `expectedReport` below. By hand:
/// class 0: TP 1, FP 1, FN 0 → P 0.5, R 1, F1 2/3; class 1: TP 0 → P = R = F1 = 0;
/// class 2: TP 2, FP 0, FN 1 → P 1, R 2/3, F1 0.8. Macro: P 0.5, R 5/9, F1 22/45.
/// Weighted (supports 1, 1, 3): P 3.5/5 = 0.7, R 3/5 = 0.6, F1 (2/3 + 2.4)/5 = 0.61333.
@Suite struct ConfusionMatrixTests {
    static let trueClasses = [0, 1, 2, 2, 2]
    static let predictedClasses = [0, 0, 2, 2, 1]
    static let names = ["class 0", "class 1", "class 2"]

    static var example: ConfusionMatrix {
        var matrix = ConfusionMatrix(classCount: 3)
        for (t, p) in zip(trueClasses, predictedClasses) { matrix.add(trueClass: t, predicted: p) }
        return matrix
    }

    @Test func countsRowsAreTrueClasses() {
        let matrix = Self.example
        #expect(matrix.counts == [[1, 0, 0], [1, 0, 0], [0, 1, 2]])
        #expect(matrix.total == 5)
        #expect(matrix.correct == 3)
        #expect(matrix.accuracy == 0.6)
        #expect(matrix.support == [1, 1, 3])
        #expect(matrix.predictedCounts == [2, 1, 2])
    }

    @Test func reportValues() {
        let report = ClassificationReport(Self.example)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }
        #expect(report.classes[0] == .init(precision: 0.5, recall: 1, f1Score: 2.0 / 3, support: 1))
        #expect(report.classes[1] == .init(precision: 0, recall: 0, f1Score: 0, support: 1))
        #expect(close(report.classes[2].recall, 2.0 / 3) && report.classes[2].precision == 1)
        #expect(close(report.classes[2].f1Score, 0.8))
        #expect(report.accuracy == 0.6)
        #expect(close(report.macroAverage.precision, 0.5))
        #expect(close(report.macroAverage.recall, 5.0 / 9))
        #expect(close(report.macroAverage.f1Score, 22.0 / 45))
        #expect(close(report.weightedAverage.precision, 0.7))
        #expect(close(report.weightedAverage.recall, 0.6))
        #expect(close(report.weightedAverage.f1Score, (2.0 / 3 + 2.4) / 5))
        #expect(report.macroAverage.support == 5 && report.weightedAverage.support == 5)
    }

    /// scikit-learn's printed report, character for character (without the final newline).
    @Test func reportTextMatchesScikitLearn() {
        let expectedReport = """
                          precision    recall  f1-score   support

                 class 0       0.50      1.00      0.67         1
                 class 1       0.00      0.00      0.00         1
                 class 2       1.00      0.67      0.80         3

                accuracy                           0.60         5
               macro avg       0.50      0.56      0.49         5
            weighted avg       0.70      0.60      0.61         5
            """
        #expect(ClassificationReport(Self.example).text(classNames: Self.names) == expectedReport)
    }

    /// A class that is never predicted nor present: every ratio is 0/0 → 0, and it still
    /// counts in the macro average (scikit-learn with labels=range(k), zero_division=0).
    @Test func zeroDivisionGivesZero() throws {
        let matrix = try ConfusionMatrix(counts: [[2, 0, 0], [0, 2, 0], [0, 0, 0]])
        let report = ClassificationReport(matrix)
        #expect(report.classes[2] == .init(precision: 0, recall: 0, f1Score: 0, support: 0))
        #expect(abs(report.macroAverage.f1Score - 2.0 / 3) < 1e-12)
        #expect(report.weightedAverage.f1Score == 1)
        let empty = ClassificationReport(ConfusionMatrix(classCount: 2))
        #expect(empty.accuracy == 0 && empty.weightedAverage.precision == 0)
    }

    @Test func matrixText() {
        let expected = """
            true \\ predicted  class 0  class 1  class 2
            class 0                 1        0        0
            class 1                 1        0        0
            class 2                 0        1        2
            """
        #expect(Self.example.text(classNames: Self.names) == expected)
        // Without names: indices; counts wider than the names widen their column.
        let wide = try! ConfusionMatrix(counts: [[1234, 5], [6, 78]])
        #expect(wide.text() == """
            true \\ predicted     0   1
            0                 1234   5
            1                    6  78
            """)
    }

    @Test func rejectsRaggedCounts() {
        #expect(throws: ShapeError.self) { _ = try ConfusionMatrix(counts: [[1, 2], [3]]) }
        #expect(throws: ShapeError.self) { _ = try ConfusionMatrix(counts: [[1, -2], [3, 4]]) }
    }

    /// A one-layer identity network makes the logits the inputs, so each row's prediction
    /// is its arg-max column; batches of 2 cover 5 rows (two full batches and one short).
    @Test func fromNetworkAndDataset() throws {
        let identity = Dense<Double>(weight: Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), bias: nil)
        let network = try Network<Double>(inputSize: 3, layers: [identity], loss: .softmaxCrossEntropy)
        let inputs = Matrix<Double>(Self.predictedClasses.map { predicted in
            (0..<3).map { $0 == predicted ? 1.0 : 0.0 }
        })
        let targets = Matrix<Double>(rows: 5, columns: 1, elements: Self.trueClasses.map(Double.init))
        let dataset = Dataset(inputs: inputs, targets: targets)
        #expect(try ConfusionMatrix.from(network: network, dataset: dataset, batchSize: 2) == Self.example)
        #expect(try ConfusionMatrix.from(network: network, dataset: dataset) == Self.example)
    }

    /// One sigmoid output: class 1 when the logit is > 0; two classes.
    @Test func fromBinaryNetwork() throws {
        let dense = Dense<Double>(weight: Matrix([[1]]), bias: nil)
        let network = try Network<Double>(inputSize: 1, layers: [dense], loss: .binaryCrossEntropy)
        let dataset = Dataset(inputs: Matrix([[-1], [2], [3], [-4]]), targets: Matrix([[0], [0], [1], [1]]))
        #expect(try ConfusionMatrix.from(network: network, dataset: dataset).counts == [[1, 1], [1, 1]])
    }

    @Test func regressionAndMismatchedDataThrow() throws {
        let dense = Dense<Double>(weight: Matrix([[1, 0]]), bias: nil)
        let regression = try Network<Double>(inputSize: 2, layers: [dense], loss: .meanSquaredError)
        let dataset = Dataset(inputs: Matrix([[1, 2]]), targets: Matrix([[1]]))
        #expect(throws: ShapeError.self) { _ = try ConfusionMatrix.from(network: regression, dataset: dataset) }
        let classifier = try Network<Double>(inputSize: 3, layers: [Dense(weight: Matrix([[1, 0, 0], [0, 1, 0]]), bias: nil)],
                                             loss: .softmaxCrossEntropy)
        #expect(throws: ShapeError.self) { _ = try ConfusionMatrix.from(network: classifier, dataset: dataset) }
    }
}
