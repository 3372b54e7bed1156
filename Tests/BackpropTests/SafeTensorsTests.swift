import Foundation
import Testing
@testable import Backprop

/// A fresh empty directory under the system's temporary directory, for one test.
func makeSafeTensorsTestDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("backprop-safetensors-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Bytes from a hexadecimal string (whitespace ignored).
func bytesFromHex(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// A safetensors file assembled by hand: the little-endian size, `header` as written, `data`.
func handMadeSafeTensors(header: String, data: [UInt8]) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    var bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
    bytes += headerBytes
    bytes += data
    return bytes
}

@Suite struct SafeTensorsTests {
    // MARK: Round trips

    @Test func floatAndDoubleTensorsRoundTripWithMetadata() throws {
        let weight = try SafeTensor(name: "0.weight", shape: [3, 2], floats: [0, 1, -2.5, .pi, .infinity, -0.0])
        let bias = try SafeTensor(name: "0.bias", shape: [3], doubles: [0.1, -1e300, .leastNonzeroMagnitude])
        let file = try SafeTensors(tensors: [weight, bias], metadata: ["format": "pt", "note": "ünïcode \"quoted\"\n"])

        let back = try SafeTensors.parse(file.serialized(), fileName: "memory")
        #expect(back == file)
        #expect(back.tensors.map(\.name) == ["0.weight", "0.bias"])
        #expect(try back.tensor(named: "0.weight").floats() == [0, 1, -2.5, .pi, .infinity, -0.0])
        #expect(try back.tensor(named: "0.bias").doubles() == [0.1, -1e300, .leastNonzeroMagnitude])
        #expect(back.metadata["note"] == "ünïcode \"quoted\"\n")
    }

    @Test func emptyMetadataIsOmittedAndReadsBackEmpty() throws {
        let file = try SafeTensors(tensors: [SafeTensor(name: "w", shape: [1], floats: [2])])
        let bytes = file.serialized()
        #expect(!String(decoding: bytes, as: UTF8.self).contains("__metadata__"))
        #expect(try SafeTensors.parse(bytes, fileName: "memory").metadata == [:])
    }

    @Test func scalarAndZeroSizeTensorsRoundTrip() throws {
        let scalar = try SafeTensor(name: "scalar", shape: [], floats: [7])
        let empty = try SafeTensor(name: "empty", shape: [0], floats: [])
        let emptyMatrix = try SafeTensor(name: "emptyMatrix", shape: [0, 3], doubles: [])
        let after = try SafeTensor(name: "after", shape: [2], doubles: [1, 2])
        let file = try SafeTensors(tensors: [empty, scalar, emptyMatrix, after])

        let back = try SafeTensors.parse(file.serialized(), fileName: "memory")
        #expect(back == file)
        #expect(try back.tensor(named: "scalar").floats() == [7])
        #expect(back["scalar"]?.elementCount == 1)
        #expect(back["empty"]?.data == [])
        #expect(back["emptyMatrix"]?.shape == [0, 3])
    }

    @Test func noTensorsAtAll() throws {
        let file = try SafeTensors(tensors: [], metadata: ["only": "metadata"])
        #expect(try SafeTensors.parse(file.serialized(), fileName: "memory") == file)
        let bare = try SafeTensors(tensors: [])
        #expect(bare.serialized() == handMadeSafeTensors(header: "{}      ", data: []))
    }

    @Test func genericValuesUseTheScalarsFullPrecision() throws {
        let single = try SafeTensor(name: "f", shape: [2], values: [Float(1.5), -3])
        let double = try SafeTensor(name: "d", shape: [2], values: [0.1, -3.0])
        #expect(single.dtype == .float32)
        #expect(double.dtype == .float64)
        #expect(try double.values(as: Float.self) == [Float(0.1), -3])
        #expect(try single.values(as: Double.self) == [1.5, -3])
    }

    // MARK: Deterministic, byte-exact output

    @Test func serializedBytesAreExact() throws {
        let file = try SafeTensors(
            tensors: [SafeTensor(name: "w", shape: [1, 2], floats: [1, -2])],
            metadata: ["z": "later", "a": "first"])
        let header =
            #"{"__metadata__":{"a":"first","z":"later"},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}"#
            + "       "
        #expect(header.utf8.count % 8 == 0)
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian.
        let expected = handMadeSafeTensors(header: header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
        #expect(file.serialized() == expected)
        #expect(file.serialized() == file.serialized())
    }

    @Test func headerIsPaddedToAMultipleOfEight() throws {
        for length in 1...9 {
            let file = try SafeTensors(tensors: [SafeTensor(name: String(repeating: "n", count: length), shape: [], floats: [1])])
            let bytes = file.serialized()
            let headerSize = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            #expect(headerSize % 8 == 0)
            #expect(bytes.count == 8 + headerSize + 4)
        }
    }

    @Test func namesNeedingEscapesSurviveTheRoundTrip() throws {
        let names = ["quote\"", "back\\slash", "new\nline", "tab\t", "nul\u{0}", "é", "日本", "🙂", ""]
        let tensors = try names.map { try SafeTensor(name: $0, shape: [], floats: [1]) }
        let back = try SafeTensors.parse(SafeTensors(tensors: tensors).serialized(), fileName: "memory")
        #expect(back.tensors.map(\.name) == names)
    }

    // MARK: Reading files written by hand and by the reference implementation

    @Test func parsesAHandBuiltFile() throws {
        let header = #"{"b":{"dtype":"F64","shape":[],"data_offsets":[8,16]}, "a" : {"shape":[2],"dtype":"F32","data_offsets":[0,8]}}"#
        // a = [1.0f, -2.0f]; b = 0.5 (0x3FE0000000000000).
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F]
        let file = try SafeTensors.parse(handMadeSafeTensors(header: header, data: data), fileName: "hand")
        // Data-buffer order, not header order.
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file["a"]?.shape == [2])
        #expect(try file.tensor(named: "a").floats() == [1, -2])
        #expect(try file.tensor(named: "b").doubles() == [0.5])
        #expect(try file.tensor(named: "b").floats() == [0.5])
        #expect(file.metadata == [:])
    }

    /// Written by safetensors 0.8.0 (Python, numpy 2.4.6):
    /// ```
    /// save_file({"0.weight": np.arange(6, dtype=np.float32).reshape(3,2),
    ///            "0.bias": np.array([0.5,-1.25,3.0], dtype=np.float64),
    ///            "h": np.array([1.0,-2.0,65504.0,6e-8], dtype=np.float16),
    ///            "s": np.array(7, dtype=np.float32), "z": np.zeros((0,3), dtype=np.float32)},
    ///           "python.safetensors", metadata={"a": "b"})
    /// ```
    static let referenceFile = handMadeSafeTensors(
        header: #"{"__metadata__":{"a":"b"},"0.bias":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"#
            + #""0.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[24,48]},"#
            + #""s":{"dtype":"F32","shape":[],"data_offsets":[48,52]},"#
            + #""z":{"dtype":"F32","shape":[0,3],"data_offsets":[52,52]},"#
            + #""h":{"dtype":"F16","shape":[4],"data_offsets":[52,60]}}     "#,
        data: bytesFromHex(
            """
            000000000000e03f000000000000f4bf0000000000000840000000000000803f0000004000004040
            000080400000a0400000e040003c00c0ff7b0100
            """))

    @Test func readsAFileWrittenByTheReferenceImplementation() throws {
        let bytes = Self.referenceFile
        #expect(bytes.count == 388)
        let file = try SafeTensors.parse(bytes, fileName: "python.safetensors")
        #expect(file.metadata == ["a": "b"])
        #expect(file.tensors.map(\.name) == ["0.bias", "0.weight", "s", "z", "h"])
        #expect(try file.tensor(named: "0.weight").floats() == [0, 1, 2, 3, 4, 5])
        #expect(file["0.weight"]?.shape == [3, 2])
        #expect(try file.tensor(named: "0.bias").doubles() == [0.5, -1.25, 3])
        #expect(try file.tensor(named: "s").floats() == [7])
        #expect(file["z"]?.shape == [0, 3])
        // 6e-8 rounds to the smallest half subnormal, 2⁻²⁴.
        #expect(try file.tensor(named: "h").floats() == [1, -2, 65504, 0x1p-24])
        // Our writer produces the same header layout, so a re-write of the same tensors in
        // the same order reproduces the reference bytes exactly.
        #expect(file.serialized() == bytes)
    }

    @Test func bfloat16AndHalfSpecialValuesWiden() throws {
        // BF16: 1.0 = 0x3F80, -inf = 0xFF80. F16: -0 = 0x8000, inf = 0x7C00, NaN = 0x7E00.
        let bfloat = try SafeTensor(name: "b", dtype: .bfloat16, shape: [2], data: [0x80, 0x3F, 0x80, 0xFF])
        #expect(try bfloat.floats() == [1, -.infinity])
        #expect(try bfloat.doubles() == [1, -.infinity])
        let half = try SafeTensor(name: "h", dtype: .float16, shape: [3], data: [0x00, 0x80, 0x00, 0x7C, 0x00, 0x7E])
        let values = try half.floats()
        #expect(values[0] == 0 && values[0].sign == .minus)
        #expect(values[1] == .infinity)
        #expect(values[2].isNaN)
    }

    // MARK: Building tensors

    @Test func constructorsRejectInconsistentTensors() {
        #expect(throws: SafeTensorsError.self) { try SafeTensor(name: "w", shape: [2, 2], floats: [1, 2, 3]) }
        #expect(throws: SafeTensorsError.self) { try SafeTensor(name: "w", shape: [-1], floats: []) }
        #expect(throws: SafeTensorsError.self) { try SafeTensor(name: "w", shape: [Int.max, 2], floats: []) }
        #expect(throws: SafeTensorsError.self) { try SafeTensor(name: "__metadata__", shape: [], floats: [1]) }
        #expect(throws: SafeTensorsError.self) { try SafeTensor(name: "w", dtype: .int64, shape: [1], data: [1, 2]) }
        do throws(SafeTensorsError) {
            _ = try SafeTensor(name: "w", shape: [2, 2], floats: [1, 2, 3])
            Issue.record("a shape mismatch was accepted")
        } catch {
            #expect(error.kind == .invalidTensor)
            #expect(error.description == #"tensor "w": shape [2, 2] of F32 needs 16 bytes, got 12"#)
        }
    }

    @Test func duplicateNamesAndMissingTensorsAreErrors() throws {
        let a = try SafeTensor(name: "a", shape: [], floats: [1])
        #expect(throws: SafeTensorsError(.duplicateTensorName, #"two tensors are named "a""#)) {
            try SafeTensors(tensors: [a, a])
        }
        #expect(throws: SafeTensorsError(.missingTensor, #"no tensor named "b""#)) {
            try SafeTensors(tensors: [a]).tensor(named: "b")
        }
    }

    @Test func integerTensorsAreNotConvertedToFloats() throws {
        let integers = try SafeTensor(name: "i", dtype: .int64, shape: [1], data: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: SafeTensorsError(.unsupportedConversion, #"tensor "i": cannot convert I64 to Float"#)) {
            try integers.floats()
        }
        #expect(throws: SafeTensorsError.self) { try integers.doubles() }
    }

    // MARK: Files

    @Test func writesAndReadsAFile() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        let file = try SafeTensors(
            tensors: [SafeTensor(name: "w", shape: [2], floats: [1, 2])], metadata: ["epoch": "3"])
        try file.write(to: path)
        #expect(try SafeTensors.read(from: path) == file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    @Test func readingChecksTheFileBeforeLoadingIt() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        try SafeTensors(tensors: [SafeTensor(name: "w", shape: [4], floats: [1, 2, 3, 4])]).write(to: path)

        #expect(performing: { try SafeTensors.read(from: path, maximumFileSize: 16) }, throws: { error in
            (error as? SafeTensorsError)?.kind == .fileTooLarge
                && "\(error)".hasPrefix(path + ": ")
        })
        #expect(performing: { try SafeTensors.read(from: directory + "/missing.safetensors") }, throws: { error in
            (error as? SafeTensorsError)?.kind == .unreadableFile
        })
        #expect(performing: { try SafeTensors.read(from: directory) }, throws: { error in
            (error as? SafeTensorsError)?.kind == .unreadableFile
        })
    }
}

@Suite struct AtomicFileTests {
    @Test func createsAndReplacesAFileLeavingNoTemporaryFile() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/report.txt"
        try AtomicFile.write("first", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
        try AtomicFile.write([0x73, 0x65, 0x63, 0x6F, 0x6E, 0x64], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        try AtomicFile.write([], to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.txt"])
    }

    @Test func splitsPathsIntoDirectoryAndName() throws {
        #expect(try AtomicFile.directoryAndName(of: "plain.txt") == (".", "plain.txt"))
        #expect(try AtomicFile.directoryAndName(of: "/top") == ("/", "top"))
        #expect(try AtomicFile.directoryAndName(of: "a/b/c.bin") == ("a/b", "c.bin"))
    }

    @Test func keepsTheTargetsPermissions() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/secret"
        try AtomicFile.write("old", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try AtomicFile.write("new", to: path)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func failsWhenTheDirectoryDoesNotExist() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/missing/model.safetensors"
        #expect(performing: { try AtomicFile.write("x", to: path) }, throws: { error in
            "\(error)".hasPrefix(path + ": cannot create a temporary file")
        })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }

    @Test func failedRenameLeavesTheTargetAndNoTemporaryFile() throws {
        // A non-empty directory cannot be replaced by a file: the rename fails even for root.
        let directory = try makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/model.safetensors"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try AtomicFile.write("keep", to: target + "/inside")
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
        #expect(try String(contentsOfFile: target + "/inside", encoding: .utf8) == "keep")
    }

    /// Root ignores directory permissions, so this case only runs for other users.
    @Test(.enabled(if: getuid() != 0)) func failureInAnUnwritableDirectoryKeepsTheOldFile() throws {
        let directory = try makeSafeTensorsTestDirectory()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let path = directory + "/model.safetensors"
        try AtomicFile.write("old", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("new", to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    @Test func rejectsPathsThatNameNoFile() {
        #expect(throws: AtomicFileError(path: "", step: "the path does not name a file", errorNumber: nil)) {
            try AtomicFile.write("x", to: "")
        }
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: "/tmp/") }
    }
}
