import Backprop
import Foundation

/// Checks on the files and directories a training run will write, made before its first
/// step, so that a mistyped or read-only path fails in a second instead of after hours.
enum OutputPaths {
    /// Whether anything, a dangling symbolic link included, is at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Whether `path` is a directory (following links).
    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    /// The directory a file path lives in.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// Throws unless a file can be created in `path`'s directory (tried with a probe file,
    /// which also catches read-only file systems), naming `option`.
    static func checkWritableFile(_ path: String, option: String) throws {
        guard !path.isEmpty, path.last != "/" else { throw CommandFailure("\(option) \(path): not a file name") }
        guard !isDirectory(path) else { throw CommandFailure("\(option) \(path): is a directory; give a file name") }
        let directory = directory(of: path)
        guard isDirectory(directory) else {
            throw CommandFailure("\(option) \(path): the directory \(directory) does not exist")
        }
        try probe(directory, option: "\(option) \(path)")
    }

    /// Creates `path` as a directory if needed and throws unless files can be created in it.
    static func checkWritableDirectory(_ path: String, option: String) throws {
        if !exists(path) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure("\(option) \(path): cannot create the directory (\(Self.reason(error)))")
            }
        }
        guard isDirectory(path) else { throw CommandFailure("\(option) \(path): exists and is not a directory") }
        try probe(path, option: "\(option) \(path)")
    }

    private static func probe(_ directory: String, option: String) throws {
        let probe = directory + "/.backprop-write-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure("\(option): cannot write in \(directory) (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        unlink(probe)
    }

    /// The system's reason for a Foundation error, without Foundation's domain and code.
    static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if (error as NSError).domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32((error as NSError).code)))
        }
        return "\((error as NSError).localizedDescription)"
    }

    /// Saves the model to `path`; without `replacing`, never over a file that appeared there
    /// since the run started (another run, a user's file): the model then goes to the first
    /// free `NAME-2.safetensors`, `NAME-3…` beside it, and the failure says where.
    static func save(_ session: TrainingSession, to path: String, replacing: Bool) throws {
        do {
            try session.saveModel(to: path, replacing: replacing)
            return
        } catch let error as AtomicFileError where error.errorNumber == EEXIST {
            let stem = path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path
            for number in 2...1000 {
                let alternative = "\(stem)-\(number).safetensors"
                do {
                    try session.saveModel(to: alternative, replacing: false)
                } catch let error as AtomicFileError where error.errorNumber == EEXIST {
                    continue
                }
                throw CommandFailure("\(path) appeared while training and was left as it is (pass --overwrite to replace it); the trained model was saved to \(alternative)")
            }
            throw CommandFailure("\(path) appeared while training and was left as it is; \(stem)-2…1000.safetensors exist too, so the model was not saved")
        }
    }
}

/// One run per checkpoint directory: an exclusive `flock` on `DIR/.backprop.lock`, held until
/// the process ends (the kernel releases it even after a kill -9), with the holder's process
/// id in the file for the message another run gets.
enum CheckpointDirectoryLock {
    /// Descriptors of the locks this process holds (kept open: closing one releases it).
    nonisolated(unsafe) private static var held: [String: Int32] = [:]

    static func acquire(_ directory: String) throws {
        guard held[directory] == nil else { return }
        let path = directory + "/.backprop.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure("--checkpoint-dir \(directory): cannot create its lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, 31, 0)
            close(descriptor)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw CommandFailure("--checkpoint-dir \(directory) is in use by another run (process \(holder)); give each run its own directory")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.count, 0)
        held[directory] = descriptor
    }
}
