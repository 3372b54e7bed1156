@testable import Backprop

/// SafeTensors.parse on raw bytes: every input must parse or throw a one-line error naming the
/// file, and a parsed file must hold exactly the bytes its tensors' shapes claim and survive a
/// serialize/parse round trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let file: SafeTensors
    do {
        file = try SafeTensors.parse(bytes, fileName: "fuzz.safetensors")
    } catch {
        FuzzInput.check(error, source: "fuzz.safetensors")
        return 0
    }
    for tensor in file.tensors {
        FuzzInput.require(
            tensor.dtype.byteCount(shape: tensor.shape) == tensor.data.count,
            "tensor \(tensor.name): size disagrees with shape")
        _ = try? tensor.floats()
        _ = try? tensor.doubles()
    }
    let again = try? SafeTensors.parse(file.serialized(), fileName: "again")
    FuzzInput.require(again == file, "serialize/parse round trip changed the file")
    return 0
}
