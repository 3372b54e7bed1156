/// An n-dimensional array read from (or written to) a NumPy `.npy` file, its elements
/// converted to `Float` in C (row-major) order.
///
/// `dataType` records the type the file stored. Integers above 2²⁴ in magnitude do not all
/// have an exact `Float`; ``labels(source:)`` refuses them rather than round them.
public struct NPYArray: Equatable, Sendable {
    /// Dimension sizes, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// `shape.reduce(1, *)` elements, row-major.
    public var elements: [Float]
    /// The element type stored in the file (`.float32` for arrays made in code).
    public var dataType: NPYDataType

    public init(shape: [Int], elements: [Float], dataType: NPYDataType = .float32) {
        precondition(shape.allSatisfy { $0 >= 0 }, "NPY shape \(shape) has a negative dimension")
        precondition(
            shape.reduce(1, *) == elements.count,
            "NPY shape \(shape) needs \(shape.reduce(1, *)) elements, got \(elements.count)")
        self.shape = shape
        self.elements = elements
        self.dataType = dataType
    }

    /// A rows × columns array holding the matrix's elements.
    public init(_ matrix: Matrix<Float>) {
        self.init(shape: [matrix.rows, matrix.columns], elements: matrix.storage)
    }

    /// The elements as a matrix with one row per index of the first dimension: shape
    /// (n, d₁, d₂, ...) becomes n × (d₁·d₂·...), a vector (n) becomes n × 1, a scalar 1 × 1.
    public func matrix() -> Matrix<Float> {
        switch shape.count {
        case 0: return Matrix(rows: 1, columns: 1, elements: elements)
        case 1: return Matrix(rows: shape[0], columns: 1, elements: elements)
        default: return Matrix(rows: shape[0], columns: shape.dropFirst().reduce(1, *), elements: elements)
        }
    }

    /// The elements as class labels: the array must be 1-dimensional (or n × 1) and every
    /// element a non-negative integer below 2²⁴ (integral floats such as `3.0` are accepted).
    ///
    /// - Parameter source: the path errors name.
    /// - Throws: ``DataFileError`` (`.sizeMismatch` for another shape, `.labelOutOfRange`
    ///   for a negative, fractional or too large element, with its flat index).
    public func labels(source: String = "NPY array") throws(DataFileError) -> [Int] {
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DataFileError(
                path: source, kind: .sizeMismatch,
                message: "labels must be a vector (n) or n x 1, this array has shape \(NPYFile.shapeText(shape))")
        }
        var labels = [Int]()
        labels.reserveCapacity(elements.count)
        for (index, value) in elements.enumerated() {
            guard value >= 0, value < 16_777_216, value.rounded(.towardZero) == value else {
                let problem = value < 0 ? "is negative" : value >= 16_777_216 ? "is 2^24 or more" : "is not an integer"
                throw DataFileError(
                    path: source, kind: .labelOutOfRange,
                    message: "label \(value) at flat index \(index) \(problem)")
            }
            labels.append(Int(value))
        }
        return labels
    }
}
