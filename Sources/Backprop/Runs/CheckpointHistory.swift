import Foundation

/// The metrics history of a checkpointed run, kept beside the checkpoint in
/// `DIR/history.jsonl` (one JSON object per epoch) instead of inside it, so that writing a
/// checkpoint costs the same at epoch 10 and at epoch 100 000: each checkpoint appends the
/// epochs since the last one. The checkpoint records how many lines belong to it and their
/// CRC32C; lines after those (an epoch appended just before a kill) are cut on resume.
public final class CheckpointHistory {
    public static let fileName = "history.jsonl"

    let path: String
    /// Lines written so far and the CRC32C of their bytes.
    private(set) var count: Int
    private(set) var checksum: UInt32
    private(set) var byteCount: Int

    /// The history file of `directory`.
    public static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// A new, empty history in `directory` (an existing file is replaced).
    public init(directory: String) throws {
        path = Self.path(in: directory)
        count = 0
        checksum = 0
        byteCount = 0
        try AtomicFile.write([UInt8](), to: path)
    }

    /// The history a checkpoint recorded: the first `count` lines of the file, which must
    /// have CRC32C `checksum`; the file is cut to them.
    init(directory: String, count: Int, checksum expected: UInt32) throws {
        path = Self.path(in: directory)
        guard count >= 0, let data = FileManager.default.contents(atPath: path) else {
            throw ModelFile.Error("\(path): the checkpoint's metrics history is missing")
        }
        let bytes = [UInt8](data)
        var end = 0
        var lines = 0
        while lines < count, let newline = bytes[end...].firstIndex(of: 0x0A) {
            end = newline + 1
            lines += 1
        }
        let actual = CRC32C.checksum(bytes[0..<end])
        guard lines == count, actual == expected else {
            throw ModelFile.Error("\(path): the metrics history does not match the checkpoint (\(lines) of \(count) epochs, CRC32C \(String(format: "%08x", actual)) instead of \(String(format: "%08x", expected))): it was damaged or edited")
        }
        if end < bytes.count { try AtomicFile.write(Array(bytes[0..<end]), to: path) }
        self.count = count
        checksum = actual
        byteCount = end
    }

    /// The recorded epochs.
    func metrics() throws -> [EpochMetrics] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try data.prefix(byteCount).split(separator: 0x0A).map { line in
            do {
                return try EpochMetrics(jsonLine: Data(line))
            } catch {
                throw ModelFile.Error("\(path): a line of the metrics history is not an epoch's metrics")
            }
        }
    }

    /// Appends the epochs of `history` beyond those already written (one write).
    func append(_ history: [EpochMetrics]) throws {
        guard history.count > count else { return }
        var bytes: [UInt8] = []
        for metrics in history[count...] { bytes += try metrics.jsonLine() }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ModelFile.Error("\(path): cannot open the metrics history (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == bytes.count else {
            throw ModelFile.Error("\(path): cannot append to the metrics history")
        }
        checksum = CRC32C.checksum(bytes, continuing: checksum)
        byteCount += bytes.count
        count = history.count
    }
}
