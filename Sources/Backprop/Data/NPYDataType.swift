/// The element types an NPY file may hold here, named by their NumPy type code
/// (`descr` without the byte-order character).
public enum NPYDataType: String, CaseIterable, Equatable, Sendable {
    case float32 = "f4"
    case float64 = "f8"
    case int8 = "i1"
    case int16 = "i2"
    case int32 = "i4"
    case int64 = "i8"
    case uint8 = "u1"
    case uint16 = "u2"
    case uint32 = "u4"
    case uint64 = "u8"
    case bool = "b1"

    /// Bytes per element.
    public var size: Int { Int(rawValue.dropFirst())! }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}
