/// Reads and writes NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Layout: the magic `93 'N' 'U' 'M' 'P' 'Y'`, the major and minor version bytes, the header
/// length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then the header:
/// a Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }`
/// padded with spaces and ended by a newline; then the elements.
///
/// Accepted: the element types of ``NPYDataType`` in either byte order, C order only
/// (`fortran_order: False`), up to 4 dimensions. The header is parsed strictly (exactly the
/// keys `descr`, `fortran_order` and `shape`) and the payload must hold exactly
/// shape product × item size bytes (overflow-checked, under a cap) before anything is
/// allocated by the shape. NaN or infinite floats, and `f8` values outside `Float`'s range,
/// are rejected with their flat index.
public enum NPYFile {
    /// The largest payload accepted unless told otherwise: 2 GiB.
    public static let defaultMaximumPayloadSize = 1 << 31
    /// The largest header accepted (NumPy writes a few hundred bytes at most).
    static let maximumHeaderLength = 1 << 20
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads an `.npy` file (or a gzip-compressed one).
    ///
    /// - Throws: ``DataFileError`` naming `path` and the problem.
    public static func read(
        path: String, maximumPayloadSize: Int = defaultMaximumPayloadSize
    ) throws(DataFileError) -> NPYArray {
        let bytes = try DataFileBytes.read(path: path, maximumSize: maximumPayloadSize.addingSaturating(maximumHeaderLength + 12))
        return try decode(bytes, source: path, maximumPayloadSize: maximumPayloadSize)
    }

    /// Reads a vector of class labels from an `.npy` file (see ``NPYArray/labels(source:)``).
    public static func readLabels(path: String) throws(DataFileError) -> [Int] {
        try read(path: path).labels(source: path)
    }

    /// Decodes the bytes of an `.npy` file; `source` is the path errors name.
    public static func decode(
        _ bytes: [UInt8], source: String, maximumPayloadSize: Int = defaultMaximumPayloadSize
    ) throws(DataFileError) -> NPYArray {
        guard bytes.count >= 6, Array(bytes[0..<6]) == magic else {
            if magic.starts(with: bytes) {
                throw DataFileError(
                    path: source, kind: .truncated,
                    message: "file holds \(bytes.count) bytes, fewer than the 10-byte NPY preamble")
            }
            throw wrongMagic(bytes, source: source)
        }
        guard bytes.count >= 10 else {
            throw DataFileError(
                path: source, kind: .truncated,
                message: "file holds \(bytes.count) bytes, fewer than the 10-byte NPY preamble")
        }
        let major = bytes[6]
        let minor = bytes[7]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else {
                throw DataFileError(
                    path: source, kind: .truncated,
                    message: "file holds \(bytes.count) bytes, fewer than the 12-byte NPY \(major).\(minor) preamble")
            }
            headerLength = bytes[8..<12].reversed().reduce(0) { $0 << 8 | Int($1) }
            headerStart = 12
        default:
            throw DataFileError(
                path: source, kind: .unsupportedFormat,
                message: "NPY format version \(major).\(minor) is not supported; 1.0, 2.0 and 3.0 are")
        }
        guard headerLength <= maximumHeaderLength else {
            throw DataFileError(
                path: source, kind: .malformedHeader,
                message: "header length \(headerLength) is above the limit of \(maximumHeaderLength) bytes")
        }
        let payloadStart = headerStart + headerLength
        guard bytes.count >= payloadStart else {
            throw DataFileError(
                path: source, kind: .truncated,
                message: "header claims \(headerLength) bytes but the file ends \(bytes.count - headerStart) bytes after the preamble")
        }
        var parser = NPYHeaderParser(bytes: bytes[headerStart..<payloadStart], source: source)
        let header = try parser.parse()

        let shape = header.shape
        guard shape.count <= 4 else {
            throw DataFileError(
                path: source, kind: .unsupportedFormat,
                message: "shape \(shapeText(shape)) has \(shape.count) dimensions; at most 4 are supported")
        }
        if header.fortranOrder {
            throw DataFileError(
                path: source, kind: .unsupportedFormat,
                message: "fortran_order is True (column-major); only C order is supported, save with numpy.ascontiguousarray")
        }
        var count = 1
        var overflow = false
        for dimension in shape where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: dimension)
        }
        var payloadSize = 0
        if !overflow {
            (payloadSize, overflow) = count.multipliedReportingOverflow(by: header.dataType.size)
        }
        guard !overflow, payloadSize <= min(maximumPayloadSize, Int.max - 64) else {
            throw DataFileError(
                path: source, kind: .sizeAboveCap,
                message: "header claims shape \(shapeText(shape)) of '\(header.descriptor)'"
                    + (overflow ? " (more than Int.max bytes)" : " (\(payloadSize) bytes)")
                    + ", above the limit of \(maximumPayloadSize) bytes")
        }
        let following = bytes.count - payloadStart
        if following < payloadSize {
            throw DataFileError(
                path: source, kind: .truncated,
                message: "header claims shape \(shapeText(shape)) of '\(header.descriptor)' (\(payloadSize) bytes) "
                    + "but only \(following) bytes follow the header")
        }
        if following > payloadSize {
            throw DataFileError(
                path: source, kind: .sizeMismatch,
                message: "header claims shape \(shapeText(shape)) of '\(header.descriptor)' (\(payloadSize) bytes) "
                    + "but \(following) bytes follow the header (\(following - payloadSize) trailing bytes)")
        }

        let (elements, badIndex) = bytes.withUnsafeBytes { raw in
            convert(
                UnsafeRawBufferPointer(rebasing: raw[payloadStart...]), count: count,
                dataType: header.dataType, bigEndian: header.bigEndian)
        }
        if let badIndex {
            let value = rawValue(bytes, at: payloadStart + badIndex * header.dataType.size, header: header)
            let problem = value.isNaN ? "NaN" : value.isInfinite ? "infinite value \(value)" : "value \(value) outside Float's range"
            throw DataFileError(
                path: source, kind: .nonFiniteValue,
                message: "\(problem) at flat index \(badIndex)\(multiIndexText(badIndex, shape: shape))")
        }
        return NPYArray(shape: shape, elements: elements, dataType: header.dataType)
    }

    /// The `.npy` encoding of `array` as little-endian `Float` (`'<f4'`), format 1.0, with
    /// the header padded so the payload starts at a multiple of 64 bytes.
    public static func encode(_ array: NPYArray) -> [UInt8] {
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText(array.shape)), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        let header = Array(dictionary.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var bytes = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        bytes.reserveCapacity(bytes.count + 4 * array.elements.count)
        for value in array.elements {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Writes `array` to `path` as `'<f4'` (see ``encode(_:)``).
    ///
    /// - Throws: ``DataFileError`` (`.unwritable`).
    public static func write(_ array: NPYArray, to path: String) throws(DataFileError) {
        try DataFileBytes.write(encode(array), to: path)
    }

    /// Python's spelling of a shape tuple: `()`, `(3,)`, `(2, 3)`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    private static func multiIndexText(_ flatIndex: Int, shape: [Int]) -> String {
        guard shape.count > 1 else { return "" }
        var remainder = flatIndex
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return " (index [" + index.map(String.init).joined(separator: ", ") + "] of shape \(shapeText(shape)))"
    }

    private static func wrongMagic(_ bytes: [UInt8], source: String) -> DataFileError {
        let found = bytes.prefix(6).map { String($0, radix: 16) }.joined(separator: " ")
        return DataFileError(
            path: source, kind: .wrongMagic,
            message: "not an NPY file: starts with \(found), expected 93 4e 55 4d 50 59 (\\x93NUMPY)")
    }

    /// The stored floating-point value at `offset`, for error messages.
    private static func rawValue(_ bytes: [UInt8], at offset: Int, header: NPYHeader) -> Double {
        bytes.withUnsafeBytes { raw in
            if header.dataType == .float32 {
                let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                return Double(Float(bitPattern: header.bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits)))
            }
            let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return Double(bitPattern: header.bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits))
        }
    }

    /// The payload as `Float`s, and the flat index of the first element that is not a finite
    /// `Float` (NaN, infinite, or an `f8` beyond `Float`'s range), if any.
    private static func convert(
        _ raw: UnsafeRawBufferPointer, count: Int, dataType: NPYDataType, bigEndian: Bool
    ) -> ([Float], Int?) {
        var badIndex: Int?
        let elements = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            switch dataType {
            case .float32:
                for index in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                    output[index] = Float(bitPattern: bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))
                }
            case .float64:
                for index in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                    output[index] = Float(Double(bitPattern: bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits)))
                }
            case .int8: load(Int8.self, raw, count, bigEndian, into: output)
            case .int16: load(Int16.self, raw, count, bigEndian, into: output)
            case .int32: load(Int32.self, raw, count, bigEndian, into: output)
            case .int64: load(Int64.self, raw, count, bigEndian, into: output)
            case .uint8: load(UInt8.self, raw, count, bigEndian, into: output)
            case .uint16: load(UInt16.self, raw, count, bigEndian, into: output)
            case .uint32: load(UInt32.self, raw, count, bigEndian, into: output)
            case .uint64: load(UInt64.self, raw, count, bigEndian, into: output)
            case .bool:
                for index in 0..<count { output[index] = raw[index] == 0 ? 0 : 1 }
            }
            initialized = count
            if dataType.isFloatingPoint {
                // A converted f8 beyond Float's range becomes infinite, so one check covers
                // NaN, infinities and overflow.
                badIndex = output.firstIndex { !$0.isFinite }
            }
        }
        return (elements, badIndex)
    }

    private static func load<Integer: FixedWidthInteger>(
        _ type: Integer.Type, _ raw: UnsafeRawBufferPointer, _ count: Int, _ bigEndian: Bool,
        into output: UnsafeMutableBufferPointer<Float>
    ) {
        let size = MemoryLayout<Integer>.size
        for index in 0..<count {
            let stored = raw.loadUnaligned(fromByteOffset: index * size, as: Integer.self)
            output[index] = Float(bigEndian ? Integer(bigEndian: stored) : Integer(littleEndian: stored))
        }
    }
}
