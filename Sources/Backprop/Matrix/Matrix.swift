/// A dense row-major matrix: `rows` x `columns` scalars, row r at `storage[r * columns ..<
/// (r + 1) * columns]`.
///
/// A batch is a matrix with one example per row. Storage keeps its capacity when the
/// row count shrinks (`resize(rows:)`), so buffers sized once for the largest batch are
/// reused by every batch after it without allocating.
public struct Matrix<Scalar: NetworkScalar>: Equatable, Sendable {
    public private(set) var rows: Int
    public let columns: Int
    /// Row-major elements. Writing is allowed, but the count must stay `rows * columns`.
    public var storage: [Scalar]

    /// A matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over the given row-major elements.
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(
            elements.count == rows * columns,
            "Matrix \(rows)x\(columns) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from nested rows, e.g. `Matrix([[1, 2], [3, 4]])`.
    public init(_ nestedRows: [[Scalar]]) {
        let columns = nestedRows.first?.count ?? 0
        precondition(nestedRows.allSatisfy { $0.count == columns }, "Ragged rows")
        self.init(rows: nestedRows.count, columns: columns, elements: nestedRows.flatMap { $0 })
    }

    /// Element at row `row`, column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// The shape as `[rows, columns]`.
    public var shape: [Int] { [rows, columns] }

    /// Row `row` as an array (allocates; for inspection, not for hot loops).
    public func row(_ row: Int) -> [Scalar] {
        Array(storage[row * columns..<(row + 1) * columns])
    }

    /// Changes the row count, keeping the column count and the storage's capacity.
    /// New rows are zero. Growing past the largest size seen so far allocates; shrinking
    /// and growing back does not.
    public mutating func resize(rows newRows: Int) {
        precondition(newRows >= 0)
        if newRows == rows { return }
        let newCount = newRows * columns
        if newCount < storage.count {
            storage.removeLast(storage.count - newCount)
        } else {
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
        rows = newRows
    }

    /// The transpose, as a new matrix.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { result.storage[c * rows + r] = storage[r * columns + c] }
        }
        return result
    }

    /// The same elements converted to another scalar type; the same type shares the storage
    /// (no copy).
    public func converted<Other: NetworkScalar>(to: Other.Type = Other.self) -> Matrix<Other> {
        if let same = self as? Matrix<Other> { return same }
        return Matrix<Other>(rows: rows, columns: columns, elements: storage.map { Other($0) })
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        (0..<rows).map { r in row(r).map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n")
    }
}
