/// A data file (IDX, NPY, CSV, gzip) that cannot be read, with the file's path and a one-line
/// description of what is wrong.
///
/// `description` reads `path: problem`, for example
/// `train-images-idx3-ubyte.gz: header claims 60000x28x28 unsigned bytes (47040000 bytes) but
/// only 1200 bytes follow the 16-byte header`. Text formats also carry the 1-based `row`.
public struct DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for code that reacts to the kind of failure.
    public enum Kind: String, Equatable, Sendable {
        /// The file (or directory) does not exist.
        case missingFile
        /// The file exists but cannot be opened or read.
        case unreadable
        /// The file cannot be created or written.
        case unwritable
        /// The first bytes are not this format's magic number.
        case wrongMagic
        /// The file ends before the header or the payload it announces.
        case truncated
        /// The payload is larger than the header announces (trailing bytes), or two parts of
        /// one data set disagree in shape.
        case sizeMismatch
        /// The gzip stream is corrupt.
        case decompressionFailed
        /// The decompressed data would exceed the caller's size cap.
        case decompressedSizeAboveCap
        /// The file, or the payload its header announces, exceeds the reader's size cap.
        case sizeAboveCap
        /// A valid file in a variant this reader does not handle (element type, byte order,
        /// Fortran order, version).
        case unsupportedFormat
        /// The header does not parse, or announces something impossible.
        case malformedHeader
        /// A NaN or infinite value (or one outside `Float`'s range) in the data.
        case nonFiniteValue
        /// A label that is negative, not an integer, or not below the class count.
        case labelOutOfRange
        /// Images and labels (or two files that must match) hold different numbers of rows.
        case countMismatch
        /// A text row with a different number of fields than the first row.
        case raggedRow
        /// A text field that is not a number.
        case malformedValue
    }

    /// The file the problem is in.
    public let path: String
    public let kind: Kind
    /// The 1-based row of a text file, when the problem is in one row.
    public let row: Int?
    /// The problem, without the path.
    public let message: String

    public init(path: String, kind: Kind, row: Int? = nil, message: String) {
        self.path = path
        self.kind = kind
        self.row = row
        self.message = message
    }

    public var description: String {
        let text = message.escapingControlCharacters
        if let row { return "\(path): row \(row): \(text)" }
        return "\(path): \(text)"
    }
}
