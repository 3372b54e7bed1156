@testable import Backprop

/// JSONValue.parse on raw bytes: every input must parse or throw a one-line error, and a parsed
/// value must serialize to text that parses back to it (non-finite numbers excepted: they
/// become null).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let value: JSONValue
    do {
        value = try JSONValue.parse(bytes)
    } catch {
        FuzzInput.check(error, source: nil)
        return 0
    }
    let text = value.serialized()
    guard let again = try? JSONValue.parse(text) else {
        fatalError("serialized value does not parse: \(text)")
    }
    // Non-finite numbers (1e999) are written as null by design.
    FuzzInput.require(!value.isFinite || again == value, "serialize/parse round trip changed the value: \(text)")
    return 0
}

extension JSONValue {
    /// Whether every number in the tree is finite.
    fileprivate var isFinite: Bool {
        switch self {
        case .number(let number): number.isFinite
        case .array(let elements): elements.allSatisfy(\.isFinite)
        case .object(let members): members.allSatisfy(\.value.isFinite)
        default: true
        }
    }
}
