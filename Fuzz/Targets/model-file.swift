@testable import Backprop

/// ModelFile.load (architecture from metadata) and ModelFile.initialNetwork (shape from the
/// tensors) through a file: every input must load or throw a one-line error naming the file,
/// and a loaded network's parameters must all be finite.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.write(data, size, to: path)
    do {
        let network = try ModelFile.load(path: path, as: Float.self)
        for (name, parameter) in network.parameters {
            FuzzInput.require(parameter.value.storage.allSatisfy(\.isFinite), "\(name): non-finite parameter loaded")
        }
    } catch {
        FuzzInput.check(error, source: path)
    }
    do {
        _ = try ModelFile.load(path: path, as: Double.self)
    } catch {
        FuzzInput.check(error, source: path)
    }
    do {
        _ = try ModelFile.initialNetwork(path: path, specification: NetworkSpecification(), as: Float.self)
    } catch {
        FuzzInput.check(error, source: path)
    }
    return 0
}

private let path = FuzzInput.path(extension: "safetensors")
