import Dispatch
import Foundation

/// SIGINT and SIGTERM during training: the first one asks the run to stop after the step in
/// progress (so a checkpoint can be written and the way to resume printed); a second one
/// ends the process at once with the usual status (130 or 143).
final class StopRequest: @unchecked Sendable {
    static let shared = StopRequest()

    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// The signal received, if any.
    var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Starts listening for SIGINT and SIGTERM (once per process; later calls do nothing).
    func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.receive(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func receive(_ number: Int32) {
        lock.lock()
        let first = received == nil
        if first { received = number }
        lock.unlock()
        if !first {
            FileHandle.standardError.write(Data("\nbackprop: stopped at once by a second \(Self.name(number)); nothing more was saved\n".utf8))
            exit(128 + number)
        }
    }

    /// "SIGINT" or "SIGTERM".
    static func name(_ number: Int32) -> String {
        number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
    }

    /// Thrown from a step callback once a signal has arrived.
    struct Interrupted: Error {
        var signal: Int32
    }

    /// Throws `Interrupted` when a signal has arrived.
    func check() throws {
        if let signal { throw Interrupted(signal: signal) }
    }
}
