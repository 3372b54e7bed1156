import Backprop
import Foundation

/// `--metrics FILE.jsonl`: one JSON object per epoch, the whole file rewritten atomically
/// after every epoch so a crash never leaves half a line.
final class MetricsWriter {
    let path: String
    var lines: [String]
    let encoder: JSONEncoder

    init(path: String, history: [EpochMetrics]) throws {
        self.path = path
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        lines = []
        for metrics in history { lines.append(String(decoding: try encoder.encode(metrics), as: UTF8.self)) }
    }

    func append(_ metrics: EpochMetrics) throws {
        lines.append(String(decoding: try encoder.encode(metrics), as: UTF8.self))
        try AtomicFile.write(lines.map { $0 + "\n" }.joined(), to: path)
    }
}
