#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The element types of the safetensors format, by their tag in the header.
///
/// Only whole-byte types are listed; sub-byte types (F4, F6_*) are reported as unknown.
public enum SafeTensorDType: String, CaseIterable, Equatable, Sendable {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case float8E8M0 = "F8_E8M0"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"
    case complex64 = "C64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64, .int64, .uint64, .complex64: return 8
        }
    }

    /// The number of bytes a tensor of this type and `shape` occupies, or nil when a shape
    /// entry is negative or the count does not fit in `Int`.
    public func byteCount(shape: [Int]) -> Int? {
        var count = byteSize
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}

/// One named tensor as stored in a safetensors file: its element type, its shape and its
/// elements as little-endian bytes in C (row-major) order.
///
/// The byte count always equals `shape`'s product times `dtype.byteSize`; a scalar has shape
/// `[]` (one element), and a shape with a zero entry has no bytes.
public struct SafeTensor: Equatable, Sendable {
    public let name: String
    public let dtype: SafeTensorDType
    public let shape: [Int]
    /// Little-endian elements in C order.
    public let data: [UInt8]

    /// A tensor over raw little-endian bytes.
    ///
    /// - Throws: ``SafeTensorsError`` (``SafeTensorsError/Kind/invalidTensor``) when the name
    ///   is `__metadata__` (reserved by the format), a shape entry is negative, or `data` does
    ///   not hold exactly the shape's element count of `dtype`.
    public init(name: String, dtype: SafeTensorDType, shape: [Int], data: [UInt8]) throws(SafeTensorsError) {
        guard name != SafeTensors.metadataKey else {
            throw SafeTensorsError(.invalidTensor, "\(quoted(name)) is reserved and cannot name a tensor")
        }
        guard let byteCount = dtype.byteCount(shape: shape) else {
            throw SafeTensorsError(.invalidTensor, "tensor \(quoted(name)): shape \(shape) is negative or too large")
        }
        guard byteCount == data.count else {
            throw SafeTensorsError(
                .invalidTensor,
                "tensor \(quoted(name)): shape \(shape) of \(dtype.rawValue) needs \(byteCount) bytes, got \(data.count)")
        }
        self.init(validatedName: name, dtype: dtype, shape: shape, data: data)
    }

    /// A tensor whose invariants the caller has already checked.
    init(validatedName name: String, dtype: SafeTensorDType, shape: [Int], data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An F32 tensor of `floats` in C order.
    ///
    /// - Throws: ``SafeTensorsError`` when `floats.count` is not the product of `shape`.
    public init(name: String, shape: [Int], floats: [Float]) throws(SafeTensorsError) {
        var data = [UInt8](repeating: 0, count: floats.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in floats.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        try self.init(name: name, dtype: .float32, shape: shape, data: data)
    }

    /// An F64 tensor of `doubles` in C order.
    ///
    /// - Throws: ``SafeTensorsError`` when `doubles.count` is not the product of `shape`.
    public init(name: String, shape: [Int], doubles: [Double]) throws(SafeTensorsError) {
        var data = [UInt8](repeating: 0, count: doubles.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in doubles.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
            }
        }
        try self.init(name: name, dtype: .float64, shape: shape, data: data)
    }

    /// A tensor of `values` stored at the scalar's full precision (`Scalar.safetensorsDType`:
    /// F32 for `Float`, F64 for `Double`).
    ///
    /// - Throws: ``SafeTensorsError`` when the count does not match `shape`, or the scalar's
    ///   dtype is neither F32 nor F64.
    public init<Scalar: NetworkScalar>(name: String, shape: [Int], values: [Scalar]) throws(SafeTensorsError) {
        switch Scalar.safetensorsDType {
        case SafeTensorDType.float32.rawValue:
            try self.init(name: name, shape: shape, floats: values.map { Float($0) })
        case SafeTensorDType.float64.rawValue:
            try self.init(name: name, shape: shape, doubles: values.map { Double($0) })
        default:
            throw SafeTensorsError(
                .invalidTensor, "tensor \(quoted(name)): cannot store \(Scalar.self) as \(Scalar.safetensorsDType)")
        }
    }

    /// The number of elements (the product of `shape`).
    public var elementCount: Int { data.count / dtype.byteSize }

    /// The elements as `Float`: F32 as stored, F64 rounded to nearest, F16 and BF16 widened
    /// exactly.
    ///
    /// - Throws: ``SafeTensorsError`` (``SafeTensorsError/Kind/unsupportedConversion``) for
    ///   any other dtype.
    public func floats() throws(SafeTensorsError) -> [Float] {
        switch dtype {
        case .float32: return decode(UInt32.self) { Float(bitPattern: $0) }
        case .float64: return decode(UInt64.self) { Float(Double(bitPattern: $0)) }
        case .float16: return decode(UInt16.self, floatFromHalf)
        case .bfloat16: return decode(UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
        default: throw conversionError(to: "Float")
        }
    }

    /// The elements as `Double`: F64 as stored, F32, F16 and BF16 widened exactly.
    ///
    /// - Throws: ``SafeTensorsError`` (``SafeTensorsError/Kind/unsupportedConversion``) for
    ///   any other dtype.
    public func doubles() throws(SafeTensorsError) -> [Double] {
        switch dtype {
        case .float64: return decode(UInt64.self) { Double(bitPattern: $0) }
        case .float32: return decode(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float16: return decode(UInt16.self) { Double(floatFromHalf($0)) }
        case .bfloat16: return decode(UInt16.self) { Double(Float(bitPattern: UInt32($0) << 16)) }
        default: throw conversionError(to: "Double")
        }
    }

    /// The elements converted to `Scalar`, from any floating-point dtype (an F64 tensor is
    /// rounded once, straight from Double).
    public func values<Scalar: NetworkScalar>(as type: Scalar.Type = Scalar.self) throws(SafeTensorsError) -> [Scalar] {
        if dtype == .float64 { return try doubles().map { Scalar($0) } }
        return try floats().map { Scalar($0) }
    }

    private func conversionError(to type: String) -> SafeTensorsError {
        SafeTensorsError(.unsupportedConversion, "tensor \(quoted(name)): cannot convert \(dtype.rawValue) to \(type)")
    }

    /// Reads each little-endian `Word` of `data` and maps it.
    private func decode<Word: FixedWidthInteger, Element>(
        _ word: Word.Type, _ transform: (Word) -> Element
    ) -> [Element] {
        let size = MemoryLayout<Word>.size
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / size)).map { index in
                transform(Word(littleEndian: raw.loadUnaligned(fromByteOffset: index * size, as: Word.self)))
            }
        }
    }
}

/// IEEE 754 binary16 → binary32, exact (subnormals, infinities and NaN payloads included).
private func floatFromHalf(_ half: UInt16) -> Float {
    let sign: UInt32 = UInt32(half & 0x8000) << 16
    let exponent = UInt32(half >> 10) & 0x1F
    let mantissa = UInt32(half & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}

/// A tensor name as it appears in messages: JSON-quoted (so control characters cannot break
/// the line) and cut to 64 characters.
private func quoted(_ name: String) -> String {
    var output = ""
    JSONValue.writeString(name.count > 64 ? String(name.prefix(64)) + "…" : name, to: &output)
    return output
}

/// The contents of a safetensors file: named tensors in order and string metadata.
///
/// **Format** (https://github.com/huggingface/safetensors): 8 bytes little-endian UInt64 N,
/// then N bytes of a UTF-8 JSON object (padded at its end with spaces), then the data
/// buffer. The object maps each tensor's name to `{"dtype", "shape", "data_offsets"}`
/// (`[begin, end)`, relative to the data buffer) plus an optional `"__metadata__"` object of
/// strings. Elements are little-endian in C order.
///
/// **Writing is deterministic**: the same tensors and metadata always give the same bytes.
/// Tensors are written in the order of ``tensors``, back to back from offset 0; the header
/// is compact JSON with `__metadata__` first (keys sorted, omitted when empty), then each
/// tensor's `dtype`, `shape`, `data_offsets` in that order, padded with spaces to a
/// multiple of 8 bytes.
///
/// **Reading is strict** and never traps: every malformed input ends in a
/// ``SafeTensorsError`` naming the file and the problem. Tensors come back in data-buffer
/// order (by `data_offsets`, header order among equal offsets), so a file this type wrote
/// reads back with its tensors in the order they were written. Names are compared as Swift
/// strings (canonically equivalent names count as duplicates).
public struct SafeTensors: Equatable, Sendable {
    /// The reserved header key of the metadata object.
    public static let metadataKey = "__metadata__"
    /// The default header cap of ``read(from:maximumHeaderSize:maximumFileSize:)``, the
    /// same as the reference implementation's.
    public static let defaultMaximumHeaderSize = 100_000_000
    /// The default file-size cap of ``read(from:maximumHeaderSize:maximumFileSize:)`` (4 GiB).
    public static let defaultMaximumFileSize = 1 << 32
    /// The deepest JSON nesting a header may have; a valid one needs 3.
    static let maximumHeaderDepth = 8

    /// The tensors, in file order; names are unique.
    public private(set) var tensors: [SafeTensor]
    /// Free-form string metadata (`__metadata__`).
    public var metadata: [String: String]

    /// Tensors to be written in the given order, with `metadata`.
    ///
    /// - Throws: ``SafeTensorsError`` (``SafeTensorsError/Kind/duplicateTensorName``) when two
    ///   tensors share a name.
    public init(tensors: [SafeTensor], metadata: [String: String] = [:]) throws(SafeTensorsError) {
        var names = Set<String>()
        for tensor in tensors where !names.insert(tensor.name).inserted {
            throw SafeTensorsError(.duplicateTensorName, "two tensors are named \(quoted(tensor.name))")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    private init(validatedTensors tensors: [SafeTensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, if any.
    public subscript(name: String) -> SafeTensor? {
        tensors.first { $0.name == name }
    }

    /// The tensor named `name`.
    ///
    /// - Throws: ``SafeTensorsError`` (``SafeTensorsError/Kind/missingTensor``).
    public func tensor(named name: String) throws(SafeTensorsError) -> SafeTensor {
        guard let tensor = self[name] else {
            throw SafeTensorsError(.missingTensor, "no tensor named \(quoted(name))")
        }
        return tensor
    }

    // MARK: Writing

    /// The file's bytes. See the type's documentation for the layout.
    public func serialized() -> [UInt8] {
        var header: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            let entries = metadata.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }
            header.append((key: Self.metadataKey, value: .object(entries)))
        }
        var offset = 0
        for tensor in tensors {
            header.append((
                key: tensor.name,
                value: .object([
                    (key: "dtype", value: .string(tensor.dtype.rawValue)),
                    (key: "shape", value: .array(tensor.shape.map { .integer($0) })),
                    (key: "data_offsets", value: .array([.integer(offset), .integer(offset + tensor.data.count)])),
                ])))
            offset += tensor.data.count
        }
        var headerBytes = Array(JSONValue.object(header).serialized().utf8)
        headerBytes.append(contentsOf: repeatElement(0x20, count: (8 - headerBytes.count % 8) % 8))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for tensor in tensors { bytes.append(contentsOf: tensor.data) }
        return bytes
    }

    /// Writes the file atomically (see ``AtomicFile``): `path` holds either its old contents
    /// or the complete new file. With `checksum`, `__metadata__` carries `backprop.crc32c`
    /// (see ``checksummed()``).
    public func write(to path: String, replacing: Bool = true, checksum: Bool = false) throws(AtomicFileError) {
        try AtomicFile.write(checksum ? checksummed() : serialized(), to: path, replacing: replacing)
    }

    // MARK: Integrity

    /// The metadata key of the file's CRC32C.
    public static let checksumKey = "backprop.crc32c"
    /// The value the checksum replaces while it is computed.
    static let checksumPlaceholder = Array("00000000".utf8)

    /// `serialized()` with `__metadata__["backprop.crc32c"]` holding the CRC32C (8 lowercase
    /// hex digits) of the whole file as written with "00000000" in its place: header (sizes,
    /// names, shapes, every metadata value) and data alike, so a flipped bit anywhere is
    /// caught on reading. Readers that do not know the key (PyTorch's) ignore it.
    public func checksummed() -> [UInt8] {
        var copy = self
        copy.metadata[Self.checksumKey] = String(decoding: Self.checksumPlaceholder, as: UTF8.self)
        var bytes = copy.serialized()
        guard let digits = Self.checksumDigits(in: bytes) else { return bytes }
        let hex = Array(String(format: "%08x", CRC32C.checksum(bytes)).utf8)
        bytes.replaceSubrange(digits, with: hex)
        return bytes
    }

    /// The header size a serialized file's first 8 bytes state (little-endian), when it fits
    /// in the file.
    static func headerSize(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8 else { return nil }
        var size: UInt64 = 0
        for index in 0..<8 { size |= UInt64(bytes[index]) << (8 * index) }
        return size <= UInt64(bytes.count - 8) ? Int(size) : nil
    }

    /// Where the 8 digits of the checksum value sit in a serialized file's header.
    static func checksumDigits(in bytes: [UInt8]) -> Range<Int>? {
        guard let headerSize = headerSize(of: bytes) else { return nil }
        let pattern = Array("\"\(checksumKey)\":\"".utf8)
        let header = bytes[8..<(8 + headerSize)]
        guard let start = header.firstRange(of: pattern)?.upperBound, start + 8 <= header.endIndex,
              header[start + 8] == UInt8(ascii: "\"") else { return nil }
        return start..<(start + 8)
    }

    /// Checks a parsed file's `backprop.crc32c` against its bytes; a file without the key
    /// passes (it was written without one).
    static func verifyChecksum(_ bytes: [UInt8], metadata: [String: String], fileName: String) throws(SafeTensorsError) {
        guard let stored = metadata[checksumKey] else { return }
        guard let digits = checksumDigits(in: bytes), stored.utf8.count == 8, let expected = UInt32(stored, radix: 16) else {
            throw SafeTensorsError(.checksumMismatch, fileName: fileName, "'\(checksumKey)' is not 8 hexadecimal digits: the file is damaged")
        }
        var zeroed = bytes
        zeroed.replaceSubrange(digits, with: checksumPlaceholder)
        let actual = CRC32C.checksum(zeroed)
        guard actual == expected else {
            throw SafeTensorsError(.checksumMismatch, fileName: fileName, String(format: "the bytes' CRC32C is %08x, but the file says %08x: it was damaged or edited after it was written", actual, expected))
        }
    }

    // MARK: Reading

    /// Reads and validates the file at `path`.
    ///
    /// The file is read whole after its size is checked against `maximumFileSize`; nothing
    /// is allocated from a size the header claims before that claim is checked against the
    /// real size.
    ///
    /// - Throws: ``SafeTensorsError`` naming `path` and the problem.
    public static func read(
        from path: String,
        maximumHeaderSize: Int = defaultMaximumHeaderSize,
        maximumFileSize: Int = defaultMaximumFileSize
    ) throws(SafeTensorsError) -> SafeTensors {
        let bytes = try readFile(path, maximumFileSize: maximumFileSize)
        return try parse(bytes, fileName: path, maximumHeaderSize: maximumHeaderSize)
    }

    /// Validates and decodes the bytes of a safetensors file.
    ///
    /// - Parameter fileName: the name errors are reported under.
    /// - Throws: ``SafeTensorsError`` naming `fileName` and the problem.
    public static func parse(
        _ bytes: [UInt8],
        fileName: String,
        maximumHeaderSize: Int = defaultMaximumHeaderSize
    ) throws(SafeTensorsError) -> SafeTensors {
        func failure(_ kind: SafeTensorsError.Kind, _ problem: String) -> SafeTensorsError {
            SafeTensorsError(kind, fileName: fileName, problem)
        }

        guard bytes.count >= 8 else {
            throw failure(.fileTooShort, "\(bytes.count) bytes is too short for the 8-byte header size")
        }
        var claimedHeaderSize: UInt64 = 0
        for index in 0..<8 { claimedHeaderSize |= UInt64(bytes[index]) << (8 * index) }
        // A file of another kind (a CSV, a PyTorch pickle) gives an absurd header size: say so
        // instead of quoting the size its first 8 bytes happen to make.
        let opensJSON = bytes.count > 8 && bytes[8] == UInt8(ascii: "{")
        let notSafeTensors = "not a safetensors file (it must start with an 8-byte header size followed by a JSON header)"
        guard claimedHeaderSize <= UInt64(max(maximumHeaderSize, 0)) else {
            throw failure(
                .headerTooLarge, opensJSON ? "header size \(claimedHeaderSize) exceeds the limit of \(maximumHeaderSize) bytes" : notSafeTensors)
        }
        guard claimedHeaderSize <= UInt64(bytes.count - 8) else {
            throw failure(
                .headerBeyondFile,
                opensJSON ? "header size \(claimedHeaderSize) exceeds the \(bytes.count - 8) bytes after the size" : notSafeTensors)
        }
        let headerEnd = 8 + Int(claimedHeaderSize)
        let headerBytes = Array(bytes[8..<headerEnd])
        let dataCount = bytes.count - headerEnd

        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw failure(.headerNotUTF8, "header is not valid UTF-8")
        }
        let header: JSONValue
        do {
            header = try JSONValue.parse(headerBytes, maximumDepth: maximumHeaderDepth)
        } catch {
            throw failure(.invalidJSON, "header is \(error)")
        }
        guard case .object(let members) = header else {
            throw failure(.headerNotObject, "header is not a JSON object")
        }

        var metadata: [String: String]? = nil
        var names = Set<String>()
        var entries: [Entry] = []
        for member in members {
            if member.key == metadataKey {
                guard metadata == nil else { throw failure(.invalidMetadata, "\(metadataKey) appears twice") }
                metadata = try parseMetadata(member.value, failure: failure)
                continue
            }
            guard names.insert(member.key).inserted else {
                throw failure(.duplicateTensorName, "two tensors are named \(quoted(member.key))")
            }
            entries.append(
                try parseEntry(
                    name: member.key, member.value, index: entries.count, dataCount: dataCount, failure: failure))
        }

        // The tensors must tile the data buffer exactly: sorted by offsets, each begins where
        // the previous one ended, and the last ends at the end of the file.
        entries.sort { ($0.begin, $0.end, $0.index) < ($1.begin, $1.end, $1.index) }
        var cursor = 0
        for entry in entries {
            if entry.begin < cursor {
                throw failure(
                    .overlappingTensors,
                    "tensor \(quoted(entry.name)) begins at \(entry.begin), inside bytes already used up to \(cursor)")
            }
            if entry.begin > cursor {
                throw failure(
                    .gapBetweenTensors, "bytes \(cursor)..<\(entry.begin) of the data buffer belong to no tensor")
            }
            cursor = entry.end
        }
        guard cursor == dataCount else {
            throw failure(.trailingBytes, "bytes \(cursor)..<\(dataCount) of the data buffer belong to no tensor")
        }

        let tensors = entries.map { entry in
            SafeTensor(
                validatedName: entry.name, dtype: entry.dtype, shape: entry.shape,
                data: Array(bytes[(headerEnd + entry.begin)..<(headerEnd + entry.end)]))
        }
        try verifyChecksum(bytes, metadata: metadata ?? [:], fileName: fileName)
        return SafeTensors(validatedTensors: tensors, metadata: metadata ?? [:])
    }

    /// A header entry after validation, before its bytes are copied out.
    private struct Entry {
        var name: String
        var dtype: SafeTensorDType
        var shape: [Int]
        var begin: Int
        var end: Int
        /// Position in the header, to keep the sort stable.
        var index: Int
    }

    private static func parseEntry(
        name: String, _ value: JSONValue, index: Int, dataCount: Int,
        failure: (SafeTensorsError.Kind, String) -> SafeTensorsError
    ) throws(SafeTensorsError) -> Entry {
        let tensor = "tensor \(quoted(name))"
        guard case .object(let fields) = value, fields.count == 3,
            Set(fields.map(\.key)) == ["dtype", "shape", "data_offsets"],
            let dtypeValue = value["dtype"], let shapeValue = value["shape"], let offsetsValue = value["data_offsets"]
        else {
            throw failure(.invalidTensorEntry, "\(tensor) is not an object with exactly dtype, shape and data_offsets")
        }

        guard case .string(let dtypeName) = dtypeValue else {
            throw failure(.invalidTensorEntry, "\(tensor): dtype is not a string")
        }
        guard let dtype = SafeTensorDType(rawValue: dtypeName) else {
            throw failure(.unknownDType, "\(tensor): unknown dtype \(quoted(dtypeName))")
        }

        guard case .array(let dimensions) = shapeValue else {
            throw failure(.invalidShape, "\(tensor): shape is not an array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dimensions.count)
        for dimension in dimensions {
            guard case .integer(let extent) = dimension, extent >= 0 else {
                throw failure(.invalidShape, "\(tensor): shape entries must be non-negative integers")
            }
            shape.append(extent)
        }
        guard let byteCount = dtype.byteCount(shape: shape) else {
            throw failure(.shapeOverflow, "\(tensor): shape \(shape) of \(dtype.rawValue) overflows the byte count")
        }

        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1],
            begin >= 0, begin <= end
        else {
            throw failure(
                .invalidOffsets, "\(tensor): data_offsets must be two non-negative integers [begin, end] with begin <= end")
        }
        guard end <= dataCount else {
            throw failure(
                .offsetsBeyondBuffer, "\(tensor): data_offsets end \(end) is past the \(dataCount)-byte data buffer")
        }
        guard end - begin == byteCount else {
            throw failure(
                .sizeMismatch,
                "\(tensor) needs \(byteCount) bytes (\(dtype.rawValue), shape \(shape)) but data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end, index: index)
    }

    private static func parseMetadata(
        _ value: JSONValue, failure: (SafeTensorsError.Kind, String) -> SafeTensorsError
    ) throws(SafeTensorsError) -> [String: String] {
        guard case .object(let members) = value else {
            throw failure(.invalidMetadata, "\(metadataKey) is not an object")
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value else {
                throw failure(.invalidMetadata, "\(metadataKey) value of \(quoted(member.key)) is not a string")
            }
            guard metadata.updateValue(text, forKey: member.key) == nil else {
                throw failure(.invalidMetadata, "\(metadataKey) key \(quoted(member.key)) appears twice")
            }
        }
        return metadata
    }

    /// The whole file, after checking that it is a regular file of at most `maximumFileSize`
    /// bytes.
    private static func readFile(_ path: String, maximumFileSize: Int) throws(SafeTensorsError) -> [UInt8] {
        func failure(_ kind: SafeTensorsError.Kind, _ problem: String) -> SafeTensorsError {
            SafeTensorsError(kind, fileName: path, problem)
        }
        func reason(_ errorNumber: Int32) -> String { String(cString: strerror(errorNumber)) }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(.unreadableFile, "cannot open: \(reason(errno))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(.unreadableFile, "cannot stat: \(reason(errno))") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw failure(.unreadableFile, "not a regular file") }
        let size = Int(status.st_size)
        guard size <= maximumFileSize else {
            throw failure(.fileTooLarge, "\(size) bytes exceeds the limit of \(maximumFileSize) bytes")
        }

        var readError: Int32? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            initializedCount = 0
            while initializedCount < size {
                let count = systemRead(descriptor, buffer.baseAddress! + initializedCount, size - initializedCount)
                if count < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    return
                }
                if count == 0 { return }  // The file shrank while being read.
                initializedCount += count
            }
        }
        if let readError { throw failure(.unreadableFile, "cannot read: \(reason(readError))") }
        return bytes
    }
}

/// `read(2)`, out of reach of the name `SafeTensors.read` inside the type.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
