#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Replaces a file's contents all at once: a reader (or a crash) sees either the old file or
/// the new one, never a mix or a truncated file.
///
/// The bytes go to a temporary file in the target's directory (named
/// `.<name>.tmp-<pid>-<random>`, created exclusively), which is flushed to disk (`fsync`),
/// renamed over the target (atomic within one file system), and then the directory is
/// flushed so that the rename itself survives a crash. If anything fails before the rename,
/// the temporary file is removed and the target is left untouched. A replaced target keeps
/// its permission bits; a new one gets 0644 less the process's umask.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Throws: ``AtomicFileError`` naming the path and the failed step.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        let (directory, name) = try directoryAndName(of: path)
        let temporaryPath = directory + "/." + name + ".tmp-\(getpid())-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 16)

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFileError(
                path: path, step: "cannot create a temporary file in '\(directory)'", errorNumber: errno)
        }
        do throws(AtomicFileError) {
            var existing = stat()
            if stat(path, &existing) == 0 {
                _ = fchmod(descriptor, existing.st_mode & 0o7777)
            }
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else {
                throw AtomicFileError(path: path, step: "cannot flush the temporary file", errorNumber: errno)
            }
        } catch {
            close(descriptor)
            unlink(temporaryPath)
            throw error
        }
        guard close(descriptor) == 0 else {
            let closeError = errno
            unlink(temporaryPath)
            throw AtomicFileError(path: path, step: "cannot close the temporary file", errorNumber: closeError)
        }
        guard rename(temporaryPath, path) == 0 else {
            let renameError = errno
            unlink(temporaryPath)
            throw AtomicFileError(
                path: path, step: "cannot rename the temporary file over it", errorNumber: renameError)
        }
        try syncDirectory(directory, path: path)
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically, as the `[UInt8]` overload does.
    public static func write(_ text: String, to path: String) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path)
    }

    /// The directory (without a trailing slash, "." when none is given) and the file name.
    static func directoryAndName(of path: String) throws(AtomicFileError) -> (String, String) {
        guard !path.isEmpty, path.last != "/" else {
            throw AtomicFileError(path: path, step: "the path does not name a file", errorNumber: nil)
        }
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        return (directory.isEmpty ? "/" : directory, name)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(AtomicFileError) {
        var failure: Int32? = nil
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if let failure {
            throw AtomicFileError(path: path, step: "cannot write the temporary file", errorNumber: failure)
        }
    }

    /// Flushes the directory entry of the renamed file. File systems that cannot sync a
    /// directory (EINVAL) are not an error: the rename has already happened.
    private static func syncDirectory(_ directory: String, path: String) throws(AtomicFileError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AtomicFileError(path: path, step: "cannot open the directory to flush it", errorNumber: errno)
        }
        defer { close(descriptor) }
        if fsync(descriptor) != 0, errno != EINVAL {
            throw AtomicFileError(path: path, step: "cannot flush the directory", errorNumber: errno)
        }
    }
}

/// `write(2)`, out of reach of the name `AtomicFile.write` inside the type.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// A failed ``AtomicFile`` write: the target path, the step that failed and the system's
/// reason, on one line.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var step: String
    /// The `errno` of the failed call, when a system call failed.
    public var errorNumber: Int32?

    public var description: String {
        guard let errorNumber else { return "\(path): \(step)" }
        return "\(path): \(step): \(String(cString: strerror(errorNumber)))"
    }
}
