import Foundation
import Testing
@testable import BackpropTestSupport
@testable import Backprop

/// A fresh directory under the system's temporary directory.
private func temporaryDirectory(_ name: String) -> String {
    let path = (NSTemporaryDirectory() as NSString)
        .appendingPathComponent("backprop-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct CRC32CTests {
    /// The CRC-32C check value from the CRC catalogue: CRC-32C("123456789") = 0xE3069283.
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum("123456789".utf8) == 0xE306_9283)  // the doc comment's example
    }

    /// RFC 3720 (iSCSI) appendix B.4: 32 zero bytes -> 0x8A9136AA, 32 bytes of 0xFF ->
    /// 0x62A8AB43, 0x00...0x1F ascending -> 0x46DD794E.
    @Test func iscsiVectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Masked values worked by hand from ((crc >> 15) | (crc << 17)) &+ 0xA282EAD8:
    /// 0xE3069283 >> 15 = 0x0001C60D, 0xE3069283 << 17 = 0x25060000 (mod 2³²), together
    /// 0x2507C60D, plus 0xA282EAD8 = 0xC78AB0E5; TensorBoard agrees:
    /// `python -c "from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c;
    /// print(hex(masked_crc32c(b'123456789')))"` prints 0xc78ab0e5.
    /// 0xFFFFFFFF rotates to itself, and + 0xA282EAD8 wraps to 0xA282EAD7.
    @Test func maskedCRC() {
        #expect(CRC32C.masked(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0xFFFF_FFFF) == 0xA282_EAD7)
        for crc: UInt32 in [0, 1, 0xE306_9283, 0xFFFF_FFFF, 0x1234_5678] {
            #expect(CRC32C.unmasked(CRC32C.masked(crc)) == crc)
        }
    }
}

@Suite struct TFRecordTests {
    /// An empty record: eight zero length bytes, their masked CRC, no data, and the masked
    /// CRC of no bytes, masked(0) = 0xA282EAD8, stored little-endian.
    @Test func emptyRecordLayout() {
        let framed = TFRecordWriter.framed([])
        #expect(framed.count == 16)
        #expect(Array(framed[0..<8]) == [0, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = CRC32C.masked(CRC32C.checksum([UInt8](repeating: 0, count: 8)))
        #expect(TFRecordReader.readLittleEndian(UInt32.self, framed, at: 8) == lengthCRC)
        #expect(Array(framed[12..<16]) == [0xD8, 0xEA, 0x82, 0xA2])
    }

    @Test func roundTripThroughAFile() throws {
        let directory = temporaryDirectory("tfrecord")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("records.tfrecord")
        let records: [[UInt8]] = [[], [1, 2, 3], Array("hello, records".utf8), (0..<300).map { UInt8($0 % 251) }]

        let writer = try TFRecordWriter(path: path)
        try writer.write(records[0])
        try writer.write(records[1])
        #expect(try TFRecordReader.records(atPath: path).isEmpty, "nothing reaches the file before flush()")
        try writer.flush()
        #expect(try TFRecordReader.records(atPath: path) == Array(records[0..<2]))
        try writer.write(records[2])
        try writer.write(records[3])
        try writer.close()
        #expect(try TFRecordReader.records(atPath: path) == records)
        #expect(throws: TFRecordError.closed(path: path)) { try writer.write([1]) }

        let appender = try TFRecordWriter(path: path, append: true)
        try appender.write([9])
        try appender.close()
        #expect(try TFRecordReader.records(atPath: path) == records + [[9]])
    }

    @Test func corruptedDataIsReported() throws {
        var bytes = TFRecordWriter.framed([10, 20, 30]) + TFRecordWriter.framed([40, 50])
        bytes[12 + 1] ^= 0x01  // flip a bit inside the first record's data
        let error = try #require(throws: TFRecordError.self) { try TFRecordReader.records(in: bytes, source: "x.tfrecord") }
        guard case .checksumMismatch(let source, let record, let offset, let part, _, _) = error else {
            Issue.record("expected a checksum mismatch, got \(error)")
            return
        }
        #expect(source == "x.tfrecord" && record == 0 && offset == 0 && part == "data")
        #expect(error.description.hasPrefix("x.tfrecord: TFRecord data checksum mismatch in record 0"))
    }

    @Test func corruptedLengthIsReported() throws {
        var bytes = TFRecordWriter.framed([10, 20, 30]) + TFRecordWriter.framed([40, 50])
        bytes[19] ^= 0x80  // first length byte of the second record (the first is 16 + 3 bytes)
        let error = try #require(throws: TFRecordError.self) { try TFRecordReader.records(in: bytes) }
        guard case .checksumMismatch(_, let record, let offset, let part, _, _) = error else {
            Issue.record("expected a checksum mismatch, got \(error)")
            return
        }
        #expect(record == 1 && offset == 19 && part == "length")
    }

    @Test func truncationIsReported() throws {
        let bytes = TFRecordWriter.framed([1, 2, 3, 4]) + TFRecordWriter.framed([5, 6, 7, 8])
        for cut in [bytes.count - 1, bytes.count - 6, 20 + 11, 20 + 3] {
            let error = try #require(throws: TFRecordError.self) { try TFRecordReader.records(in: Array(bytes[0..<cut])) }
            guard case .truncated(_, let record, let offset, _, _, _) = error else {
                Issue.record("cut at \(cut): expected truncation, got \(error)")
                continue
            }
            #expect(record == 1 && offset == 20, "cut at \(cut)")
        }
        #expect(try TFRecordReader.records(in: Array(bytes[0..<20])) == [[1, 2, 3, 4]])
    }
}

@Suite struct ProtobufTests {
    /// Varint examples from the protobuf encoding guide: 1 -> 01, 150 -> 96 01,
    /// 300 -> AC 02; -1 as int64 -> ten bytes FF..FF 01.
    @Test func varints() {
        var encoder = ProtobufEncoder()
        encoder.appendVarint(1)
        encoder.appendVarint(150)
        encoder.appendVarint(300)
        #expect(encoder.bytes == [0x01, 0x96, 0x01, 0xAC, 0x02])
        var negative = ProtobufEncoder()
        negative.appendInt64(field: 2, -1)
        #expect(negative.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    /// Keys and fixed-width values: double 1.0 in field 1 is 09 00 00 00 00 00 00 F0 3F;
    /// float 1.0 in field 2 is 15 00 00 80 3F; "hi" in field 3 is 1A 02 68 69.
    @Test func fieldsRoundTrip() throws {
        var encoder = ProtobufEncoder()
        encoder.appendDouble(field: 1, 1.0)
        encoder.appendFloat(field: 2, 1.0)
        encoder.appendString(field: 3, "hi")
        encoder.appendInt64(field: 20, 7)
        #expect(Array(encoder.bytes[0..<9]) == [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(Array(encoder.bytes[9..<14]) == [0x15, 0, 0, 0x80, 0x3F])
        #expect(Array(encoder.bytes[14..<18]) == [0x1A, 0x02, 0x68, 0x69])
        let fields = try ProtobufDecoder.fields(of: encoder.bytes)
        #expect(fields == [
            .init(number: 1, value: .fixed64(1.0.bitPattern)),
            .init(number: 2, value: .fixed32(Float(1).bitPattern)),
            .init(number: 3, value: .lengthDelimited([0x68, 0x69])),
            .init(number: 20, value: .varint(7)),
        ])
        #expect(throws: ProtobufDecoder.MalformedMessage.self) { try ProtobufDecoder.fields(of: [0x1A, 0x05, 0x68]) }
    }
}

@Suite struct TensorBoardWriterTests {
    @Test func writerThenReaderRecoversScalars() throws {
        let root = temporaryDirectory("tensorboard")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = (root as NSString).appendingPathComponent("run/nested")
        let writer = try TensorBoardWriter(directory: directory)
        let name = (writer.path as NSString).lastPathComponent
        #expect(name.hasPrefix("events.out.tfevents."))
        #expect((writer.path as NSString).deletingLastPathComponent == directory)

        var expected: [(tag: String, step: Int, value: Double)] = []
        for epoch in 0..<5 {
            let loss = 2.0 / Double(epoch + 1) + 0.1
            let accuracy = 0.5 + 0.1 * Double(epoch)
            try writer.addScalar("train/loss", loss, step: epoch, wallTime: 1_700_000_000 + Double(epoch))
            try writer.addScalar("validation/accuracy", accuracy, step: epoch, wallTime: 1_700_000_000 + Double(epoch))
            // simple_value is a float: what comes back is the value rounded to Float.
            expected.append((tag: "train/loss", step: epoch, value: Double(Float(loss))))
            expected.append((tag: "validation/accuracy", step: epoch, value: Double(Float(accuracy))))
            try writer.flush()
        }
        try writer.addScalar("learning rate", 1e-3, step: 1_000_000_000_000)
        expected.append((tag: "learning rate", step: 1_000_000_000_000, value: Double(Float(1e-3))))
        try writer.close()

        let scalars = try TensorBoardEventReader.scalars(in: writer.path)
        #expect(scalars.count == expected.count)
        for (read, written) in zip(scalars, expected) {
            #expect(read.tag == written.tag && read.step == written.step && read.value == written.value)
        }

        let events = try TensorBoardEventReader.events(in: writer.path)
        #expect(events.first?.fileVersion == "brain.Event:2")
        #expect(events.first?.scalars.isEmpty == true)
        #expect(events[1].wallTime == 1_700_000_000)
        #expect(events.dropFirst().allSatisfy { $0.fileVersion == nil })
    }

    @Test func secondWriterInTheSameDirectoryGetsItsOwnFile() throws {
        let directory = temporaryDirectory("tensorboard-two")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TensorBoardWriter(directory: directory)
        let second = try TensorBoardWriter(directory: directory)
        #expect(first.path != second.path)
        try first.addScalar("a", 1, step: 0)
        try second.addScalar("b", 2, step: 0)
        try first.close()
        try second.close()
        #expect(try TensorBoardEventReader.scalars(in: first.path).map(\.tag) == ["a"])
        #expect(try TensorBoardEventReader.scalars(in: second.path).map(\.tag) == ["b"])
    }

    @Test func malformedEventIsReported() throws {
        let directory = temporaryDirectory("tensorboard-bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("events.out.tfevents.0.test")
        let records = try TFRecordWriter(path: path)
        try records.write(TensorBoardWriter.fileVersionEvent(wallTime: 0))
        try records.write([0x2A, 0x09, 0x0A])  // summary (field 5) claims 9 bytes, has 1
        try records.close()
        let error = try #require(throws: TensorBoardError.self) { try TensorBoardEventReader.events(in: path) }
        guard case .malformedEvent(_, let record, _) = error else {
            Issue.record("expected a malformed event, got \(error)")
            return
        }
        #expect(record == 1)
    }
}
