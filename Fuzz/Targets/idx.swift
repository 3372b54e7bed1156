@testable import Backprop

/// IDXFile.read through a file (the reader takes only a path): plain or gzip-compressed, every
/// input must load or throw a one-line error naming the file, and a loaded array must hold its
/// shape's byte count.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.write(data, size, to: path)
    do {
        let array = try IDXFile.read(path: path, maximumPayloadSize: 1 << 24)
        FuzzInput.require(
            array.dimensions.reduce(1, *) == array.bytes.count,
            "IDX array size disagrees with its dimensions")
    } catch {
        FuzzInput.check(error, source: path)
    }
    return 0
}

private let path = FuzzInput.path(extension: "idx")
