/// Examples and their targets: `inputs` is n x features (one example per row), `targets`
/// is n x 1 class indices (classification) or n x k values (regression, binary targets).
public struct Dataset<Scalar: NetworkScalar>: Sendable {
    public var inputs: Matrix<Scalar>
    public var targets: Matrix<Scalar>
    /// Names of the classes, when known (index = class).
    public var classNames: [String]?

    public init(inputs: Matrix<Scalar>, targets: Matrix<Scalar>, classNames: [String]? = nil) {
        precondition(inputs.rows == targets.rows, "Dataset: \(inputs.rows) inputs but \(targets.rows) targets")
        self.inputs = inputs
        self.targets = targets
        self.classNames = classNames
    }

    /// Number of examples.
    public var count: Int { inputs.rows }
    /// Features per example.
    public var featureCount: Int { inputs.columns }

    /// The number of classes implied by integer class-index targets (max + 1), or nil when
    /// targets have several columns.
    /// - Throws: `ShapeError` naming the row when a label is not an integer in
    ///   0..<`maximumClassCount`, with the number of distinct labels present (a continuous
    ///   target read as class labels makes hundreds of them).
    public func classCountFromLabels() throws(ShapeError) -> Int? {
        guard targets.columns == 1, !targets.storage.isEmpty else { return nil }
        var maximum = 0
        for (row, value) in targets.storage.enumerated() {
            guard value >= 0, value < Scalar(Self.maximumClassCount), value.rounded(.towardZero) == value else {
                let distinct = Set(targets.storage.prefix(100_000)).count
                let problem = !value.isFinite || value.rounded(.towardZero) != value ? "is not an integer"
                    : value < 0 ? "is negative" : "is \(Self.maximumClassCount) or more"
                throw ShapeError("row \(row + 1): class label \(value) \(problem); class labels are integers 0, 1, …, below \(Self.maximumClassCount) (\(distinct) distinct target values here). For a continuous target use --loss mse")
            }
            maximum = max(maximum, Int(value))
        }
        return maximum + 1
    }

    /// The most classes a data set's labels may imply: a softmax output of 65 536 units over
    /// a 1000-unit hidden layer is already 262 MB of Float weights.
    public static var maximumClassCount: Int { 65_536 }

    /// Converts to another scalar type.
    public func converted<Other: NetworkScalar>(to: Other.Type = Other.self) -> Dataset<Other> {
        Dataset<Other>(inputs: inputs.converted(), targets: targets.converted(), classNames: classNames)
    }
}
