import Foundation

/// The one-line progress display of an epoch, as a string (the library never prints):
///
///     epoch 3/30 [=============>                ] 312/469 batches  loss 0.4123  1234 ex/s  ETA 0:07
///
/// `render` is a pure function of its arguments so that it can be tested. A terminal
/// caller writes `"\r" + line + "\u{1B}[K"` (return, line, clear to end of line) when
/// `RedrawThrottle.shouldRedraw` says so, and a newline when the epoch is done.
public enum ProgressBar {
    /// The widest bar, in characters between the brackets.
    public static let maximumBarWidth = 30
    /// The narrowest bar worth drawing; with less room the bar is left out.
    public static let minimumBarWidth = 10

    /// The progress line, at most `width − 1` characters when that is possible (the last
    /// column stays free so the terminal does not wrap).
    ///
    /// The fields, in order: `epoch E/N`; the bar `[===>   ]`, whose inner width is what the
    /// line has room for, capped at `maximumBarWidth` and left out below `minimumBarWidth`;
    /// `D/B batches`; `loss L` (4 decimals); `R ex/s` (rounded to an integer); `ETA m:ss`
    /// (or `h:mm:ss`). Nil, NaN or infinite values leave their field out.
    ///
    /// The bar holds ⌊inner · D / B⌋ characters of progress: `=` for each, the last shown as
    /// `>` until the epoch is complete; all spaces at 0, all `=` at D = B.
    ///
    /// - Parameters:
    ///   - epoch: the epoch in progress, 1-based.
    ///   - batchesDone: batches finished in this epoch, 0...batchCount.
    ///   - width: the terminal's width in columns.
    public static func render(
        epoch: Int, epochs: Int, batchesDone: Int, batchCount: Int,
        runningLoss: Double?, examplesPerSecond: Double?, secondsRemaining: Double?,
        width: Int = 80
    ) -> String {
        let done = min(max(batchesDone, 0), max(batchCount, 0))
        let prefix = "epoch \(epoch)/\(epochs)"
        var suffix = " \(done)/\(batchCount) batches"
        if let runningLoss, runningLoss.isFinite {
            suffix += "  loss " + String(format: "%.4f", runningLoss)
        }
        if let examplesPerSecond, examplesPerSecond.isFinite {
            suffix += "  " + String(format: "%.0f", max(examplesPerSecond, 0)) + " ex/s"
        }
        if let secondsRemaining, secondsRemaining.isFinite {
            suffix += "  ETA " + formatDuration(secondsRemaining)
        }
        // Room for the bar: the line minus the text, the brackets, the space before the bar
        // and the last column.
        let room = width - 1 - prefix.count - suffix.count - 3
        let inner = min(room, maximumBarWidth)
        guard inner >= minimumBarWidth else { return prefix + suffix }
        return prefix + " [" + bar(done: done, total: batchCount, width: inner) + "]" + suffix
    }

    /// The inside of the bar: ⌊width · done / total⌋ characters of progress.
    public static func bar(done: Int, total: Int, width: Int) -> String {
        guard width > 0 else { return "" }
        guard total > 0 else { return String(repeating: " ", count: width) }
        let done = min(max(done, 0), total)
        if done == total { return String(repeating: "=", count: width) }
        let filled = width * done / total
        guard filled > 0 else { return String(repeating: " ", count: width) }
        return String(repeating: "=", count: filled - 1) + ">"
            + String(repeating: " ", count: width - filled)
    }

    /// Seconds as `m:ss`, or `h:mm:ss` from one hour, rounded to the nearest second;
    /// negative values read as 0.
    public static func formatDuration(_ seconds: Double) -> String {
        let total = seconds.isFinite ? Int(max(seconds, 0).rounded()) : 0
        let (hours, minutes, secondsPart) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if hours > 0 { return "\(hours):\(twoDigits(minutes)):\(twoDigits(secondsPart))" }
        return "\(minutes):\(twoDigits(secondsPart))"
    }

    /// Time left in the epoch from the time taken so far: elapsed · (B − D) / D; nil before
    /// the first batch is done.
    public static func secondsRemaining(elapsed: Double, batchesDone: Int, batchCount: Int) -> Double? {
        guard batchesDone > 0 else { return nil }
        return elapsed * Double(max(batchCount - batchesDone, 0)) / Double(batchesDone)
    }

    /// Limits redraws to one per `interval` seconds (0.1 s by default), so that a fast
    /// training loop does not spend its time writing to the terminal. A plain value with
    /// two numbers: `shouldRedraw` allocates nothing.
    public struct RedrawThrottle: Sendable, Equatable {
        /// The shortest time between two redraws, in seconds.
        public let interval: Double
        /// When the last redraw was allowed, in the caller's clock; nil before the first.
        public private(set) var lastRedraw: Double?

        public init(interval: Double = 0.1) {
            self.interval = interval
        }

        /// Whether to redraw at time `now` (seconds on any monotonic clock): true for the
        /// first call, when `force` is set (the last batch of an epoch), or once `interval`
        /// seconds have passed since the last true answer.
        public mutating func shouldRedraw(now: Double, force: Bool = false) -> Bool {
            if !force, let lastRedraw, now - lastRedraw < interval { return false }
            lastRedraw = now
            return true
        }

        /// `shouldRedraw(now:force:)` on the monotonic clock.
        public mutating func shouldRedraw(force: Bool = false) -> Bool {
            shouldRedraw(now: Double(DispatchTime.now().uptimeNanoseconds) * 1e-9, force: force)
        }

        /// Forgets the last redraw, so that the next call draws (e.g. at a new epoch).
        public mutating func reset() {
            lastRedraw = nil
        }
    }
}
