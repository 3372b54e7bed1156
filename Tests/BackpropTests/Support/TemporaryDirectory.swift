import Foundation

/// A uniquely named directory under the system's temporary directory, removed with its
/// contents when the closure given to ``with(_:)`` returns or throws.
struct TemporaryDirectory {
    let path: String

    /// Runs `body` with a fresh directory and removes it afterwards.
    static func with<Result>(_ body: (TemporaryDirectory) throws -> Result) throws -> Result {
        let template = NSTemporaryDirectory() + "backprop-test-XXXXXX"
        var characters = Array(template.utf8CString)
        guard let created = mkdtemp(&characters) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        let directory = TemporaryDirectory(path: String(cString: created))
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        return try body(directory)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Writes `bytes` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes `text` as UTF-8 to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        try write(Array(text.utf8), to: name)
    }
}
