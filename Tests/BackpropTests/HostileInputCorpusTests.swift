import Foundation
import Testing
@testable import Backprop

// A corpus of bad files across every reader, each read from disk the way callers read it
// (by path): truncated at each section boundary, with absurd sizes, with NaN or infinite
// data, and model files whose architecture metadata lies. Every one must throw (not trap),
// with a one-line description that names the file; absurd sizes must fail at once, before
// anything is sized by them. The per-format suites (IDXTests, NPYTests, GzipTests,
// CS229CSVTests, SafeTensorsHostileTests) test each format's bytes-level decoder in depth;
// this suite is the table across readers and the model-file loader's hostile cases.

/// A reader as its callers use it: a path in, a value or an error out.
enum HostileReader: String, Sendable, CaseIterable {
    case safetensors, modelFile, checkpoint, idx, npy, gzip, cs229Images, cs229Labels, csv

    var fileExtension: String {
        switch self {
        case .safetensors, .modelFile, .checkpoint: "safetensors"
        case .idx: "idx"
        case .npy: "npy"
        case .gzip: "gz"
        case .cs229Images, .cs229Labels, .csv: "csv"
        }
    }

    func read(_ path: String) throws {
        switch self {
        case .safetensors: _ = try SafeTensors.read(from: path)
        case .modelFile:
            _ = try ModelFile.load(path: path, as: Float.self)
            _ = try ModelFile.load(path: path, as: Double.self)
        case .checkpoint: _ = try Checkpoint<Float>.read(path: path)
        case .idx: _ = try IDXFile.read(path: path)
        case .npy: _ = try NPYFile.read(path: path)
        case .gzip: _ = try DataFileBytes.read(path: path)
        case .cs229Images: _ = try CS229CSV.readImages(path: path)
        case .cs229Labels: _ = try CS229CSV.readLabels(path: path)
        case .csv: _ = try CSVReader.read(path: path)
        }
    }
}

/// One bad file: which reader, what is wrong with it, its bytes, and whether its problem
/// is an absurd size claim (which must be refused within a second, allocating nothing).
struct HostileFile: Sendable, CustomTestStringConvertible {
    var reader: HostileReader
    var label: String
    var bytes: [UInt8]
    var absurdSize = false

    var testDescription: String { "\(reader.rawValue): \(label)" }
}

/// The file name a hostile file is written under: the label's letters and digits, so that
/// every description can be checked for naming it.
private func fileName(_ hostile: HostileFile) -> String {
    let stem = String(hostile.label.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
    return "hostile-\(stem).\(hostile.reader.fileExtension)"
}

/// Reads `bytes` with `reader` from a file in a fresh directory; returns the error thrown
/// (nil if the file loaded), the path and the time taken.
private func readHostile(
    _ reader: HostileReader, _ bytes: [UInt8], named name: String
) throws -> (error: (any Error)?, path: String, duration: Duration) {
    try TemporaryDirectory.with { directory in
        let path = try directory.write(bytes, to: name)
        var thrown: (any Error)?
        let duration = ContinuousClock().measure {
            do { try reader.read(path) } catch { thrown = error }
        }
        return (thrown, path, duration)
    }
}

/// Whether `description` is one line (no line feed, no carriage return) that starts with
/// `path`.
private func isOneLineNaming(_ description: String, _ path: String) -> Bool {
    !description.utf8.contains(0x0A) && !description.utf8.contains(0x0D) && description.hasPrefix(path + ": ")
}

// MARK: - Sample files, one per format, with their section boundaries

/// Two F32 tensors and format metadata: 8-byte size, JSON header, 24 data bytes.
private func sampleSafeTensors() throws -> (bytes: [UInt8], headerEnd: Int) {
    let bytes = try SafeTensors(
        tensors: [
            SafeTensor(name: "0.weight", shape: [2, 2], floats: [1, -2, 3.5, 0]),
            SafeTensor(name: "0.bias", shape: [2], floats: [0.25, -8]),
        ],
        metadata: ["format": "pt"]
    ).serialized()
    let headerSize = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    return (bytes, 8 + headerSize)
}

/// A safetensors file whose header is `header` verbatim (padded to 8 bytes), then `data`.
private func rawSafeTensors(header: String, data: [UInt8] = []) -> [UInt8] {
    var text = Array(header.utf8)
    text += [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8)
    return withUnsafeBytes(of: UInt64(text.count).littleEndian, Array.init) + text + data
}

/// `{"dense":{...}}` as the architecture metadata spells a dense layer.
private func dense(_ inputs: Int, _ outputs: Int, bias: Bool = true) -> String {
    #"{"dense":{"inputs":\#(inputs),"outputs":\#(outputs),"bias":\#(bias)}}"#
}

private func architecture(inputSize: Int, _ layers: [String], loss: String = "mse") -> String {
    #"{"inputSize":\#(inputSize),"layers":[\#(layers.joined(separator: ","))],"loss":"\#(loss)"}"#
}

/// A model file: the tensors plus `architecture` as the `backprop.architecture` metadata.
private func modelFile(architecture: String, _ tensors: [SafeTensor]) throws -> [UInt8] {
    try SafeTensors(tensors: tensors, metadata: ["format": "pt", ModelFile.architectureKey: architecture]).serialized()
}

/// The tensors of a 2 → 3 (tanh) → 1 network, all finite.
private func sampleTensors() throws -> [SafeTensor] {
    [
        try SafeTensor(name: "0.weight", shape: [3, 2], floats: [0.5, -0.25, 1, 0, -1, 2]),
        try SafeTensor(name: "0.bias", shape: [3], floats: [0.1, 0.2, 0.3]),
        try SafeTensor(name: "2.weight", shape: [1, 3], floats: [1, -1, 0.5]),
        try SafeTensor(name: "2.bias", shape: [1], floats: [-0.5]),
    ]
}

private let sampleArchitecture = architecture(inputSize: 2, [dense(2, 3), #"{"activation":{"function":"tanh"}}"#, dense(3, 1)])

/// A 2 × 3 IDX file of unsigned bytes: 4-byte magic, two 4-byte dimensions, 6 bytes.
private let sampleIDX = IDXFile.encode(IDXArray(dimensions: [2, 3], bytes: [0, 1, 2, 3, 4, 5]))

/// `magic, [major, minor], header length (2 bytes in version 1, 4 in 2 and 3), dict + "\n"`,
/// then `payload`, as NumPy lays out an `.npy` file (padding left out: it is optional).
private func npy(_ dictionary: String, payload: [UInt8], version: UInt8 = 1) -> [UInt8] {
    let header = Array(dictionary.utf8) + [0x0A]
    let lengthBytes = version == 1 ? 2 : 4
    return NPYFile.magic + [version, 0] + (0..<lengthBytes).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        + header + payload
}

private func littleEndian(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}

private func littleEndian(_ values: [Double]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}

/// A 2 × 2 `<f4` array: 6-byte magic, version, 2-byte header length, header, 16 bytes.
private let sampleNPY = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", payload: littleEndian([1, 2, 3, 4] as [Float]))

// MARK: - The corpus

/// Every hostile file, by reader.
private func hostileFiles() throws -> [HostileFile] {
    var files: [HostileFile] = []
    func add(_ reader: HostileReader, _ label: String, _ bytes: [UInt8], absurdSize: Bool = false) {
        files.append(HostileFile(reader: reader, label: label, bytes: bytes, absurdSize: absurdSize))
    }

    // safetensors (and the model loader, which reads it first): inside the size, inside the
    // header, inside the data; absurd header sizes, shapes and offsets; duplicate names.
    let (safetensors, headerEnd) = try sampleSafeTensors()
    for reader in [HostileReader.safetensors, .modelFile] {
        add(reader, "empty file", [])
        add(reader, "cut inside the header size", Array(safetensors.prefix(3)))
        add(reader, "cut inside the header", Array(safetensors.prefix(headerEnd / 2)))
        add(reader, "cut before the data", Array(safetensors.prefix(headerEnd)))
        add(reader, "cut inside the data", Array(safetensors.dropLast(1)))
        for size in [UInt64(1) << 63, .max] {
            add(reader, "header size \(size)", withUnsafeBytes(of: size.littleEndian, Array.init) + safetensors.dropFirst(8), absurdSize: true)
        }
    }
    add(.safetensors, "shape 2^63-1 x 2", rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), absurdSize: true)
    add(.safetensors, "shape entry 2^64-1", rawSafeTensors(header: #"{"t":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,1]}}"#, data: [0]), absurdSize: true)
    add(.safetensors, "data offsets end at 2^63-1", rawSafeTensors(header: #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}}"#, data: [0]), absurdSize: true)
    add(.safetensors, "duplicate tensor names", rawSafeTensors(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, data: [1, 2]))
    add(.safetensors, "unknown dtype", rawSafeTensors(header: #"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 16)))

    // IDX: inside the magic, inside the dimensions, inside the payload; absurd dimensions.
    add(.idx, "empty file", [])
    add(.idx, "cut inside the magic", Array(sampleIDX.prefix(2)))
    add(.idx, "cut inside the dimensions", Array(sampleIDX.prefix(6)))
    add(.idx, "cut after the dimensions", Array(sampleIDX.prefix(12)))
    add(.idx, "cut inside the payload", Array(sampleIDX.dropLast(1)))
    add(.idx, "cut inside the compressed payload", Gzip.compress(Array(sampleIDX.dropLast(1))))
    add(.idx, "four dimensions of 2^32-1", [0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16), absurdSize: true)
    add(.idx, "compressed, four dimensions of 2^32-1", Gzip.compress([0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16)), absurdSize: true)
    add(.idx, "one dimension of 2^31", [0, 0, 8, 1, 0x80, 0, 0, 0, 7], absurdSize: true)
    add(.idx, "255 dimensions", [0, 0, 8, 0xFF] + [UInt8](repeating: 0xFF, count: 64), absurdSize: true)

    // NPY: inside the magic, the version, the header length, the header, the payload.
    add(.npy, "empty file", [])
    add(.npy, "cut inside the magic", Array(sampleNPY.prefix(3)))
    add(.npy, "cut inside the version", Array(sampleNPY.prefix(7)))
    add(.npy, "cut inside the header length", Array(sampleNPY.prefix(9)))
    add(.npy, "cut inside the header", Array(sampleNPY.prefix(30)))
    add(.npy, "cut inside the payload", Array(sampleNPY.dropLast(1)))
    add(.npy, "shape 2^63-1 x 2", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 2), }", payload: []), absurdSize: true)
    add(.npy, "shape 2^64-1", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (18446744073709551615,), }", payload: []), absurdSize: true)
    add(.npy, "shape 2^63", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (9223372036854775808,), }", payload: []), absurdSize: true)
    add(.npy, "header length 2^32-1", NPYFile.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8), absurdSize: true)
    add(.npy, "f4 NaN", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", payload: littleEndian([1, .nan, 3] as [Float])))
    add(.npy, "f8 infinity", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", payload: littleEndian([-.infinity, 0] as [Double])))
    add(.npy, "f8 beyond Float", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", payload: littleEndian([1e300] as [Double])))
    add(.npy, "wrong dtype", npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", payload: [UInt8](repeating: 0, count: 16)))

    // gzip: inside the member header, inside the deflate data, inside the trailer.
    let compressed = Gzip.compress(Array("a line of text\n".utf8))
    add(.gzip, "cut inside the member header", Array(compressed.prefix(5)))
    add(.gzip, "cut inside the deflate data", Array(compressed.prefix(compressed.count - 10)))
    add(.gzip, "cut inside the trailer", Array(compressed.dropLast(2)))

    // CS229 CSV: truncated rows, absurd numbers, NaN and infinities.
    add(.cs229Images, "cut inside a row", Array("1,2,3\n4,5,".utf8))
    add(.cs229Images, "nan", Array("1,2\nnan,4\n".utf8))
    add(.cs229Images, "NaN with a sign", Array("1,-NaN\n".utf8))
    add(.cs229Images, "infinity", Array("inf,2\n".utf8))
    add(.cs229Images, "beyond Float", Array("1e39,2\n".utf8))
    add(.cs229Labels, "label 2^64", Array("1\n18446744073709551616\n".utf8), absurdSize: true)
    add(.cs229Labels, "label 2^63-1", Array("9223372036854775807\n".utf8), absurdSize: true)
    add(.cs229Labels, "label 1e308", Array("1e308\n".utf8), absurdSize: true)
    add(.cs229Labels, "label nan", Array("nan\n".utf8))

    // Numeric CSV: ragged rows, NaN and infinities, absurd numbers.
    add(.csv, "empty file", [])
    add(.csv, "ragged row", Array("1,2\n3\n".utf8))
    add(.csv, "nan", Array("x,y\n1,nan\n".utf8))
    add(.csv, "infinity", Array("1,-inf\n".utf8))
    add(.csv, "beyond Double", Array("1,1e400\n".utf8), absurdSize: true)
    add(.csv, "NUL inside a field", Array("a,b\n1".utf8) + [0] + Array("xyz,2\n".utf8))
    add(.csv, "NUL after a decimal", Array("0.12".utf8) + [0] + Array(" 9957,4\n".utf8))
    add(.csv, "a 100 kB field", Array(("a,b\n" + String(repeating: "9", count: 100_000) + "x,1\n").utf8))

    // Model files: architecture metadata that is not JSON, JSON of the wrong shape, layers
    // far larger than the tensors, sizes that do not chain, missing and extra tensors,
    // NaN and infinite weights.
    let tensors = try sampleTensors()
    func addModel(_ label: String, architecture: String, _ tensors: [SafeTensor], absurdSize: Bool = false) throws {
        add(.modelFile, label, try modelFile(architecture: architecture, tensors), absurdSize: absurdSize)
    }
    func replacing(_ name: String, with tensor: SafeTensor) -> [SafeTensor] {
        tensors.map { $0.name == name ? tensor : $0 }
    }
    add(.modelFile, "no architecture metadata", try SafeTensors(tensors: tensors, metadata: ["format": "pt"]).serialized())
    try addModel("architecture is not JSON", architecture: "{\"inputSize\":2,", tensors)
    try addModel("architecture is a JSON array", architecture: "[2, 3, 1]", tensors)
    try addModel("input size is a string", architecture: #"{"inputSize":"2","layers":[],"loss":"mse"}"#, tensors)
    try addModel("unknown layer kind", architecture: #"{"inputSize":2,"layers":[{"conv":{"kernel":3}}],"loss":"mse"}"#, tensors)
    try addModel("unknown loss", architecture: architecture(inputSize: 2, [dense(2, 1)], loss: "hinge"), tensors)
    try addModel("input size 2^64", architecture: architecture(inputSize: 0, [dense(2, 3)]).replacingOccurrences(of: "\"inputSize\":0", with: "\"inputSize\":18446744073709551616"), tensors)
    try addModel("dense layer of 2^40 inputs", architecture: architecture(inputSize: 1 << 40, [dense(1 << 40, 3)]), tensors, absurdSize: true)
    try addModel("dense layer of 2^40 outputs", architecture: architecture(inputSize: 2, [dense(2, 1 << 40)]), tensors, absurdSize: true)
    try addModel("dense layer of 2^62 x 4", architecture: architecture(inputSize: 1 << 62, [dense(1 << 62, 4)]), tensors, absurdSize: true)
    try addModel("dense layer of Int.max x Int.max", architecture: architecture(inputSize: .max, [dense(.max, .max)]), tensors, absurdSize: true)
    try addModel("negative sizes", architecture: architecture(inputSize: -2, [dense(-2, 3)]), tensors)
    try addModel("zero input size", architecture: architecture(inputSize: 0, []), [])
    try addModel("sizes do not chain", architecture: architecture(inputSize: 2, [dense(2, 3), dense(4, 1)]), tensors)
    try addModel("input size differs from the first layer", architecture: architecture(inputSize: 5, [dense(2, 3), dense(3, 1)]), tensors)
    try addModel("missing bias tensor", architecture: sampleArchitecture, tensors.filter { $0.name != "2.bias" })
    try addModel("missing weight tensor", architecture: sampleArchitecture, tensors.filter { $0.name != "0.weight" })
    try addModel("extra tensor", architecture: sampleArchitecture, tensors + [try SafeTensor(name: "4.weight", shape: [1, 1], floats: [1])])
    try addModel("bias where the architecture has none", architecture: architecture(inputSize: 2, [dense(2, 3, bias: false), dense(3, 1)]), tensors)
    try addModel("weight transposed", architecture: sampleArchitecture, replacing("0.weight", with: try SafeTensor(name: "0.weight", shape: [2, 3], floats: [0, 0, 0, 0, 0, 0])))
    try addModel("NaN weight", architecture: sampleArchitecture, replacing("0.weight", with: try SafeTensor(name: "0.weight", shape: [3, 2], floats: [0, 0, .nan, 0, 0, 0])))
    try addModel("infinite weight", architecture: sampleArchitecture, replacing("2.weight", with: try SafeTensor(name: "2.weight", shape: [1, 3], floats: [0, -.infinity, 0])))
    try addModel("F64 weight beyond Float", architecture: sampleArchitecture, replacing("2.weight", with: try SafeTensor(name: "2.weight", shape: [1, 3], doubles: [0, 1e300, 0])))
    add(.modelFile, "duplicate tensor names", rawSafeTensors(
        header: #"{"__metadata__":{"backprop.architecture":"{\"inputSize\":1,\"layers\":[{\"dense\":{\"inputs\":1,\"outputs\":1,\"bias\":false}}],\"loss\":\"mse\"}"},"0.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"0.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[4,8]}}"#,
        data: littleEndian([1, 2] as [Float])))

    // Checkpoints: a flipped bit in the data, in the state JSON and in the header's first key
    // (caught by the checksum or the parser); cut short; and, with a checksum that matches the edit,
    // states that no run writes: a negative batch size, counters below zero, an all-zero
    // shuffle generator, a missing optimizer slot, state JSON that does not decode.
    let checkpoint = try sampleCheckpoint()
    let l2Digit = try #require(checkpoint.firstRange(of: Array(#"\"l2\":"#.utf8))?.upperBound)
    for (label, position) in [("bit flip in the data", checkpoint.count - 3), ("bit flip in the state JSON", l2Digit),
                              ("bit flip in the header's first key", 10)] {
        var damaged = checkpoint
        damaged[position] ^= 0x04
        add(.checkpoint, label, damaged)
    }
    add(.checkpoint, "cut inside the data", Array(checkpoint.dropLast(5)))
    func editedState(_ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var file = try SafeTensors.parse(checkpoint, fileName: "sample")
        var state = try #require(try JSONSerialization.jsonObject(with: Data(file.metadata["backprop.checkpoint"]!.utf8)) as? [String: Any])
        edit(&state)
        file.metadata["backprop.checkpoint"] = String(decoding: try JSONSerialization.data(withJSONObject: state), as: UTF8.self)
        return file.checksummed()
    }
    add(.checkpoint, "batch size -5", try editedState { state in
        var recipe = state["recipe"] as! [String: Any]
        recipe["batchSize"] = -5
        state["recipe"] = recipe
    })
    add(.checkpoint, "negative step counter", try editedState { state in
        var position = state["position"] as! [String: Any]
        position["completedSteps"] = -1
        state["position"] = position
    })
    add(.checkpoint, "all-zero generator", try editedState { state in
        var position = state["position"] as! [String: Any]
        position["epochStartGenerator"] = ["state": [0, 0, 0, 0]]
        state["position"] = position
    })
    add(.checkpoint, "state without a recipe", try editedState { state in state["recipe"] = nil })
    add(.checkpoint, "learning rate as a string", try editedState { state in
        var recipe = state["recipe"] as! [String: Any]
        recipe["learningRate"] = "fast"
        state["recipe"] = recipe
    })
    var withoutSlot = try SafeTensors.parse(checkpoint, fileName: "sample")
    withoutSlot = try SafeTensors(tensors: withoutSlot.tensors.filter { $0.name != "optimizer.0.weight.0" }, metadata: withoutSlot.metadata)
    add(.checkpoint, "missing optimizer slot", withoutSlot.checksummed())
    return files
}

/// A small checkpoint's bytes: 2-4-2 on moons, momentum SGD (one slot per parameter), one
/// epoch.
private func sampleCheckpoint() throws -> [UInt8] {
    try TemporaryDirectory.with { directory in
        var recipe = TrainingRecipe()
        recipe.layers = [2, 4, 2]
        recipe.optimizer = "momentum"
        recipe.momentum = 0.9
        recipe.epochs = 1
        let session = try TrainingSession(recipe: recipe)
        try session.run()
        try session.writeCheckpoint(to: directory.path)
        return try Array(Data(contentsOf: URL(fileURLWithPath: Checkpoint<Float>.path(in: directory.path))))
    }
}

@Suite struct HostileInputCorpusTests {
    /// The corpus is built once per argument list; building it is cheap.
    static let corpus: [HostileFile] = (try? hostileFiles()) ?? []

    @Test func corpusCoversEveryReader() {
        #expect(Set(Self.corpus.map(\.reader)) == Set(HostileReader.allCases))
        #expect(Self.corpus.count > 80)
    }

    @Test(arguments: HostileInputCorpusTests.corpus)
    func refusedWithOneLineErrorNamingTheFile(_ hostile: HostileFile) throws {
        let (error, path, duration) = try readHostile(hostile.reader, hostile.bytes, named: fileName(hostile))
        let thrown = try #require(error, "\(hostile.reader.rawValue) accepted '\(hostile.label)'")
        #expect(isOneLineNaming(String(describing: thrown), path), "\(String(describing: thrown).debugDescription)")
        if hostile.absurdSize {
            // Refused from the header, before anything is sized by it: well under a second
            // even in a debug build (allocating the claimed size would take far longer or
            // fail outright).
            #expect(duration < .seconds(1), "took \(duration)")
        }
    }

    /// Every single-bit flip in an IDX header and in an NPY preamble and header: each file
    /// loads (the flip still describes a valid file) or throws a one-line error naming it.
    @Test func everyHeaderBitFlipLoadsOrThrowsOneLine() throws {
        let npyHeaderEnd = 10 + Int(sampleNPY[8]) + Int(sampleNPY[9]) << 8
        let cases: [(HostileReader, [UInt8], Range<Int>)] = [
            (.idx, sampleIDX, 0..<12),
            (.npy, sampleNPY, 0..<npyHeaderEnd),
        ]
        try TemporaryDirectory.with { directory in
            for (reader, sample, headerBytes) in cases {
                var refused = 0
                for byte in headerBytes {
                    for bit in 0..<8 {
                        var bytes = sample
                        bytes[byte] ^= 1 << bit
                        let path = try directory.write(bytes, to: "flip-\(byte)-\(bit).\(reader.fileExtension)")
                        do {
                            try reader.read(path)
                        } catch {
                            refused += 1
                            #expect(isOneLineNaming(String(describing: error), path), "\(reader) byte \(byte) bit \(bit): \(String(describing: error).debugDescription)")
                        }
                    }
                }
                // Almost every flip breaks the file: a flip that loads is the exception.
                #expect(refused > headerBytes.count * 8 * 3 / 4, "\(reader): only \(refused) flips refused")
            }
        }
    }

    /// Every single-bit flip in a model file's architecture metadata: loads or throws a
    /// one-line error naming the file.
    @Test func everyArchitectureMetadataBitFlipLoadsOrThrowsOneLine() throws {
        let bytes = try modelFile(architecture: sampleArchitecture, sampleTensors())
        let text = Array(bytes)
        let key = Array("\"inputSize".utf8)
        let start = try #require((0...(text.count - key.count)).first { Array(text[$0..<$0 + key.count]) == key })
        try TemporaryDirectory.with { directory in
            // One bit per byte (bit = offset mod 8) keeps the test fast and still touches
            // every byte of the metadata and every bit position.
            for offset in start..<(start + sampleArchitecture.utf8.count) {
                var flipped = bytes
                flipped[offset] ^= 1 << (offset % 8)
                let path = try directory.write(flipped, to: "flip-\(offset).safetensors")
                do {
                    _ = try ModelFile.load(path: path, as: Float.self)
                } catch {
                    #expect(isOneLineNaming(String(describing: error), path), "byte \(offset): \(String(describing: error).debugDescription)")
                }
            }
        }
    }

    /// The sample files themselves load: the corpus is broken files, not broken samples.
    @Test func samplesLoad() throws {
        try TemporaryDirectory.with { directory in
            let model = try directory.write(try modelFile(architecture: sampleArchitecture, sampleTensors()), to: "model.safetensors")
            let network = try ModelFile.load(path: model, as: Float.self)
            #expect(network.layerSizes == [2, 3, 1])
            #expect(try IDXFile.read(path: directory.write(sampleIDX, to: "sample.idx")).dimensions == [2, 3])
            #expect(try NPYFile.read(path: directory.write(sampleNPY, to: "sample.npy")).elements == [1, 2, 3, 4])
            #expect(try SafeTensors.read(from: directory.write(try sampleSafeTensors().bytes, to: "sample.safetensors")).tensors.count == 2)
        }
    }

    // MARK: - Regressions found by fuzzing
    //
    // Each test below reads a file the readers once mishandled (found by the fuzz targets or
    // by hand), and states the correct behaviour.

    /// NPYHeaderParser quotes header text in its messages as is: a carriage return or line
    /// feed inside the header dict breaks the one-line rule. Found by the npy fuzz target.
    @Test func npyHeaderTextInMessagesStaysOneLine() throws {
        let bytes = npy("{'de\r\nscr': '<f4', 'fortran_order': False, 'shape': (1,), }", payload: littleEndian([1] as [Float]))
        let (error, path, _) = try readHostile(.npy, bytes, named: "carriage-return.npy")
        let thrown = try #require(error)
        #expect(isOneLineNaming(String(describing: thrown), path), "\(String(describing: thrown).debugDescription)")
    }

    /// CS229CSV quotes a malformed field as is: a carriage return inside a row (not at its
    /// end) breaks the one-line rule. Found by the cs229-csv fuzz target.
    @Test func cs229FieldTextInMessagesStaysOneLine() throws {
        let (error, path, _) = try readHostile(.cs229Images, Array("1,2\n3,4\r5\n".utf8), named: "carriage-return.csv")
        let thrown = try #require(error)
        #expect(isOneLineNaming(String(describing: thrown), path), "\(String(describing: thrown).debugDescription)")
    }

    /// CSVReader splits lines on the Character "\n", and Swift reads "\r\n" as one
    /// Character: a CRLF file is one line, and a field can carry a line break into the
    /// message. Found by the csv fuzz target.
    @Test func csvReaderFieldTextInMessagesStaysOneLine() throws {
        let (error, path, _) = try readHostile(.csv, Array("1,2\nx\r\ny,3\n".utf8), named: "crlf.csv")
        let thrown = try #require(error)
        #expect(isOneLineNaming(String(describing: thrown), path), "\(String(describing: thrown).debugDescription)")
    }

    /// The same cause: a CRLF file is read as a single header line and then has "no data
    /// rows", where the LF version of the same file reads two rows.
    @Test func csvReaderReadsCRLFLines() throws {
        try TemporaryDirectory.with { directory in
            let unix = try CSVReader.read(path: directory.write("x,y\n1,2\n3,4\n", to: "lf.csv"))
            #expect(unix.rows == [[1, 2], [3, 4]])
            let windows = try CSVReader.read(path: directory.write("x,y\r\n1,2\r\n3,4\r\n", to: "crlf.csv"))
            #expect(windows.header == ["x", "y"])
            #expect(windows.rows == [[1, 2], [3, 4]])
        }
    }

    /// A model tensor of a non-float dtype (I32) whose shape fits: the conversion error
    /// from SafeTensor.values() reaches the caller without the file's name.
    @Test func modelFileWrongDTypeErrorNamesTheFile() throws {
        let header = #"{"__metadata__":{"backprop.architecture":"{\"inputSize\":2,\"layers\":[{\"dense\":{\"inputs\":2,\"outputs\":1,\"bias\":false}}],\"loss\":\"mse\"}"},"0.weight":{"dtype":"I32","shape":[1,2],"data_offsets":[0,8]}}"#
        let (error, path, _) = try readHostile(.modelFile, rawSafeTensors(header: header, data: [UInt8](repeating: 0, count: 8)), named: "int32-weights.safetensors")
        let thrown = try #require(error)
        #expect(isOneLineNaming(String(describing: thrown), path), "\(String(describing: thrown).debugDescription)")
    }

    /// A layer of width 0 lets a few hundred bytes describe a network 2^40 wide with
    /// zero-byte tensors ([0, 2^40] and [2^40, 0]): the shapes match, so the file loads
    /// (allocating nothing), and the first forward pass then sizes an n x 2^40 output.
    /// A dense layer needs at least one input and one output.
    @Test func modelFileWithZeroWidthLayerIsRefused() throws {
        let wide = 1 << 40
        let bytes = try modelFile(
            architecture: architecture(inputSize: wide, [dense(wide, 0, bias: false), dense(0, wide, bias: false)]),
            [SafeTensor(name: "0.weight", shape: [0, wide], floats: []), SafeTensor(name: "1.weight", shape: [wide, 0], floats: [])])
        let (error, path, duration) = try readHostile(.modelFile, bytes, named: "zero-width.safetensors")
        #expect(duration < .seconds(1))
        let thrown = try #require(error)
        #expect(isOneLineNaming(String(describing: thrown), path))
    }
}
