@testable import Backprop

/// NPYFile.decode on raw bytes: every input must decode or throw a one-line error naming the
/// file, and a decoded array must hold its shape's element count, all finite.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let array: NPYArray
    do {
        array = try NPYFile.decode(bytes, source: "fuzz.npy")
    } catch {
        FuzzInput.check(error, source: "fuzz.npy")
        return 0
    }
    FuzzInput.require(array.shape.reduce(1, *) == array.elements.count, "NPY element count disagrees with the shape")
    FuzzInput.require(array.elements.allSatisfy(\.isFinite), "NPY decode let a non-finite value through")
    do {
        _ = try array.labels(source: "fuzz.npy")
    } catch {
        FuzzInput.check(error, source: "fuzz.npy")
    }
    return 0
}
