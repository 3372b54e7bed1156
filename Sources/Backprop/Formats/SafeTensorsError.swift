/// Why a safetensors file, or a tensor for one, was rejected.
///
/// The ``description`` is one line: the file's name (when there is a file) and the problem,
/// e.g. `model.safetensors: tensor "0.weight" needs 24 bytes (F32, shape [3, 2]) but
/// data_offsets [0, 20] span 20`.
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of problem, for callers and tests that branch on it.
    public enum Kind: Equatable, Sendable, CaseIterable {
        /// The file could not be opened, examined or read.
        case unreadableFile
        /// The file is larger than the reader's `maximumFileSize`.
        case fileTooLarge
        /// Fewer than the 8 bytes of the header-size prefix.
        case fileTooShort
        /// The header-size prefix exceeds the reader's `maximumHeaderSize`.
        case headerTooLarge
        /// The header-size prefix points past the end of the file.
        case headerBeyondFile
        /// The header bytes are not valid UTF-8.
        case headerNotUTF8
        /// The header is not well-formed JSON (or nests too deeply).
        case invalidJSON
        /// The header's JSON is not an object.
        case headerNotObject
        /// A tensor entry is not an object with exactly `dtype`, `shape` and `data_offsets`.
        case invalidTensorEntry
        /// A `dtype` this reader does not know.
        case unknownDType
        /// A shape that is not an array of non-negative integers.
        case invalidShape
        /// The byte count of a shape does not fit in `Int`.
        case shapeOverflow
        /// `data_offsets` is not two non-negative integers with begin ≤ end.
        case invalidOffsets
        /// `data_offsets` ends past the data buffer.
        case offsetsBeyondBuffer
        /// The shape and dtype need a different number of bytes than `data_offsets` spans.
        case sizeMismatch
        /// Two tensors share bytes of the data buffer.
        case overlappingTensors
        /// Bytes of the data buffer between two tensors belong to none.
        case gapBetweenTensors
        /// Bytes at the end of the data buffer belong to no tensor.
        case trailingBytes
        /// Two tensors with the same name (in a file, or given to ``SafeTensors/init(tensors:metadata:)``).
        case duplicateTensorName
        /// `__metadata__` is not an object mapping strings to strings (each key once).
        case invalidMetadata
        /// A tensor built in memory whose name, shape, dtype and data disagree.
        case invalidTensor
        /// A typed accessor called on a tensor of a dtype it cannot convert.
        case unsupportedConversion
        /// No tensor of the requested name.
        case missingTensor
        /// The `backprop.crc32c` checksum in `__metadata__` does not match the file's bytes.
        case checksumMismatch
    }

    public var kind: Kind
    /// The file the problem was found in, or nil for tensors built in memory.
    public var fileName: String?
    /// The problem, without the file name.
    public var problem: String

    public init(_ kind: Kind, fileName: String? = nil, _ problem: String) {
        self.kind = kind
        self.fileName = fileName
        self.problem = problem
    }

    public var description: String {
        if let fileName { return "\(fileName): \(problem)" }
        return problem
    }
}
