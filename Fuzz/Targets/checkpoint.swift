@testable import Backprop

/// Checkpoint.read: tensors, the optimizer slots and best-weights snapshot, and the JSON
/// state in the metadata (recipe, position, optimizer, schedule, early stopping, scaling,
/// history, data digest). Every input must load or throw a one-line error naming the file,
/// and a loaded checkpoint's recipe must pass the command line's validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.write(data, size, to: path)
    do {
        let checkpoint = try Checkpoint<Float>.read(path: path)
        for (name, parameter) in checkpoint.network.parameters {
            FuzzInput.require(parameter.value.storage.allSatisfy(\.isFinite), "\(name): non-finite parameter loaded")
        }
        do {
            try checkpoint.state.recipe.validate()
        } catch {
            FuzzInput.require(false, "a checkpoint with an invalid recipe was accepted: \(error)")
        }
    } catch {
        FuzzInput.check(error, source: path)
    }
    return 0
}

private let path = FuzzInput.path(extension: "safetensors")
