import Foundation

/// Writes scalars (loss, accuracy, learning rate, ...) to a TensorBoard event file, so that
/// `tensorboard --logdir <directory>` plots them.
///
/// The file is `<directory>/events.out.tfevents.<unix seconds>.<hostname>` (with `.1`, `.2`,
/// ... appended if that name is taken), a TFRecord file (`TFRecordWriter`) of serialized
/// `tensorflow.Event` protocol buffers:
///
///     Event         { double wall_time = 1; int64 step = 2; string file_version = 3;
///                     Summary summary = 5; }
///     Summary       { repeated Value value = 1; }
///     Summary.Value { string tag = 1; float simple_value = 2; }
///
/// The first record carries only `wall_time` and `file_version = "brain.Event:2"`. Each
/// `addScalar` buffers one event; `flush()` appends the buffered events to the file (call it
/// once per epoch), `close()` flushes and closes. Values are stored as Float, as TensorBoard's
/// `simple_value` is a float.
public final class TensorBoardWriter {
    /// The event file's path.
    public let path: String
    private let records: TFRecordWriter

    /// Creates `directory` if needed and starts a new event file in it.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.cannotCreateDirectory(path: directory, reason: "\(error)")
        }
        let now = Date().timeIntervalSince1970
        let base = (directory as NSString).appendingPathComponent(
            "events.out.tfevents.\(Int(now)).\(Self.hostname())")
        var candidate = base
        var suffix = 0
        while FileManager.default.fileExists(atPath: candidate) {
            suffix += 1
            candidate = "\(base).\(suffix)"
        }
        path = candidate
        records = try TFRecordWriter(path: candidate)
        try records.write(Self.fileVersionEvent(wallTime: now))
        try records.flush()
    }

    /// Buffers the scalar `value` for `tag` (e.g. "train/loss") at training step `step`
    /// (e.g. the epoch). `wallTime` is seconds since 1970.
    public func addScalar(
        _ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970
    ) throws {
        try records.write(Self.scalarEvent(tag: tag, value: Float(value), step: Int64(step), wallTime: wallTime))
    }

    /// Appends the buffered events to the file.
    public func flush() throws {
        try records.flush()
    }

    /// Flushes and closes the file; adding after closing throws.
    public func close() throws {
        try records.close()
    }

    /// The serialized first event: `Event{ wall_time, file_version: "brain.Event:2" }`.
    static func fileVersionEvent(wallTime: Double) -> [UInt8] {
        var event = ProtobufEncoder()
        event.appendDouble(field: 1, wallTime)
        event.appendString(field: 3, "brain.Event:2")
        return event.bytes
    }

    /// The serialized `Event{ wall_time, step, summary: Summary{ value: [Value{ tag, simple_value }] } }`.
    static func scalarEvent(tag: String, value: Float, step: Int64, wallTime: Double) -> [UInt8] {
        var summaryValue = ProtobufEncoder()
        summaryValue.appendString(field: 1, tag)
        summaryValue.appendFloat(field: 2, value)
        var summary = ProtobufEncoder()
        summary.appendBytes(field: 1, summaryValue.bytes)
        var event = ProtobufEncoder()
        event.appendDouble(field: 1, wallTime)
        event.appendInt64(field: 2, step)
        event.appendBytes(field: 5, summary.bytes)
        return event.bytes
    }

    /// This machine's host name with path separators replaced, for the file name.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "/", with: "_")
        return name.isEmpty ? "localhost" : name
    }
}
