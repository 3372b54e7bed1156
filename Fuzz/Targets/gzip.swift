@testable import Backprop

/// Gzip.decompress on raw bytes under a 16 MiB cap, and the prefix decompression the IDX reader
/// uses: every input must decompress or throw a one-line error naming the source, never past
/// the cap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let cap = 1 << 24
    do {
        let output = try Gzip.decompress(bytes, maximumOutputSize: cap, source: "fuzz.gz")
        FuzzInput.require(output.count <= cap, "decompressed past the cap")
    } catch {
        FuzzInput.check(error, source: "fuzz.gz")
    }
    if let prefix = try? Gzip.decompressPrefix(bytes, count: 20, source: "fuzz.gz") {
        FuzzInput.require(prefix.count <= 20, "prefix decompression returned more than asked")
    }
    if let output = try? Gzip.decompress(bytes, expectedSize: 100, source: "fuzz.gz") {
        FuzzInput.require(output.count <= 100, "decompressed past the expected size")
    }
    return 0
}
