import Foundation
import Backprop
/// Splits a protocol-buffers message into its fields (the inverse of `ProtobufEncoder`);
/// unknown fields are returned like any other, so callers skip what they don't need.
struct ProtobufDecoder {
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited([UInt8])
        case fixed32(UInt32)
    }

    struct Field: Equatable {
        var number: Int
        var value: Value
    }

    /// Why a message could not be decoded. `offset` is a byte offset into the message.
    struct MalformedMessage: Error, CustomStringConvertible {
        var offset: Int
        var problem: String
        var description: String { "protobuf message malformed at byte \(offset): \(problem)" }
    }

    /// Every field of `message`, in order.
    static func fields(of message: [UInt8]) throws(MalformedMessage) -> [Field] {
        var fields: [Field] = []
        var offset = 0
        while offset < message.count {
            let keyOffset = offset
            let key = try varint(in: message, at: &offset)
            let number = Int(truncatingIfNeeded: key >> 3)
            guard number > 0 else { throw MalformedMessage(offset: keyOffset, problem: "field number 0") }
            switch key & 7 {
            case 0:
                fields.append(Field(number: number, value: .varint(try varint(in: message, at: &offset))))
            case 1:
                fields.append(Field(number: number, value: .fixed64(try fixed(UInt64.self, in: message, at: &offset))))
            case 2:
                let length = try varint(in: message, at: &offset)
                guard length <= UInt64(message.count - offset) else {
                    throw MalformedMessage(offset: offset, problem: "length \(length) runs past the end")
                }
                let end = offset + Int(length)
                fields.append(Field(number: number, value: .lengthDelimited(Array(message[offset..<end]))))
                offset = end
            case 5:
                fields.append(Field(number: number, value: .fixed32(try fixed(UInt32.self, in: message, at: &offset))))
            default:
                throw MalformedMessage(offset: keyOffset, problem: "unsupported wire type \(key & 7)")
            }
        }
        return fields
    }

    private static func varint(in bytes: [UInt8], at offset: inout Int) throws(MalformedMessage) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw MalformedMessage(offset: start, problem: "unterminated varint")
    }

    private static func fixed<T: FixedWidthInteger>(
        _ type: T.Type, in bytes: [UInt8], at offset: inout Int
    ) throws(MalformedMessage) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else {
            throw MalformedMessage(offset: offset, problem: "\(size)-byte value runs past the end")
        }
        var value: T = 0
        for index in 0..<size {
            value |= T(bytes[offset + index]) << (8 * index)
        }
        offset += size
        return value
    }
}
