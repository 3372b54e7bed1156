import Foundation

/// Writes TFRecord files: a sequence of framed records, each
///
///     UInt64 little-endian   length of data
///     UInt32 little-endian   masked CRC-32C of the 8 length bytes
///     [UInt8]                data
///     UInt32 little-endian   masked CRC-32C of data
///
/// (see `CRC32C.masked(_:)`). Records are buffered by `write(_:)` and reach the file on
/// `flush()` or `close()`; the file is only ever appended to.
final class TFRecordWriter {
    /// The file being written.
    let path: String
    private var handle: FileHandle?
    private var pending: [UInt8] = []

    /// Opens `path` for writing, creating it if needed. With `append == false` an existing
    /// file is truncated; with `append == true` new records go after the existing ones.
    init(path: String, append: Bool = false) throws {
        self.path = path
        let manager = FileManager.default
        if !append || !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw TFRecordError.cannotOpen(path: path, reason: "cannot create the file")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TFRecordError.cannotOpen(path: path, reason: "cannot open the file for writing")
        }
        do {
            try handle.seekToEnd()
        } catch {
            throw TFRecordError.cannotOpen(path: path, reason: "\(error)")
        }
        self.handle = handle
    }

    deinit {
        try? close()
    }

    /// The framed bytes of one record: length, masked length CRC, data, masked data CRC.
    static func framed(_ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 16)
        appendLittleEndian(UInt64(data.count), to: &bytes)
        appendLittleEndian(CRC32C.maskedChecksum(bytes[0..<8]), to: &bytes)
        bytes.append(contentsOf: data)
        appendLittleEndian(CRC32C.maskedChecksum(data), to: &bytes)
        return bytes
    }

    /// Buffers one record; it reaches the file on the next `flush()`.
    func write(_ data: [UInt8]) throws {
        guard handle != nil else { throw TFRecordError.closed(path: path) }
        pending.append(contentsOf: Self.framed(data))
    }

    /// Appends the buffered records to the file and asks the system to store them.
    func flush() throws {
        guard let handle else { throw TFRecordError.closed(path: path) }
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
            try handle.synchronize()
        } catch {
            throw TFRecordError.cannotWrite(path: path, reason: "\(error)")
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file. Closing twice is allowed; writing after closing throws.
    func close() throws {
        guard let handle else { return }
        defer { self.handle = nil }
        try flush()
        do {
            try handle.close()
        } catch {
            throw TFRecordError.cannotWrite(path: path, reason: "\(error)")
        }
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var remaining = value.littleEndian
        withUnsafeBytes(of: &remaining) { bytes.append(contentsOf: $0) }
    }
}
