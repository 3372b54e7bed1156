import CZlib

/// Whole-buffer gzip decompression and compression through the system zlib.
///
/// Decompression always runs under an explicit output cap: a small file that inflates to
/// gigabytes (a "gzip bomb") stops with kind `.decompressedSizeAboveCap` once the cap is
/// passed, having allocated at most the cap plus one byte. Concatenated gzip members (as
/// `cat a.gz b.gz` makes) decompress to the concatenation of their contents.
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed contents of a gzip (or zlib) stream.
    ///
    /// - Parameters:
    ///   - maximumOutputSize: the most decompressed bytes accepted.
    ///   - source: the name errors carry as their path, usually the file's path.
    /// - Throws: ``DataFileError`` with kind `.decompressedSizeAboveCap` (more output than the
    ///   cap), `.truncated` (the stream ends before its end marker), or `.decompressionFailed`
    ///   (corrupt data, or bytes after the stream that are not another gzip member).
    public static func decompress(
        _ bytes: [UInt8], maximumOutputSize: Int, source: String = "gzip data"
    ) throws(DataFileError) -> [UInt8] {
        precondition(maximumOutputSize >= 0, "maximumOutputSize must be non-negative")
        let (scaled, overflow) = bytes.count.multipliedReportingOverflow(by: 4)
        let guess = overflow ? Int.max : max(scaled, 1 << 16)
        return try inflate(bytes, source: source, limit: maximumOutputSize, prefixOnly: false, initialCapacity: guess)
    }

    /// The first `count` decompressed bytes (fewer if the stream is shorter), without
    /// decompressing the rest. Lets a reader check a header before sizing anything by it.
    static func decompressPrefix(_ bytes: [UInt8], count: Int, source: String) throws(DataFileError) -> [UInt8] {
        try inflate(bytes, source: source, limit: count, prefixOnly: true, initialCapacity: count)
    }

    /// Decompresses a whole stream whose size a header announced (and the caller checked
    /// against its cap): output beyond `expectedSize` stops with `.decompressedSizeAboveCap`.
    ///
    /// The first allocation is the announced size only when the compressed bytes can hold
    /// it: deflate expands at most 1032:1, so a header claiming more than that is not
    /// believed until the data arrives.
    static func decompress(_ bytes: [UInt8], expectedSize: Int, source: String) throws(DataFileError) -> [UInt8] {
        let plausible = bytes.count.multipliedSaturating(by: 1032).addingSaturating(1 << 16)
        return try inflate(
            bytes, source: source, limit: expectedSize, prefixOnly: false,
            initialCapacity: min(expectedSize.addingSaturating(1), plausible))
    }

    /// The gzip compression of `bytes` (a single member, deflate at `level` 0...9).
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        precondition((0...9).contains(level), "gzip level must be in 0...9, got \(level)")
        var stream = z_stream()
        // windowBits 31 = 15 (32 KiB window) + 16 (gzip header and trailer instead of zlib's).
        let status = deflateInit2_(
            &stream, Int32(level), Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed with status \(status)")
        defer { deflateEnd(&stream) }

        var output = DataFileBytes.zeroedBytes(count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count {
                output += DataFileBytes.zeroedBytes(count: output.count)
            }
            let result: Int32 = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    let inputChunk = min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(inputChunk)
                    let outputChunk = min(out.count - produced, Int(UInt32.max))
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(outputChunk)
                    let isLast = consumed + inputChunk == input.count
                    let result = deflate(&stream, isLast ? Z_FINISH : Z_NO_FLUSH)
                    consumed += inputChunk - Int(stream.avail_in)
                    produced += outputChunk - Int(stream.avail_out)
                    return result
                }
            }
            if result == Z_STREAM_END { break }
            precondition(result == Z_OK || result == Z_BUF_ERROR, "zlib deflate failed with status \(result)")
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// The inflate loop behind the public entry points.
    ///
    /// The output buffer grows by doubling from `initialCapacity`, never past `limit + 1`
    /// bytes (`limit` in prefix mode): reaching the extra byte proves the stream holds more
    /// than `limit` bytes without decompressing any further.
    private static func inflate(
        _ input: [UInt8], source: String, limit: Int, prefixOnly: Bool, initialCapacity: Int
    ) throws(DataFileError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 32: a 32 KiB window, and detect gzip or zlib framing from the header.
        let initStatus = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataFileError(path: source, kind: .decompressionFailed, message: "zlib inflateInit2 failed with status \(initStatus)")
        }
        defer { inflateEnd(&stream) }

        let bufferLimit = prefixOnly ? limit : limit.addingSaturating(1)
        var output = DataFileBytes.zeroedBytes(count: min(bufferLimit, max(initialCapacity, 0)))
        var consumed = 0
        var produced = 0
        while true {
            if produced == output.count {
                if output.count >= bufferLimit { break }
                let growth = min(max(output.count, 1 << 16), bufferLimit - output.count)
                output += DataFileBytes.zeroedBytes(count: growth)
            }
            let before = (consumed, produced)
            let result: Int32 = input.withUnsafeBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { out in
                    let inputChunk = min(inputBuffer.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(inputChunk)
                    let outputChunk = min(out.count - produced, Int(UInt32.max))
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(outputChunk)
                    let result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed += inputChunk - Int(stream.avail_in)
                    produced += outputChunk - Int(stream.avail_out)
                    return result
                }
            }
            switch result {
            case Z_STREAM_END:
                if !prefixOnly && produced > limit { throw aboveCap(source: source, limit: limit) }
                let rest = input.count - consumed
                if rest == 0 {
                    output.removeLast(output.count - produced)
                    return output
                }
                if rest >= 2 && input[consumed] == 0x1f && input[consumed + 1] == 0x8b {
                    inflateReset(&stream)
                    continue
                }
                throw DataFileError(
                    path: source, kind: .decompressionFailed,
                    message: "\(rest) bytes of trailing data after the end of the gzip stream")
            case Z_OK, Z_BUF_ERROR:
                if consumed == input.count && before == (consumed, produced) {
                    throw DataFileError(
                        path: source, kind: .truncated,
                        message: input.isEmpty
                            ? "empty gzip stream"
                            : "gzip stream is truncated: it ends after \(input.count) compressed bytes without its end marker")
                }
            case Z_DATA_ERROR:
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw DataFileError(
                    path: source, kind: .decompressionFailed,
                    message: "corrupt gzip data after \(consumed) compressed bytes: \(reason)")
            case Z_NEED_DICT:
                throw DataFileError(path: source, kind: .decompressionFailed, message: "stream needs a preset dictionary, which gzip files never use")
            case Z_MEM_ERROR:
                throw DataFileError(path: source, kind: .decompressionFailed, message: "zlib ran out of memory")
            default:
                throw DataFileError(path: source, kind: .decompressionFailed, message: "zlib inflate failed with status \(result)")
            }
        }
        if prefixOnly { return output }
        throw aboveCap(source: source, limit: limit)
    }

    private static func aboveCap(source: String, limit: Int) -> DataFileError {
        DataFileError(
            path: source, kind: .decompressedSizeAboveCap,
            message: "decompresses to more than \(limit) bytes, the limit")
    }
}
