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
    public var classCountFromLabels: Int? {
        guard targets.columns == 1, let maximum = targets.storage.max() else { return nil }
        return Int(maximum) + 1
    }

    /// Converts to another scalar type.
    public func converted<Other: NetworkScalar>(to: Other.Type = Other.self) -> Dataset<Other> {
        Dataset<Other>(inputs: inputs.converted(), targets: targets.converted(), classNames: classNames)
    }
}
