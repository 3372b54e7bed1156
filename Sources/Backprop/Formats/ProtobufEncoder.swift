/// A minimal protocol-buffers wire-format encoder: enough to write TensorBoard `Event`
/// messages without a protobuf dependency.
///
/// A field is a key `(fieldNumber << 3) | wireType` as a varint, then its value:
/// wire type 0 varint (int64, bool), 1 fixed64 little-endian (double),
/// 2 length-delimited (string, bytes, embedded message), 5 fixed32 little-endian (float).
/// Varints are little-endian base 128: 7 bits per byte, high bit set on all but the last;
/// negative int64 values take ten bytes (two's complement), as protobuf specifies.
struct ProtobufEncoder {
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private(set) var bytes: [UInt8] = []

    mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func appendKey(field: Int, wireType: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// An `int64` field (varint; negative values as their 64-bit two's complement).
    mutating func appendInt64(field: Int, _ value: Int64) {
        appendKey(field: field, wireType: .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A `double` field (fixed64, IEEE 754 bits little-endian).
    mutating func appendDouble(field: Int, _ value: Double) {
        appendKey(field: field, wireType: .fixed64)
        appendLittleEndian(value.bitPattern)
    }

    /// A `float` field (fixed32, IEEE 754 bits little-endian).
    mutating func appendFloat(field: Int, _ value: Float) {
        appendKey(field: field, wireType: .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A `bytes` or embedded-message field: length varint, then the bytes.
    mutating func appendBytes(field: Int, _ value: [UInt8]) {
        appendKey(field: field, wireType: .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (UTF-8, length-delimited).
    mutating func appendString(field: Int, _ value: String) {
        appendBytes(field: field, Array(value.utf8))
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var remaining = value
        for _ in 0..<MemoryLayout<T>.size {
            bytes.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }
}
