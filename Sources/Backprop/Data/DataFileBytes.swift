#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and writes for the data readers: plain bytes, or gzip-decompressed bytes
/// when the file starts with the gzip magic `1f 8b`, each under an explicit size cap.
enum DataFileBytes {
    /// The cap readers use unless told otherwise: 1 GiB.
    static let defaultMaximumSize = 1 << 30

    /// The file's bytes as stored (no decompression).
    ///
    /// - Parameter maximumSize: files larger than this are rejected before reading.
    /// - Throws: ``DataFileError`` (`.missingFile`, `.unreadable`, `.sizeAboveCap`).
    static func readRaw(path: String, maximumSize: Int = defaultMaximumSize) throws(DataFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let number = errno
            if number == ENOENT || number == ENOTDIR {
                throw DataFileError(path: path, kind: .missingFile, message: "no such file")
            }
            throw DataFileError(path: path, kind: .unreadable, message: "cannot open: \(errorText(number))")
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DataFileError(path: path, kind: .unreadable, message: "cannot stat: \(errorText(errno))")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw DataFileError(path: path, kind: .unreadable, message: "is a directory, not a file")
        }
        let statedSize = status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : 0
        if statedSize > maximumSize {
            throw DataFileError(
                path: path, kind: .sizeAboveCap,
                message: "file holds \(statedSize) bytes, above the limit of \(maximumSize) bytes")
        }

        // Sized by the file system, not by any header; reading goes on to end of file in
        // case the size was unknown (a pipe) or the file grew, still under the cap.
        // One byte more than the stated size, so that the read that finds end of file
        // needs no growth.
        let ceiling = maximumSize == Int.max ? Int.max : maximumSize + 1
        var bytes = zeroedBytes(count: min(max(statedSize.addingSaturating(1), 1 << 12), ceiling))
        var filled = 0
        while true {
            if filled == bytes.count {
                if filled > maximumSize || filled == Int.max {
                    throw DataFileError(
                        path: path, kind: .sizeAboveCap,
                        message: "file holds more than \(maximumSize) bytes, the limit")
                }
                bytes += zeroedBytes(count: min(bytes.count, ceiling - filled))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw DataFileError(path: path, kind: .unreadable, message: "read failed: \(errorText(errno))")
            }
            if count == 0 { break }
            filled += count
        }
        if filled > maximumSize {
            throw DataFileError(
                path: path, kind: .sizeAboveCap, message: "file holds more than \(maximumSize) bytes, the limit")
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// The file's contents: decompressed if the file starts with the gzip magic `1f 8b`,
    /// as stored otherwise.
    ///
    /// - Parameter maximumSize: the cap on the stored file and on the decompressed bytes.
    /// - Throws: ``DataFileError`` from reading or decompressing.
    static func read(path: String, maximumSize: Int = defaultMaximumSize) throws(DataFileError) -> [UInt8] {
        let stored = try readRaw(path: path, maximumSize: maximumSize)
        guard Gzip.isCompressed(stored) else { return stored }
        return try Gzip.decompress(stored, maximumOutputSize: maximumSize, source: path)
    }

    /// Writes `bytes` to `path`: first to `path.tmp-<pid>` beside it, then renamed over
    /// `path`, so that a failed write never leaves a half-written file under the real name.
    ///
    /// - Throws: ``DataFileError`` (`.unwritable`).
    static func write(_ bytes: [UInt8], to path: String) throws(DataFileError) {
        let temporaryPath = path + ".tmp-\(getpid())"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataFileError(path: path, kind: .unwritable, message: "cannot create \(temporaryPath): \(errorText(errno))")
        }
        var written = 0
        var failure: Int32?
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += count
        }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if failure == nil && rename(temporaryPath, path) != 0 { failure = errno }
        if let failure {
            unlink(temporaryPath)
            throw DataFileError(path: path, kind: .unwritable, message: "write failed: \(errorText(failure))")
        }
    }

    /// Whether `path` names an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Whether `path` names an existing file (of any kind other than a directory).
    static func fileExists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFDIR
    }

    /// `count` zero bytes, filled by `memset` (a generic fill loop is slow in debug builds).
    static func zeroedBytes(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { memset(base, 0, count) }
            initialized = count
        }
    }

    static func errorText(_ number: Int32) -> String {
        String(cString: strerror(number))
    }
}

/// The C library's `read(2)`, out of reach of `DataFileBytes.read` inside the enum.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// The C library's `write(2)`, out of reach of `DataFileBytes.write` inside the enum.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
