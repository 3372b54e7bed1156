import Backprop
import Foundation

/// `--metrics FILE.jsonl`: one JSON object per epoch. The file is written once at the start
/// (empty, or a resumed run's history, atomically), then each epoch appends its line with one
/// `write(2)`, so the cost per epoch does not grow with the run and a kill leaves whole lines.
final class MetricsWriter {
    let path: String
    let encoder: JSONEncoder
    private var descriptor: Int32

    init(path: String, history: [EpochMetrics]) throws {
        self.path = path
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var text = ""
        for metrics in history { text += String(decoding: try encoder.encode(metrics), as: UTF8.self) + "\n" }
        try AtomicFile.write(text, to: path)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure("--metrics \(path): cannot open for appending (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(descriptor) }

    func append(_ metrics: EpochMetrics) throws {
        let line = Array((String(decoding: try encoder.encode(metrics), as: UTF8.self) + "\n").utf8)
        let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == line.count else {
            throw CommandFailure("--metrics \(path): cannot append epoch \(metrics.epoch) (\(written < 0 ? String(cString: strerror(errno)) : "short write"))")
        }
    }
}
