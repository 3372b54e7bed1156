import Testing
@testable import BackpropCLI
import Backprop

/// Exact progress lines. Field widths: "epoch 3/30" is 10 characters; " 312/469 batches"
/// 16, "  loss 0.4123" 13, "  1234 ex/s" 11, "  ETA 0:07" 10. The bar gets the rest of
/// width − 1 after the text, the space and the two brackets, at most 30.
@Suite struct ProgressBarTests {
    /// Width 80: 79 − 10 − 50 − 3 = 16 inside the bar; ⌊16 · 312/469⌋ = 10 → 9 "=" and ">".
    @Test func midEpoch() {
        let line = ProgressBar.render(
            epoch: 3, epochs: 30, batchesDone: 312, batchCount: 469,
            runningLoss: 0.41234, examplesPerSecond: 1234.4, secondsRemaining: 7.2, width: 80)
        #expect(line == "epoch 3/30 [=========>      ] 312/469 batches  loss 0.4123  1234 ex/s  ETA 0:07")
        #expect(line.count == 79)
    }

    /// Width 120: the bar is capped at 30; ⌊30 · 312/469⌋ = 19 → 18 "=" and ">".
    @Test func wideTerminalCapsTheBar() {
        let line = ProgressBar.render(
            epoch: 3, epochs: 30, batchesDone: 312, batchCount: 469,
            runningLoss: 0.41234, examplesPerSecond: 1234.4, secondsRemaining: 7.2, width: 120)
        #expect(line == "epoch 3/30 [" + String(repeating: "=", count: 18) + ">" + String(repeating: " ", count: 11)
            + "] 312/469 batches  loss 0.4123  1234 ex/s  ETA 0:07")
    }

    /// Before the first batch: empty bar, and no loss, speed or ETA yet.
    @Test func start() {
        let line = ProgressBar.render(
            epoch: 1, epochs: 5, batchesDone: 0, batchCount: 100,
            runningLoss: nil, examplesPerSecond: nil, secondsRemaining: nil, width: 80)
        #expect(line == "epoch 1/5 [" + String(repeating: " ", count: 30) + "] 0/100 batches")
    }

    /// Complete: the bar is all "=" (79 − 9 − 50 − 3 = 17 wide).
    @Test func complete() {
        let line = ProgressBar.render(
            epoch: 5, epochs: 5, batchesDone: 100, batchCount: 100,
            runningLoss: 0.1, examplesPerSecond: 5000, secondsRemaining: 0, width: 80)
        #expect(line == "epoch 5/5 [=================] 100/100 batches  loss 0.1000  5000 ex/s  ETA 0:00")
    }

    /// Too narrow for a 10-character bar: the bar is left out, the numbers stay.
    @Test func narrowTerminalDropsTheBar() {
        let line = ProgressBar.render(
            epoch: 3, epochs: 30, batchesDone: 312, batchCount: 469,
            runningLoss: 0.41234, examplesPerSecond: 1234.4, secondsRemaining: 7.2, width: 40)
        #expect(line == "epoch 3/30 312/469 batches  loss 0.4123  1234 ex/s  ETA 0:07")
    }

    /// NaN loss and infinite speed are left out rather than printed as "nan".
    @Test func nonFiniteFieldsAreLeftOut() {
        let line = ProgressBar.render(
            epoch: 1, epochs: 1, batchesDone: 1, batchCount: 2,
            runningLoss: .nan, examplesPerSecond: .infinity, secondsRemaining: 65, width: 60)
        // 59 − 9 − 12 − 10 − 3 = 25 inside; ⌊25/2⌋ = 12 → 11 "=" and ">".
        #expect(line == "epoch 1/1 [===========>             ] 1/2 batches  ETA 1:05")
    }

    @Test func bar() {
        #expect(ProgressBar.bar(done: 0, total: 10, width: 10) == "          ")
        #expect(ProgressBar.bar(done: 1, total: 10, width: 10) == ">         ")
        #expect(ProgressBar.bar(done: 5, total: 10, width: 10) == "====>     ")
        #expect(ProgressBar.bar(done: 9, total: 10, width: 10) == "========> ")
        #expect(ProgressBar.bar(done: 10, total: 10, width: 10) == "==========")
        #expect(ProgressBar.bar(done: 1, total: 100, width: 10) == "          ")
        #expect(ProgressBar.bar(done: 3, total: 0, width: 4) == "    ")
    }

    @Test func durations() {
        #expect(ProgressBar.formatDuration(0) == "0:00")
        #expect(ProgressBar.formatDuration(7.2) == "0:07")
        #expect(ProgressBar.formatDuration(59.5) == "1:00")
        #expect(ProgressBar.formatDuration(754) == "12:34")
        #expect(ProgressBar.formatDuration(3725) == "1:02:05")
        #expect(ProgressBar.formatDuration(-3) == "0:00")
        #expect(ProgressBar.secondsRemaining(elapsed: 10, batchesDone: 0, batchCount: 4) == nil)
        #expect(ProgressBar.secondsRemaining(elapsed: 10, batchesDone: 1, batchCount: 4) == 30)
    }

    /// At most one redraw per 0.1 s, the first and forced ones always.
    @Test func throttle() {
        var throttle = ProgressBar.RedrawThrottle()
        var answers: [Bool] = []
        for (now, force) in [(100.0, false), (100.05, false), (100.125, false), (100.2, false), (100.2, true), (100.25, false)] {
            answers.append(throttle.shouldRedraw(now: now, force: force))
        }
        #expect(answers == [true, false, true, false, true, false])
        throttle.reset()
        let afterReset = throttle.shouldRedraw(now: 100.26)
        #expect(afterReset)
        // On the real clock: the first call draws, an immediate second one does not.
        var live = ProgressBar.RedrawThrottle(interval: 60)
        let first = live.shouldRedraw()
        let second = live.shouldRedraw()
        #expect(first && !second)
    }

    /// Under `swift test` standard input/output may or may not be a terminal; a closed
    /// descriptor is not one, and its width falls back to 80.
    @Test func terminalDetection() {
        #expect(!TerminalDetection.isTerminal(fileDescriptor: -1))
        #expect(TerminalDetection.width(fileDescriptor: -1) == 80)
        #expect(TerminalDetection.width(fileDescriptor: 1) > 0)
    }
}
