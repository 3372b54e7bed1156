import Foundation
import Backprop
/// Reads TensorBoard event files back: the TFRecords (checksums verified) decoded as
/// `Event` messages. Enough to check what `TensorBoardWriter` wrote, without TensorBoard.
public enum TensorBoardEventReader {
    /// Every event in the file at `path`, in file order.
    public static func events(in path: String) throws -> [TensorBoardEvent] {
        var events: [TensorBoardEvent] = []
        for (index, record) in try TFRecordReader.records(atPath: path).enumerated() {
            do {
                events.append(try decodeEvent(record))
            } catch {
                throw TensorBoardError.malformedEvent(path: path, record: index, problem: error.description)
            }
        }
        return events
    }

    /// Every scalar in the file at `path` as (tag, step, value), in file order.
    public static func scalars(in path: String) throws -> [(tag: String, step: Int, value: Double)] {
        try events(in: path).flatMap { event in
            event.scalars.map { (tag: $0.tag, step: event.step, value: Double($0.value)) }
        }
    }

    /// Decodes `Event{ wall_time = 1 (double), step = 2 (int64), file_version = 3 (string),
    /// summary = 5 (Summary{ value = 1 (Value{ tag = 1, simple_value = 2 (float) }) }) }`.
    static func decodeEvent(_ bytes: [UInt8]) throws(ProtobufDecoder.MalformedMessage) -> TensorBoardEvent {
        var event = TensorBoardEvent()
        for field in try ProtobufDecoder.fields(of: bytes) {
            switch (field.number, field.value) {
            case (1, .fixed64(let bits)):
                event.wallTime = Double(bitPattern: bits)
            case (2, .varint(let raw)):
                event.step = Int(truncatingIfNeeded: Int64(bitPattern: raw))
            case (3, .lengthDelimited(let text)):
                event.fileVersion = String(decoding: text, as: UTF8.self)
            case (5, .lengthDelimited(let summary)):
                for valueField in try ProtobufDecoder.fields(of: summary) {
                    guard valueField.number == 1, case .lengthDelimited(let value) = valueField.value else { continue }
                    var tag = ""
                    var simpleValue: Float?
                    for entry in try ProtobufDecoder.fields(of: value) {
                        switch (entry.number, entry.value) {
                        case (1, .lengthDelimited(let text)): tag = String(decoding: text, as: UTF8.self)
                        case (2, .fixed32(let bits)): simpleValue = Float(bitPattern: bits)
                        default: continue
                        }
                    }
                    if let simpleValue {
                        event.scalars.append(.init(tag: tag, value: simpleValue))
                    }
                }
            default:
                continue
            }
        }
        return event
    }
}
