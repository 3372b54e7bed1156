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
///
/// Without `replacing`, the temporary file is hard-linked to the target instead, which fails
/// (EEXIST) if anything is there by then, a dangling symbolic link included: no check-then-
/// write race lets a file that appeared meanwhile be replaced. With `replacing`, a symbolic
/// link is followed and its target replaced, so the link stays a link.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Throws: ``AtomicFileError`` naming the path and the failed step; without
    ///   `replacing`, one with `errorNumber` EEXIST when something is at `path`.
    public static func write(_ bytes: [UInt8], to path: String, replacing: Bool = true) throws(AtomicFileError) {
        let path = replacing ? resolvingSymbolicLinks(path) : path
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
        if replacing {
            guard rename(temporaryPath, path) == 0 else {
                let renameError = errno
                unlink(temporaryPath)
                throw AtomicFileError(
                    path: path, step: "cannot rename the temporary file over it", errorNumber: renameError)
            }
        } else {
            let linked = link(temporaryPath, path) == 0
            let linkError = errno
            unlink(temporaryPath)
            guard linked else {
                throw AtomicFileError(
                    path: path, step: linkError == EEXIST ? "it already exists" : "cannot link the temporary file to it",
                    errorNumber: linkError)
            }
        }
        try syncDirectory(directory, path: path)
    }

    /// `path`, or where its chain of symbolic links ends (at most 40 links, as the kernel's
    /// limit; a relative link is taken relative to the link's directory).
    static func resolvingSymbolicLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: 4097)
            let count = readlink(current, &buffer, 4096)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") {
                current = target
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + target
            } else {
                current = target
            }
        }
        return current
    }

    /// Removes temporary files of ours next to `path` (`.<name>.tmp-<pid>-<hex>`) whose
    /// process no longer runs: what a kill -9 in the middle of a write leaves behind.
    /// Returns how many were removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(for path: String) -> Int {
        guard let (directory, name) = try? directoryAndName(of: path),
              let handle = opendir(directory) else { return 0 }
        defer { closedir(handle) }
        let prefix = "." + name + ".tmp-"
        var stale: [String] = []
        while let entry = readdir(handle) {
            let fileName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard fileName.hasPrefix(prefix) else { continue }
            let rest = fileName.dropFirst(prefix.count).split(separator: "-")
            guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, rest[1].allSatisfy(\.isHexDigit) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH { stale.append(directory + "/" + fileName) }
        }
        for file in stale { unlink(file) }
        return stale.count
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically, as the `[UInt8]` overload does.
    public static func write(_ text: String, to path: String, replacing: Bool = true) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path, replacing: replacing)
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
