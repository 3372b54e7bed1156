/// The contents of an IDX file of unsigned bytes: its dimensions (outermost first) and its
/// elements in row-major order.
///
/// MNIST's label files are 1-dimensional (`[count]`), its image files 3-dimensional
/// (`[count, rows, columns]`).
public struct IDXArray: Equatable, Sendable {
    public var dimensions: [Int]
    /// `dimensions.reduce(1, *)` elements, row-major.
    public var bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        precondition(dimensions.allSatisfy { $0 >= 0 }, "IDX dimensions must be non-negative")
        precondition(
            dimensions.reduce(1, *) == bytes.count,
            "IDX dimensions \(dimensions) need \(dimensions.reduce(1, *)) bytes, got \(bytes.count)")
        self.dimensions = dimensions
        self.bytes = bytes
    }
}
