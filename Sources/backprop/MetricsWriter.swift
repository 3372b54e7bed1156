import Backprop
import Foundation

/// `--metrics FILE.jsonl`: one JSON object per epoch (`EpochMetrics.jsonLine()`). The file is
/// written once at the start (empty, or a resumed run's history, atomically), then each epoch
/// appends its line with one `write(2)`, so the cost per epoch does not grow with the run and
/// a kill leaves whole lines.
final class MetricsWriter {
    let path: String
    private var descriptor: Int32

    init(path: String, history: [EpochMetrics]) throws {
        self.path = path
        try AtomicFile.write(try history.flatMap { try $0.jsonLine() }, to: path)
        descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure("--metrics \(path): cannot open for appending (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(descriptor) }

    func append(_ metrics: EpochMetrics) throws {
        let line = try metrics.jsonLine()
        let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == line.count else {
            throw CommandFailure("--metrics \(path): cannot append epoch \(metrics.epoch) (\(written < 0 ? String(cString: strerror(errno)) : "short write"))")
        }
    }
}
