import Foundation
import Testing
@testable import Backprop

/// An `.npy` file as NumPy lays it out: magic, version, header length (2 bytes for version 1,
/// 4 for versions 2 and 3), the dict literal padded with spaces to a 64-byte boundary and
/// ended by a newline, then `payload`.
private func npyBytes(dictionary: String, payload: [UInt8], version: UInt8 = 1) -> [UInt8] {
    let preamble = version == 1 ? 10 : 12
    let unpadded = preamble + dictionary.utf8.count + 1
    let header = Array(dictionary.utf8) + [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let lengthBytes = version == 1 ? 2 : 4
    bytes += (0..<lengthBytes).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
    return bytes + header + payload
}

private func npyBytes(descr: String, shape: String, payload: [UInt8], version: UInt8 = 1, fortranOrder: String = "False") -> [UInt8] {
    npyBytes(dictionary: "{'descr': '\(descr)', 'fortran_order': \(fortranOrder), 'shape': \(shape), }", payload: payload, version: version)
}

/// Little-endian (or big-endian) bytes of each value.
private func bytes<Value: FixedWidthInteger>(_ values: [Value], bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value in
        withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { Array($0) }
    }
}

@Suite struct NPYTests {
    private func decode(_ bytes: [UInt8], maximumPayloadSize: Int = NPYFile.defaultMaximumPayloadSize) throws(DataFileError) -> NPYArray {
        try NPYFile.decode(bytes, source: "test.npy", maximumPayloadSize: maximumPayloadSize)
    }

    private func decodeError(_ bytes: [UInt8]) -> DataFileError? {
        #expect(throws: DataFileError.self) { try decode(bytes) }
    }

    /// The same four values, [0, 1, 2, 127] (and negatives for signed types), in every
    /// supported element type and byte order.
    @Test func decodesEveryElementType() throws {
        let cases: [(String, [UInt8], [Float], NPYDataType)] = [
            ("<f4", bytes([Float(1.5), -2, 0.25, 1e30].map(\.bitPattern)), [1.5, -2, 0.25, 1e30], .float32),
            (">f4", bytes([Float(1.5), -2, 0.25, 1e30].map(\.bitPattern), bigEndian: true), [1.5, -2, 0.25, 1e30], .float32),
            ("<f8", bytes([1.5, -2, 0.1, 1e30].map(\.bitPattern)), [1.5, -2, Float(0.1), 1e30], .float64),
            ("|u1", [0, 1, 200, 255], [0, 1, 200, 255], .uint8),
            ("|i1", bytes([Int8(0), -1, 100, -128]), [0, -1, 100, -128], .int8),
            ("<i2", bytes([Int16(0), -1, 300, -32768]), [0, -1, 300, -32768], .int16),
            ("<u2", bytes([UInt16(0), 1, 300, 65535]), [0, 1, 300, 65535], .uint16),
            ("<i4", bytes([Int32(0), -1, 70000, Int32.min]), [0, -1, 70000, -2147483648], .int32),
            (">i4", bytes([Int32(0), -1, 70000, Int32.min], bigEndian: true), [0, -1, 70000, -2147483648], .int32),
            ("<u4", bytes([UInt32(0), 1, 70000, 4_000_000_000]), [0, 1, 70000, 4e9], .uint32),
            ("<i8", bytes([Int64(0), -1, 9, 1 << 40]), [0, -1, 9, 0x1p40], .int64),
            ("<u8", bytes([UInt64(0), 1, 9, 1 << 40]), [0, 1, 9, 0x1p40], .uint64),
            ("|b1", [0, 1, 1, 0], [0, 1, 1, 0], .bool),
        ]
        for (descr, payload, expected, dataType) in cases {
            let array = try decode(npyBytes(descr: descr, shape: "(2, 2)", payload: payload))
            #expect(array == NPYArray(shape: [2, 2], elements: expected, dataType: dataType), "\(descr)")
        }
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func readsEachFormatVersion(version: UInt8) throws {
        let array = try decode(npyBytes(descr: "<f4", shape: "(3,)", payload: bytes([Float(1), 2, 3].map(\.bitPattern)), version: version))
        #expect(array.shape == [3])
        #expect(array.elements == [1, 2, 3])
    }

    @Test func readsScalarsAndEveryRankUpToFour() throws {
        #expect(try decode(npyBytes(descr: "<f4", shape: "()", payload: bytes([Float(7).bitPattern]))).shape == [])
        let rank4 = try decode(npyBytes(descr: "|u1", shape: "(1, 2, 1, 3)", payload: [1, 2, 3, 4, 5, 6]))
        #expect(rank4.shape == [1, 2, 1, 3])
        #expect(rank4.matrix() == Matrix([[1, 2, 3, 4, 5, 6]]))
        let error = decodeError(npyBytes(descr: "|u1", shape: "(1, 1, 1, 1, 1)", payload: [1]))
        #expect(error?.kind == .unsupportedFormat)
    }

    /// The writer's bytes equal NumPy's, from
    /// `python3 -c "import numpy as np, io; b = io.BytesIO(); np.save(b, np.array([[1.5, -2], [3, 4], [5, 6]], dtype='<f4')); print(b.getvalue()[:128])"`:
    /// a 118-byte header (length bytes 76 00) padded so the payload starts at byte 128.
    @Test func writesWhatNumPyWrites() throws {
        let array = NPYArray(shape: [3, 2], elements: [1.5, -2, 3, 4, 5, 6])
        let encoded = NPYFile.encode(array)
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"
        #expect(Array(encoded[..<10]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0])
        #expect(Array(encoded[10..<128]) == Array(dictionary.utf8) + [UInt8](repeating: 0x20, count: 58) + [0x0A])
        #expect(encoded.count == 128 + 24)
        #expect(try decode(encoded) == array)
        let vector = NPYFile.encode(NPYArray(shape: [3], elements: [1, 2, 3]))
        #expect(String(decoding: vector[10..<67], as: UTF8.self) == "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")

        try TemporaryDirectory.with { directory in
            let path = directory.file("matrix.npy")
            try NPYFile.write(NPYArray(Matrix([[1, 2], [3, 4]])), to: path)
            #expect(try NPYFile.read(path: path).matrix() == Matrix([[1, 2], [3, 4]]))
            try directory.write(Gzip.compress(try DataFileBytes.readRaw(path: path)), to: "matrix.npy.gz")
            #expect(try NPYFile.read(path: directory.file("matrix.npy.gz")).shape == [2, 2])
        }
    }

    @Test func fortranOrderIsRefused() {
        let error = decodeError(npyBytes(descr: "<f4", shape: "(2, 2)", payload: [UInt8](repeating: 0, count: 16), fortranOrder: "True"))
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.message.contains("fortran_order is True") == true)
    }

    /// Every proper prefix of a valid file is reported as truncated.
    @Test func everyTruncationIsReported() {
        for version: UInt8 in [1, 2] {
            let whole = npyBytes(descr: "<f4", shape: "(2, 3)", payload: bytes((0..<6).map { Float($0).bitPattern }), version: version)
            for cut in 0..<whole.count {
                let error = decodeError(Array(whole[..<cut]))
                #expect(error?.kind == .truncated, "version \(version), cut at \(cut): \(String(describing: error))")
            }
        }
        let short = npyBytes(descr: "<f4", shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 20))
        #expect(decodeError(short)?.message == "header claims shape (2, 3) of '<f4' (24 bytes) but only 20 bytes follow the header")
        let long = npyBytes(descr: "<f4", shape: "(2, 3)", payload: [UInt8](repeating: 0, count: 25))
        #expect(decodeError(long)?.kind == .sizeMismatch)
    }

    @Test func nonFiniteValuesAreReportedWithTheirIndex() {
        let withNaN = npyBytes(descr: "<f4", shape: "(2, 3)", payload: bytes([0, 1, 2, 3, Float.nan, 5].map(\.bitPattern)))
        let error = decodeError(withNaN)
        #expect(error?.kind == .nonFiniteValue)
        #expect(error?.description == "test.npy: NaN at flat index 4 (index [1, 1] of shape (2, 3))")

        let withInfinity = npyBytes(descr: "<f8", shape: "(3,)", payload: bytes([1, -Double.infinity, 2].map(\.bitPattern)))
        #expect(decodeError(withInfinity)?.message == "infinite value -inf at flat index 1")

        let beyondFloat = npyBytes(descr: "<f8", shape: "(2,)", payload: bytes([1e300, 1].map(\.bitPattern)))
        #expect(decodeError(beyondFloat)?.message == "value 1e+300 outside Float's range at flat index 0")
    }

    @Test func malformedHeadersAreNamed() {
        let payload: [UInt8] = [1, 2]
        let cases: [(String, DataFileError.Kind, String)] = [
            ("{'descr': '|u1', 'shape': (2,), }", .malformedHeader, "missing key 'fortran_order'"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", .malformedHeader, "unexpected character '1'"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'extra': 'x', }", .malformedHeader, "unexpected key 'extra'"),
            ("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", .malformedHeader, "key 'descr' appears twice"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (-2,), }", .malformedHeader, "negative dimension"),
            ("{'descr': '|u1', 'fortran_order': 0, 'shape': (2,), }", .malformedHeader, "unexpected character '0'"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': [2], }", .unsupportedFormat, "structured dtypes"),
            ("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", .unsupportedFormat, "dtype '<c8' is not supported"),
            ("{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", .malformedHeader, "no byte order"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,) } x", .malformedHeader, "unexpected text after the closing brace"),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,)", .malformedHeader, "expected '}'"),
        ]
        for (dictionary, kind, fragment) in cases {
            let error = decodeError(npyBytes(dictionary: dictionary, payload: payload))
            #expect(error?.kind == kind, "\(dictionary)")
            #expect(error?.message.contains(fragment) == true, "\(dictionary): \(String(describing: error))")
        }
        let wrongMagic = decodeError(Array("PK\u{3}\u{4}not numpy at all".utf8))
        #expect(wrongMagic?.kind == .wrongMagic)
        var futureVersion = npyBytes(descr: "|u1", shape: "(2,)", payload: payload)
        futureVersion[6] = 4
        #expect(decodeError(futureVersion)?.kind == .unsupportedFormat)
    }

    /// A header claiming 2⁶² bytes over 4 real bytes fails as truncated even with no cap,
    /// which it could not do had anything been allocated by the shape.
    @Test func hugeShapesFailWithoutAllocating() throws {
        let huge = npyBytes(descr: "<f4", shape: "(1073741824, 1073741824)", payload: [0, 0, 0, 0])
        #expect(decodeError(huge)?.kind == .sizeAboveCap)
        let uncapped = #expect(throws: DataFileError.self) { try decode(huge, maximumPayloadSize: .max) }
        #expect(uncapped?.kind == .truncated)
        let overflowing = npyBytes(descr: "<f8", shape: "(4294967296, 4294967296)", payload: [])
        let overflow = #expect(throws: DataFileError.self) { try decode(overflowing, maximumPayloadSize: .max) }
        #expect(overflow?.kind == .sizeAboveCap)
    }

    @Test func labelsMustBeNonNegativeIntegers() throws {
        let labels = try decode(npyBytes(descr: "<i8", shape: "(3,)", payload: bytes([Int64(3), 0, 9])))
        #expect(try labels.labels() == [3, 0, 9])
        let column = try decode(npyBytes(descr: "<f8", shape: "(2, 1)", payload: bytes([2.0, 5.0].map(\.bitPattern))))
        #expect(try column.labels() == [2, 5])

        let fractional = NPYArray(shape: [2], elements: [1, 1.5])
        #expect(throws: DataFileError(path: "y.npy", kind: .labelOutOfRange, message: "label 1.5 at flat index 1 is not an integer")) {
            try fractional.labels(source: "y.npy")
        }
        let negative = NPYArray(shape: [1], elements: [-1])
        #expect(throws: DataFileError(path: "y.npy", kind: .labelOutOfRange, message: "label -1.0 at flat index 0 is negative")) {
            try negative.labels(source: "y.npy")
        }
        let matrix = NPYArray(shape: [2, 2], elements: [0, 1, 2, 3])
        let error = #expect(throws: DataFileError.self) { try matrix.labels() }
        #expect(error?.kind == .sizeMismatch)
    }
}
