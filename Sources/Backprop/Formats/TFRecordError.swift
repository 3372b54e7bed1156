/// Why a TFRecord file could not be written or read.
public enum TFRecordError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case closed(path: String)
    /// The file ends inside record `record` (starting at byte `offset`): `part` needs
    /// `expected` bytes but only `available` remain.
    case truncated(path: String, record: Int, offset: Int, expected: Int, available: Int, part: String)
    /// The masked CRC-32C stored for `part` ("length" or "data") of record `record` does not
    /// match the bytes.
    case checksumMismatch(path: String, record: Int, offset: Int, part: String, stored: UInt32, computed: UInt32)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open TFRecord file: \(reason)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write TFRecord file: \(reason)"
        case .closed(let path):
            return "\(path): TFRecord file already closed"
        case .truncated(let path, let record, let offset, let expected, let available, let part):
            return "\(path): truncated TFRecord: record \(record) at byte \(offset) needs \(expected) bytes for its \(part), \(available) left"
        case .checksumMismatch(let path, let record, let offset, let part, let stored, let computed):
            return "\(path): TFRecord \(part) checksum mismatch in record \(record) at byte \(offset): stored 0x\(hex(stored)), computed 0x\(hex(computed))"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
