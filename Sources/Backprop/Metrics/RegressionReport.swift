import Foundation

/// The errors people read for a regression model, in the targets' own units, following
/// scikit-learn's metrics over all n examples and k outputs (multi-output averaged uniformly):
///
///     MSE = (1/nk) Σ (ŷ − y)²      RMSE = √MSE      MAE = (1/nk) Σ |ŷ − y|
///     R² = (1/k) Σⱼ [1 − Σᵢ (ŷᵢⱼ − yᵢⱼ)² / Σᵢ (yᵢⱼ − ȳⱼ)²]
///
/// (The training loss `mse` is the squared error summed over outputs, k·MSE.) An output whose
/// targets are all equal has R² 1 when predicted exactly, else 0 (scikit-learn's convention).
/// Accumulated in Double.
public struct RegressionReport: Codable, Equatable, Sendable {
    public var meanSquaredError: Double
    public var rootMeanSquaredError: Double
    public var meanAbsoluteError: Double
    public var rSquared: Double
    public var count: Int

    /// The report of `network`'s outputs on `dataset` (targets: one column per output).
    public init<Scalar: NetworkScalar>(network: Network<Scalar>, dataset: Dataset<Scalar>) throws(ShapeError) {
        let predictions = try network.predict(dataset.inputs)
        let targets = dataset.targets
        guard predictions.rows == targets.rows, predictions.columns == targets.columns, targets.rows > 0 else {
            throw ShapeError("regression report: \(predictions.rows)x\(predictions.columns) predictions for \(targets.rows)x\(targets.columns) targets")
        }
        let (rows, columns) = (targets.rows, targets.columns)
        var squared = 0.0, absolute = 0.0, rSquaredSum = 0.0
        for column in 0..<columns {
            var mean = 0.0
            for row in 0..<rows { mean += Double(targets[row, column]) }
            mean /= Double(rows)
            var residual = 0.0, total = 0.0
            for row in 0..<rows {
                let y = Double(targets[row, column])
                let error = Double(predictions[row, column]) - y
                residual += error * error
                absolute += abs(error)
                total += (y - mean) * (y - mean)
            }
            squared += residual
            rSquaredSum += total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        }
        let values = Double(rows * columns)
        meanSquaredError = squared / values
        rootMeanSquaredError = meanSquaredError.squareRoot()
        meanAbsoluteError = absolute / values
        rSquared = rSquaredSum / Double(columns)
        count = rows
    }

    /// "MSE 3025.1, RMSE 55.0, MAE 44.2, R² 0.473".
    public var summary: String {
        func number(_ value: Double) -> String {
            let magnitude = abs(value)
            return magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-3) ? String(format: "%.3e", value) : String(format: "%.4g", value)
        }
        return "MSE \(number(meanSquaredError)), RMSE \(number(rootMeanSquaredError)), MAE \(number(meanAbsoluteError)), R² \(String(format: "%.3f", rSquared))"
    }
}
