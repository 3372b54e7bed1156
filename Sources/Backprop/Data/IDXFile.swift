/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// Layout (all integers big-endian): the magic number `00 00 TT DD`, where `TT` is the element
/// type (`08` = unsigned byte, the only one read here) and `DD` the number of dimensions;
/// then `DD` 32-bit dimension sizes; then the elements, row-major.
///
/// The header is checked before anything is sized by it: 1...4 dimensions, each at most 2³¹,
/// their product (overflow-checked) at most the payload cap, and the bytes that follow the
/// header exactly that product (fewer: truncated; more: trailing bytes).
public enum IDXFile {
    /// The largest payload accepted unless told otherwise: 1 GiB.
    public static let defaultMaximumPayloadSize = 1 << 30

    /// The element types IDX defines, by their type byte.
    static let elementTypeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer",
        0x0C: "32-bit integer", 0x0D: "32-bit float", 0x0E: "64-bit float",
    ]

    /// Reads an IDX file of unsigned bytes, decompressing it first if it is gzip-compressed.
    ///
    /// - Parameter maximumPayloadSize: the most element bytes accepted.
    /// - Throws: ``DataFileError`` naming `path` and the problem.
    public static func read(
        path: String, maximumPayloadSize: Int = defaultMaximumPayloadSize
    ) throws(DataFileError) -> IDXArray {
        // The largest legal file is the payload cap plus the largest header (4 + 4·4 bytes).
        let maximumFileSize = maximumPayloadSize.addingSaturating(20)
        var bytes = try DataFileBytes.readRaw(path: path, maximumSize: maximumFileSize)
        let header: Header
        if Gzip.isCompressed(bytes) {
            let prefix = try Gzip.decompressPrefix(bytes, count: 20, source: path)
            header = try parseHeader(prefix, path: path, maximumPayloadSize: maximumPayloadSize)
            let total = header.size + header.payloadSize
            do throws(DataFileError) {
                bytes = try Gzip.decompress(bytes, expectedSize: total, source: path)
            } catch where error.kind == .decompressedSizeAboveCap {
                throw DataFileError(
                    path: path, kind: .sizeMismatch,
                    message: "header claims \(header.summary) but more than \(header.payloadSize) bytes "
                        + "follow the \(header.size)-byte header after decompression (trailing bytes)")
            }
        } else {
            header = try parseHeader(bytes, path: path, maximumPayloadSize: maximumPayloadSize)
        }
        let following = bytes.count - header.size
        if following < header.payloadSize {
            throw DataFileError(
                path: path, kind: .truncated,
                message: "header claims \(header.summary) but only \(following) bytes follow the \(header.size)-byte header")
        }
        if following > header.payloadSize {
            throw DataFileError(
                path: path, kind: .sizeMismatch,
                message: "header claims \(header.summary) but \(following) bytes follow the "
                    + "\(header.size)-byte header (\(following - header.payloadSize) trailing bytes)")
        }
        bytes.removeFirst(header.size)
        return IDXArray(dimensions: header.dimensions, bytes: bytes)
    }

    /// The IDX encoding of `array` (type `08`, unsigned bytes).
    public static func encode(_ array: IDXArray) -> [UInt8] {
        precondition((1...4).contains(array.dimensions.count), "IDX files hold 1 to 4 dimensions")
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(array.dimensions.count)]
        for dimension in array.dimensions {
            precondition(dimension <= Int(UInt32.max), "IDX dimension \(dimension) does not fit 32 bits")
            withUnsafeBytes(of: UInt32(dimension).bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: array.bytes)
        return bytes
    }

    /// Writes `array` to `path` as an IDX file, gzip-compressed if `compressed`.
    ///
    /// - Throws: ``DataFileError`` (`.unwritable`).
    public static func write(_ array: IDXArray, to path: String, compressed: Bool = false) throws(DataFileError) {
        let encoded = encode(array)
        try DataFileBytes.write(compressed ? Gzip.compress(encoded) : encoded, to: path)
    }

    /// A checked IDX header.
    struct Header {
        var dimensions: [Int]
        /// Header bytes: 4 + 4 per dimension.
        var size: Int
        /// Element bytes the header announces.
        var payloadSize: Int

        /// "60000x28x28 unsigned bytes (47040000 bytes)"
        var summary: String {
            let shape = dimensions.map(String.init).joined(separator: "x")
            return "\(shape) unsigned bytes (\(payloadSize) bytes)"
        }
    }

    /// Checks the header at the start of `bytes` (which may hold only its first few bytes).
    static func parseHeader(_ bytes: [UInt8], path: String, maximumPayloadSize: Int) throws(DataFileError) -> Header {
        guard bytes.count >= 4 else {
            throw DataFileError(
                path: path, kind: .truncated,
                message: "file holds \(bytes.count) bytes, fewer than the 4-byte IDX magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            let found = bytes[0..<4].map { hex($0) }.joined(separator: " ")
            throw DataFileError(
                path: path, kind: .wrongMagic,
                message: "not an IDX file: magic number starts \(found), expected 00 00 08 01...04")
        }
        let type = bytes[2]
        guard type == 0x08 else {
            if let name = elementTypeNames[type] {
                throw DataFileError(
                    path: path, kind: .unsupportedFormat,
                    message: "IDX element type 0x\(hex(type)) (\(name)) is not supported; only 0x08 (unsigned byte) is")
            }
            throw DataFileError(
                path: path, kind: .wrongMagic,
                message: "not an IDX file: unknown element type 0x\(hex(type)) in the magic number")
        }
        let dimensionCount = Int(bytes[3])
        guard (1...4).contains(dimensionCount) else {
            throw DataFileError(
                path: path, kind: .malformedHeader,
                message: "header claims \(dimensionCount) dimensions; 1 to 4 are accepted")
        }
        let size = 4 + 4 * dimensionCount
        guard bytes.count >= size else {
            throw DataFileError(
                path: path, kind: .truncated,
                message: "header of \(dimensionCount) dimensions needs \(size) bytes but the file holds \(bytes.count)")
        }
        var dimensions: [Int] = []
        var product = 1
        var overflow = false
        for index in 0..<dimensionCount {
            let offset = 4 + 4 * index
            let dimension = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            guard dimension <= 1 << 31 else {
                throw DataFileError(
                    path: path, kind: .malformedHeader,
                    message: "header claims dimension \(index) has size \(dimension), above the limit of 2^31")
            }
            dimensions.append(dimension)
            if !overflow {
                (product, overflow) = product.multipliedReportingOverflow(by: dimension)
            }
        }
        let shape = dimensions.map(String.init).joined(separator: "x")
        // The bound below Int.max leaves room to add the header size without overflow.
        guard !overflow, product <= min(maximumPayloadSize, Int.max - 64) else {
            throw DataFileError(
                path: path, kind: .sizeAboveCap,
                message: "header claims \(shape) unsigned bytes"
                    + (overflow ? " (more than Int.max)" : " (\(product) bytes)")
                    + ", above the limit of \(maximumPayloadSize) bytes")
        }
        return Header(dimensions: dimensions, size: size, payloadSize: product)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }
}
