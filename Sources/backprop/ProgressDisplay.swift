import Backprop
import Foundation

/// Redraws a one-line progress bar on a terminal during an epoch; does nothing otherwise,
/// so logs written to files stay one line per epoch.
final class ProgressDisplay {
    let enabled: Bool
    let epochs: Int
    let width: Int
    var throttle = ProgressBar.RedrawThrottle(interval: 0.1)
    var visible = false

    init(enabled: Bool, epochs: Int) {
        self.enabled = enabled
        self.epochs = epochs
        self.width = enabled ? TerminalDetection.width(fileDescriptor: 1) : 80
    }

    func update(_ step: Trainer<Float>.StepProgress) {
        guard enabled, throttle.shouldRedraw(force: step.batchesDone == step.batchCount) else { return }
        let rate = step.seconds > 0 ? Double(step.examplesDone) / step.seconds : nil
        let line = ProgressBar.render(
            epoch: step.epoch, epochs: epochs, batchesDone: step.batchesDone, batchCount: step.batchCount,
            runningLoss: step.runningLoss, examplesPerSecond: rate,
            secondsRemaining: ProgressBar.secondsRemaining(elapsed: step.seconds, batchesDone: step.batchesDone, batchCount: step.batchCount),
            width: width)
        FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        visible = false
        throttle.reset()
    }
}
