import Testing
@testable import Backprop

/// A small valid file: metadata, an F32 matrix, an F64 vector, a scalar and an empty tensor.
private func sampleFile() throws -> [UInt8] {
    try SafeTensors(
        tensors: [
            SafeTensor(name: "0.weight", shape: [2, 2], floats: [1, -2, 3.5, 0]),
            SafeTensor(name: "0.bias", shape: [2], doubles: [0.25, -8]),
            SafeTensor(name: "empty", shape: [0, 4], floats: []),
            SafeTensor(name: "scale", shape: [], floats: [2]),
        ],
        metadata: ["format": "pt"]
    ).serialized()
}

/// Parses `bytes`, which must either succeed with a self-consistent result or throw; an
/// error's description must be one line that starts with the file name.
private func parseEitherWay(_ bytes: [UInt8]) -> SafeTensors? {
    do {
        let file = try SafeTensors.parse(bytes, fileName: "hostile.safetensors")
        for tensor in file.tensors {
            #expect(tensor.dtype.byteCount(shape: tensor.shape) == tensor.data.count)
        }
        #expect(try SafeTensors.parse(file.serialized(), fileName: "again") == file)
        return file
    } catch {
        #expect(error.description.hasPrefix("hostile.safetensors: "))
        #expect(!error.description.contains("\n"))
        return nil
    }
}

/// The smallest deterministic generator (SplitMix64), so that the mutation test is
/// reproducible without depending on the library's random sources.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One malformed header and the error it must produce.
struct HostileHeader: Sendable, CustomTestStringConvertible {
    var label: String
    var header: String
    var dataCount: Int
    var expected: SafeTensorsError.Kind
    var testDescription: String { label }

    init(_ label: String, _ header: String, data dataCount: Int = 0, _ expected: SafeTensorsError.Kind) {
        self.label = label
        self.header = header
        self.dataCount = dataCount
        self.expected = expected
    }
}

private let f32 = #""dtype":"F32","shape":[1]"#

@Suite struct SafeTensorsHostileTests {
    @Test func everyTruncationFailsCleanly() throws {
        let bytes = try sampleFile()
        for length in 0..<bytes.count {
            #expect(throws: SafeTensorsError.self, "prefix of \(length) bytes") {
                try SafeTensors.parse(Array(bytes.prefix(length)), fileName: "truncated")
            }
        }
        #expect(try SafeTensors.parse(bytes, fileName: "whole").tensors.count == 4)
    }

    @Test func everyBitFlipInTheSizeAndHeaderParsesOrThrows() throws {
        let bytes = try sampleFile()
        let headerEnd = 8 + bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var rejected = 0
        for byte in 0..<headerEnd {
            for bit in 0..<8 {
                var mutated = bytes
                mutated[byte] ^= 1 << bit
                if parseEitherWay(mutated) == nil { rejected += 1 }
            }
        }
        // Every flip of the size is caught (the size then disagrees with the header's
        // content); flips inside the header may survive (e.g. in a name or metadata value).
        for bit in 0..<64 {
            var mutated = bytes
            mutated[bit / 8] ^= 1 << (bit % 8)
            #expect(throws: SafeTensorsError.self, "size bit \(bit)") {
                try SafeTensors.parse(mutated, fileName: "flipped")
            }
        }
        #expect(rejected > headerEnd * 8 / 2)
    }

    @Test func bitFlipsInTheDataBufferStillParse() throws {
        let bytes = try sampleFile()
        let headerEnd = 8 + bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        for byte in headerEnd..<bytes.count {
            var mutated = bytes
            mutated[byte] ^= 0x81
            #expect(parseEitherWay(mutated) != nil)
        }
    }

    @Test func seededRandomMutationsNeverTrap() throws {
        let bytes = try sampleFile()
        var generator = SplitMix64(state: 2024)
        for _ in 0..<2_000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: mutated.remove(at: position)
                default: mutated.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
                if mutated.isEmpty { break }
            }
            _ = parseEitherWay(mutated)
        }
    }

    @Test(arguments: [(UInt64(1) << 63, SafeTensorsError.Kind.headerTooLarge), (UInt64.max, .headerTooLarge)])
    func hugeHeaderSizes(size: UInt64, expected: SafeTensorsError.Kind) throws {
        var bytes = try sampleFile()
        withUnsafeBytes(of: size.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        for cap in [SafeTensors.defaultMaximumHeaderSize, Int.max] {
            #expect(performing: { try SafeTensors.parse(bytes, fileName: "huge", maximumHeaderSize: cap) },
                    throws: { ($0 as? SafeTensorsError)?.kind == expected })
        }
    }

    @Test func headerSizesBeyondTheFileOrTheCap() throws {
        var bytes = try sampleFile()
        let size = UInt64(bytes.count - 8 + 1)
        withUnsafeBytes(of: size.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        #expect(throws: SafeTensorsError(.headerBeyondFile, fileName: "long", "header size \(size) exceeds the \(bytes.count - 8) bytes after the size")) {
            try SafeTensors.parse(bytes, fileName: "long")
        }
        withUnsafeBytes(of: UInt64(Int.max).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        #expect(performing: { try SafeTensors.parse(bytes, fileName: "long", maximumHeaderSize: .max) },
                throws: { ($0 as? SafeTensorsError)?.kind == .headerBeyondFile })
        #expect(performing: { try SafeTensors.parse(sampleFile(), fileName: "capped", maximumHeaderSize: 16) },
                throws: { ($0 as? SafeTensorsError)?.kind == .headerTooLarge })
        #expect(throws: SafeTensorsError(.fileTooShort, fileName: "short", "7 bytes is too short for the 8-byte header size")) {
            try SafeTensors.parse([8, 0, 0, 0, 0, 0, 0], fileName: "short")
        }
    }

    static let hostileHeaders: [HostileHeader] = [
        HostileHeader("empty header", "", .invalidJSON),
        HostileHeader("header is an array", "[]", .headerNotObject),
        HostileHeader("header is a string", #""{}""#, .headerNotObject),
        HostileHeader("trailing garbage", "{} x", .invalidJSON),
        HostileHeader("unterminated object", #"{"a":"#, .invalidJSON),
        HostileHeader("trailing comma", #"{"a":{\#(f32),"data_offsets":[0,4]},}"#, data: 4, .invalidJSON),
        HostileHeader("leading zero", #"{"a":{\#(f32),"data_offsets":[00,4]}}"#, data: 4, .invalidJSON),
        HostileHeader("lone surrogate in a name", #"{"\ud800":{\#(f32),"data_offsets":[0,4]}}"#, data: 4, .invalidJSON),
        HostileHeader("raw newline in a name", "{\"a\nb\":{\(f32),\"data_offsets\":[0,4]}}", data: 4, .invalidJSON),
        HostileHeader(
            "depth bomb", #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
            .invalidJSON),
        HostileHeader(
            "depth bomb in metadata",
            #"{"__metadata__":{"a":"# + String(repeating: "{\"b\":", count: 50_000) + "1" + String(repeating: "}", count: 50_002),
            .invalidJSON),
        HostileHeader(
            "duplicate names", #"{"a":{\#(f32),"data_offsets":[0,4]},"a":{\#(f32),"data_offsets":[4,8]}}"#, data: 8,
            .duplicateTensorName),
        HostileHeader(
            "overlapping offsets", #"{"a":{\#(f32),"data_offsets":[0,4]},"b":{\#(f32),"data_offsets":[2,6]}}"#, data: 6,
            .overlappingTensors),
        HostileHeader(
            "same offsets twice", #"{"a":{\#(f32),"data_offsets":[0,4]},"b":{\#(f32),"data_offsets":[0,4]}}"#, data: 4,
            .overlappingTensors),
        HostileHeader(
            "empty tensor inside another",
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
            data: 8, .overlappingTensors),
        HostileHeader(
            "gap between tensors", #"{"a":{\#(f32),"data_offsets":[0,4]},"b":{\#(f32),"data_offsets":[8,12]}}"#, data: 12,
            .gapBetweenTensors),
        HostileHeader("gap at the start", #"{"a":{\#(f32),"data_offsets":[4,8]}}"#, data: 8, .gapBetweenTensors),
        HostileHeader("trailing bytes", #"{"a":{\#(f32),"data_offsets":[0,4]}}"#, data: 8, .trailingBytes),
        HostileHeader("data without tensors", "{}", data: 1, .trailingBytes),
        HostileHeader("end beyond the buffer", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 4, .offsetsBeyondBuffer),
        HostileHeader(
            "enormous offsets", #"{"a":{"dtype":"U8","shape":[9223372036854775807],"data_offsets":[0,9223372036854775807]}}"#,
            data: 4, .offsetsBeyondBuffer),
        HostileHeader("begin after end", #"{"a":{\#(f32),"data_offsets":[4,0]}}"#, data: 4, .invalidOffsets),
        HostileHeader("negative offset", #"{"a":{\#(f32),"data_offsets":[-4,0]}}"#, data: 4, .invalidOffsets),
        HostileHeader("three offsets", #"{"a":{\#(f32),"data_offsets":[0,4,8]}}"#, data: 4, .invalidOffsets),
        HostileHeader("one offset", #"{"a":{\#(f32),"data_offsets":[4]}}"#, data: 4, .invalidOffsets),
        HostileHeader("fractional offset", #"{"a":{\#(f32),"data_offsets":[0,4.0]}}"#, data: 4, .invalidOffsets),
        HostileHeader("offset past Int", #"{"a":{\#(f32),"data_offsets":[0,18446744073709551616]}}"#, data: 4, .invalidOffsets),
        HostileHeader("offsets as strings", #"{"a":{\#(f32),"data_offsets":["0","4"]}}"#, data: 4, .invalidOffsets),
        HostileHeader("unknown dtype", #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: 4, .unknownDType),
        HostileHeader("lower-case dtype", #"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#, data: 4, .unknownDType),
        HostileHeader("sub-byte dtype", #"{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}"#, data: 1, .unknownDType),
        HostileHeader("numeric dtype", #"{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#, data: 4, .invalidTensorEntry),
        HostileHeader("shape mismatch", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: 4, .sizeMismatch),
        HostileHeader("wrong dtype for the bytes", #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}"#, data: 4, .sizeMismatch),
        HostileHeader("negative shape", #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4, .invalidShape),
        HostileHeader("fractional shape", #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: 4, .invalidShape),
        HostileHeader("shape written as float", #"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, data: 4, .invalidShape),
        HostileHeader("shape not an array", #"{"a":{"dtype":"F32","shape":1,"data_offsets":[0,4]}}"#, data: 4, .invalidShape),
        HostileHeader("null in shape", #"{"a":{"dtype":"F32","shape":[null],"data_offsets":[0,4]}}"#, data: 4, .invalidShape),
        HostileHeader(
            "shape overflow", #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: 4,
            .shapeOverflow),
        HostileHeader(
            "shape overflow in the byte count", #"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,4]}}"#,
            data: 4, .shapeOverflow),
        HostileHeader("missing data_offsets", #"{"a":{"dtype":"F32","shape":[1]}}"#, data: 4, .invalidTensorEntry),
        HostileHeader("extra key", #"{"a":{\#(f32),"data_offsets":[0,4],"extra":1}}"#, data: 4, .invalidTensorEntry),
        HostileHeader(
            "repeated key in an entry", #"{"a":{"dtype":"F32","dtype":"F32","shape":[1]}}"#, data: 4, .invalidTensorEntry),
        HostileHeader("entry not an object", #"{"a":[0,4]}"#, data: 4, .invalidTensorEntry),
        HostileHeader("metadata with a number", #"{"__metadata__":{"a":1}}"#, .invalidMetadata),
        HostileHeader("metadata with a nested object", #"{"__metadata__":{"a":{"b":"c"}}}"#, .invalidMetadata),
        HostileHeader("metadata null", #"{"__metadata__":null}"#, .invalidMetadata),
        HostileHeader("metadata an array", #"{"__metadata__":["a"]}"#, .invalidMetadata),
        HostileHeader("metadata key twice", #"{"__metadata__":{"a":"b","a":"c"}}"#, .invalidMetadata),
        HostileHeader("metadata twice", #"{"__metadata__":{},"__metadata__":{}}"#, .invalidMetadata),
        HostileHeader(
            "tensor named __metadata__", #"{"__metadata__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4,
            .invalidMetadata),
    ]

    @Test(arguments: hostileHeaders)
    func malformedHeaderIsRejected(_ hostile: HostileHeader) {
        let bytes = handMadeSafeTensors(header: hostile.header, data: Array(repeating: 0, count: hostile.dataCount))
        #expect(performing: { try SafeTensors.parse(bytes, fileName: "hostile.safetensors") }, throws: { error in
            guard let error = error as? SafeTensorsError else { return false }
            return error.kind == hostile.expected && error.fileName == "hostile.safetensors"
                && error.description.hasPrefix("hostile.safetensors: ") && !error.description.contains("\n")
                && error.description.count < 300
        })
    }

    @Test func validHeadersThatLookOdd() throws {
        // Whitespace in and around the JSON, keys in any order, escapes in names, an empty
        // metadata object, tensors listed out of data order.
        let header = "\n {\"__metadata__\" : {} , \"b\\u00e9\":{\"data_offsets\":[4,8],\"shape\":[1],\"dtype\":\"F32\"},"
            + "\t\"a\":{\"shape\":[],\"dtype\":\"I32\",\"data_offsets\":[0,4]}}\r\n   "
        let file = try SafeTensors.parse(handMadeSafeTensors(header: header, data: Array(repeating: 0, count: 8)), fileName: "odd")
        #expect(file.tensors.map(\.name) == ["a", "bé"])
        #expect(file.metadata == [:])
        #expect(file["a"]?.dtype == .int32)
    }

    @Test(arguments: [
        [0xFF] as [UInt8],  // never valid in UTF-8
        [0xC0, 0xAF],  // overlong "/"
        [0xED, 0xA0, 0x80],  // a surrogate encoded in UTF-8
        [0xE2, 0x82],  // truncated sequence
    ])
    func headerThatIsNotUTF8(badBytes: [UInt8]) {
        let header = Array(#"{"a"#.utf8) + badBytes + Array(#"":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#.utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
        bytes += header
        #expect(throws: SafeTensorsError(.headerNotUTF8, fileName: "bad", "header is not valid UTF-8")) {
            try SafeTensors.parse(bytes, fileName: "bad")
        }
    }

    @Test func longHostileNamesAreCutInMessages() {
        // The name begins with an escaped newline, which must not reach the message.
        let name = "\\n" + String(repeating: "x", count: 10_000)
        let header = #"{"\#(name)":{\#(f32),"data_offsets":[0,4]},"\#(name)":{\#(f32),"data_offsets":[4,8]}}"#
        #expect(performing: { try SafeTensors.parse(handMadeSafeTensors(header: header, data: Array(repeating: 0, count: 8)), fileName: "long") },
                throws: { error in
            let description = "\(error)"
            return (error as? SafeTensorsError)?.kind == .duplicateTensorName && description.count < 120
                && !description.contains("\n")
        })
    }
}

@Suite struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#" {"a":[1,-0,1.5,-2e3,true,false,null,"x\u00e9\ud83d\ude00\n\/"],"b":{}} "#)
        #expect(value == .object([
            (key: "a", value: .array([
                .integer(1), .integer(0), .number(1.5), .number(-2000), .bool(true), .bool(false), .null,
                .string("xé😀\n/"),
            ])),
            (key: "b", value: .object([])),
        ]))
        #expect(try JSONValue.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONValue.parse("9223372036854775808") == .number(9223372036854775808))
    }

    @Test func keepsDuplicateKeysInOrder() throws {
        let value = try JSONValue.parse(#"{"a":1,"a":2}"#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "a"])
        #expect(value["a"] == .integer(1))
    }

    @Test(arguments: [
        "", "   ", "01", "1.", ".5", "-", "+1", "1e", "[1,]", #"{"a":1,}"#, "{'a':1}", "[1 2]", #""\x""#,
        #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"a\nb\"", "nul", "truE", "[", #"{"a"}"#, "1 2",
        "/*c*/1", "NaN", "Infinity", #"{1:2}"#, #""\u12""#,
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func depthIsLimited() throws {
        #expect(try JSONValue.parse("[[1]]", maximumDepth: 2) == .array([.array([.integer(1)])]))
        #expect(performing: { try JSONValue.parse("[[[1]]]", maximumDepth: 2) },
                throws: { ($0 as? JSONParseError)?.kind == .tooDeep })
        let bomb = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        #expect(performing: { try JSONValue.parse(bomb) }, throws: { ($0 as? JSONParseError)?.kind == .tooDeep })
    }

    @Test func serializationRoundTrips() throws {
        let value = JSONValue.object([
            (key: "quote\"back\\slash", value: .string("tab\tnul\u{0}bell\u{7}é🙂")),
            (key: "numbers", value: .array([.integer(-3), .number(0.1), .number(1e300), .number(.infinity)])),
            (key: "flags", value: .array([.bool(true), .null])),
        ])
        let text = value.serialized()
        #expect(text == #"{"quote\"back\\slash":"tab\tnul\u0000bell\u0007é🙂","numbers":[-3,0.1,1e+300,null],"flags":[true,null]}"#)
        let back = try JSONValue.parse(text)
        #expect(back["quote\"back\\slash"] == value["quote\"back\\slash"])
        #expect(back["numbers"] == .array([.integer(-3), .number(0.1), .number(1e300), .null]))
    }
}
