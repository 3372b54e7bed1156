import Testing
@testable import Backprop

/// Regression metrics against hand-worked values (and scikit-learn's conventions).
@Suite struct RegressionReportTests {
    /// ŷ = x on x = 1, 2, 3, 4 with targets 1, 2, 3, 5: one error of −1.
    @Test func handWorkedValues() throws {
        let identity = Dense<Double>(weight: Matrix([[1]]), bias: [0])
        let network = try Network(inputSize: 1, layers: [identity], loss: .meanSquaredError)
        let data = Dataset(inputs: Matrix([[1], [2], [3], [4]]), targets: Matrix([[1], [2], [3], [5]]))
        let report = try RegressionReport(network: network, dataset: data)
        #expect(report.meanSquaredError == 0.25)
        #expect(report.rootMeanSquaredError == 0.5)
        #expect(report.meanAbsoluteError == 0.25)
        // ȳ = 2.75, Σ(y − ȳ)² = 8.75, Σ(ŷ − y)² = 1.
        #expect(abs(report.rSquared - (1 - 1 / 8.75)) < 1e-15)
        #expect(report.summary == "MSE 0.25, RMSE 0.5, MAE 0.25, R² 0.886")
        // A constant target predicted exactly has R² 1, otherwise 0 (scikit-learn).
        let constant = Dataset(inputs: Matrix([[2], [2]]), targets: Matrix([[2], [2]]))
        #expect(try RegressionReport(network: network, dataset: constant).rSquared == 1)
        let missed = Dataset(inputs: Matrix([[1], [3]]), targets: Matrix([[2], [2]]))
        #expect(try RegressionReport(network: network, dataset: missed).rSquared == 0)
    }
}
