@testable import Backprop

/// CS229CSV.readImages and CS229CSV.readLabels through a file (plain or gzip-compressed): every
/// input must load or throw a one-line error naming the file, with a matrix holding rows ×
/// columns finite values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.write(data, size, to: path)
    do {
        let images = try CS229CSV.readImages(path: path)
        FuzzInput.require(
            images.storage.count == images.rows * images.columns,
            "CS229 matrix size disagrees with its shape")
        FuzzInput.require(images.storage.allSatisfy(\.isFinite), "CS229 reader let a non-finite value through")
    } catch {
        FuzzInput.check(error, source: path)
    }
    do {
        let labels = try CS229CSV.readLabels(path: path, classCount: 10)
        FuzzInput.require(labels.allSatisfy { (0..<10).contains($0) }, "CS229 label outside the class count")
    } catch {
        FuzzInput.check(error, source: path)
    }
    return 0
}

private let path = FuzzInput.path(extension: "csv")
