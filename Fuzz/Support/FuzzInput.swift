#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fuzzer's input, as bytes or as a file for the readers that take a path.
///
/// Each fuzzing process writes every input to one file of its own under `$TMPDIR` (or
/// `/tmp`), named with its process id, so that parallel fuzzers do not share it.
enum FuzzInput {
    /// The input file of this process; the file name ends in `extension` so that readers
    /// which look at the name see the format they expect.
    static func path(extension fileExtension: String) -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return "\(directory)/backprop-fuzz-\(getpid()).\(fileExtension)"
    }

    /// Whether thrown errors' descriptions go unchecked (`BACKPROP_FUZZ_LENIENT_MESSAGES=1`),
    /// to keep looking for traps in a reader whose messages are already known to break.
    static let lenientMessages = getenv("BACKPROP_FUZZ_LENIENT_MESSAGES").map { String(cString: $0) } == "1"

    /// Stops the process (a finding) unless `error`'s description is one line that starts
    /// with `source` (when given), as every reader's errors promise.
    static func check(_ error: any Error, source: String?) {
        guard !lenientMessages else { return }
        let description = String(describing: error)
        require(
            !description.utf8.contains(0x0A) && !description.utf8.contains(0x0D),
            "error description is more than one line: \(description.debugDescription)")
        if let source {
            require(
                description.hasPrefix(source),
                "error description does not name \(source): \(description.debugDescription)")
        }
    }

    /// Stops the process (a finding) with `message` unless `condition` holds. Unlike
    /// `precondition`, the message survives `-O`, so the finding says what broke.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }

    /// The input as an array.
    static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Writes the input to `path`, replacing what was there; stops the process if it cannot,
    /// since every later input would be tested against a stale file.
    static func write(_ data: UnsafePointer<UInt8>, _ size: Int, to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot create the fuzz input file \(path)")
        var written = 0
        while written < size {
            let count = Glibc.write(descriptor, data + written, size - written)
            precondition(count > 0, "cannot write the fuzz input file \(path)")
            written += count
        }
        close(descriptor)
    }
}
