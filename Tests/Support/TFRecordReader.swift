import Foundation
import Backprop
/// Reads TFRecord files written as described in `TFRecordWriter`, verifying the masked
/// CRC-32C of every length and every record's data.
public enum TFRecordReader {
    /// The data of every record in the file at `path`.
    public static func records(atPath path: String) throws -> [[UInt8]] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw TFRecordError.cannotOpen(path: path, reason: "cannot read the file")
        }
        return try records(in: [UInt8](contents), source: path)
    }

    /// The data of every record in `bytes`. `source` names the bytes in error messages.
    public static func records(in bytes: [UInt8], source: String = "<bytes>") throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let recordIndex = records.count
            guard bytes.count - offset >= 12 else {
                throw TFRecordError.truncated(
                    path: source, record: recordIndex, offset: offset,
                    expected: 12, available: bytes.count - offset, part: "length header")
            }
            let lengthBytes = bytes[offset..<offset + 8]
            let length = readLittleEndian(UInt64.self, bytes, at: offset)
            let storedLengthCRC = readLittleEndian(UInt32.self, bytes, at: offset + 8)
            let computedLengthCRC = CRC32C.maskedChecksum(lengthBytes)
            guard storedLengthCRC == computedLengthCRC else {
                throw TFRecordError.checksumMismatch(
                    path: source, record: recordIndex, offset: offset, part: "length",
                    stored: storedLengthCRC, computed: computedLengthCRC)
            }
            let dataStart = offset + 12
            let available = bytes.count - dataStart
            guard length <= UInt64(Int.max - 4), available >= 4, UInt64(available - 4) >= length else {
                throw TFRecordError.truncated(
                    path: source, record: recordIndex, offset: offset,
                    expected: length > UInt64(Int.max - 4) ? Int.max : Int(length) + 4,
                    available: available, part: "data and data checksum")
            }
            let dataEnd = dataStart + Int(length)
            let data = Array(bytes[dataStart..<dataEnd])
            let storedDataCRC = readLittleEndian(UInt32.self, bytes, at: dataEnd)
            let computedDataCRC = CRC32C.maskedChecksum(data)
            guard storedDataCRC == computedDataCRC else {
                throw TFRecordError.checksumMismatch(
                    path: source, record: recordIndex, offset: offset, part: "data",
                    stored: storedDataCRC, computed: computedDataCRC)
            }
            records.append(data)
            offset = dataEnd + 4
        }
        return records
    }

    static func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(bytes[offset + index]) << (8 * index)
        }
        return value
    }
}
