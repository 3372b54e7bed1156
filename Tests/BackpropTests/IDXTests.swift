import Foundation
import Testing
@testable import Backprop

/// The header bytes of an IDX file of unsigned bytes with the given dimensions.
private func idxHeader(_ dimensions: [Int]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for dimension in dimensions {
        bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) }
    }
    return bytes
}

@Suite struct IDXTests {
    @Test func encodingMatchesTheMNISTLayout() {
        let labels = IDXArray(dimensions: [3], bytes: [7, 2, 1])
        // Magic 0x00000801 then the count 3, big-endian, then the labels.
        #expect(IDXFile.encode(labels) == [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])
        #expect(idxHeader([60000, 28, 28]) == [0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28])
    }

    @Test(arguments: [false, true])
    func roundTrips(compressed: Bool) throws {
        try TemporaryDirectory.with { directory in
            let images = IDXArray(dimensions: [3, 2, 4], bytes: pseudoRandomBytes(count: 24))
            let path = directory.file(compressed ? "images.gz" : "images")
            try IDXFile.write(images, to: path, compressed: compressed)
            #expect(Gzip.isCompressed(try DataFileBytes.readRaw(path: path)) == compressed)
            #expect(try IDXFile.read(path: path) == images)
        }
    }

    @Test func wrongMagicAndUnsupportedTypesAreNamed() throws {
        try TemporaryDirectory.with { directory in
            let cases: [([UInt8], DataFileError.Kind, String)] = [
                ([0x01, 0x00, 0x08, 0x01, 0, 0, 0, 0], .wrongMagic, "not an IDX file: magic number starts 01 00 08 01, expected 00 00 08 01...04"),
                ([0, 0, 0x42, 1, 0, 0, 0, 0], .wrongMagic, "not an IDX file: unknown element type 0x42 in the magic number"),
                ([0, 0, 0x0D, 1, 0, 0, 0, 0], .unsupportedFormat, "IDX element type 0x0d (32-bit float) is not supported; only 0x08 (unsigned byte) is"),
                ([0, 0, 0x08, 0], .malformedHeader, "header claims 0 dimensions; 1 to 4 are accepted"),
                ([0, 0, 0x08, 5] + [UInt8](repeating: 0, count: 20), .malformedHeader, "header claims 5 dimensions; 1 to 4 are accepted"),
                (idxHeader([2]) + [1, 2, 3], .sizeMismatch, "header claims 2 unsigned bytes (2 bytes) but 3 bytes follow the 8-byte header (1 trailing bytes)"),
            ]
            for (bytes, kind, message) in cases {
                let path = try directory.write(bytes, to: "bad")
                let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
                #expect(error?.kind == kind)
                #expect(error?.description == "\(path): \(message)")
            }
        }
    }

    /// Every proper prefix of a valid file, plain or gzip-compressed, is reported as truncated.
    @Test func everyTruncationIsReported() throws {
        try TemporaryDirectory.with { directory in
            let whole = IDXFile.encode(IDXArray(dimensions: [2, 3, 4], bytes: pseudoRandomBytes(count: 24)))
            for cut in 0..<whole.count {
                for compressed in [false, true] {
                    let prefix = Array(whole[..<cut])
                    let path = try directory.write(compressed ? Gzip.compress(prefix) : prefix, to: "cut")
                    let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
                    #expect(error?.kind == .truncated, "cut at \(cut), compressed \(compressed): \(String(describing: error))")
                }
            }
            let path = try directory.write(Array(whole[..<20]), to: "short")
            let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
            #expect(error?.message == "header claims 2x3x4 unsigned bytes (24 bytes) but only 4 bytes follow the 16-byte header")
        }
    }

    @Test func trailingBytesAfterDecompressionAreReported() throws {
        try TemporaryDirectory.with { directory in
            let path = try directory.write(Gzip.compress(idxHeader([2]) + [1, 2, 3]), to: "long.gz")
            let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
            #expect(error?.kind == .sizeMismatch)
        }
    }

    /// Headers announcing 2³¹ bytes or 2⁶² bytes over a few real bytes. Under the default
    /// 1 GiB cap they are refused as too large; with no cap they must fail as truncated, which
    /// they can only do quickly (and at all, for 2⁶²) if nothing was allocated by the header.
    @Test func hugeHeaderClaimsFailWithoutAllocating() throws {
        try TemporaryDirectory.with { directory in
            for dimensions in [[1 << 31], [1 << 31, 1 << 31]] {
                for compressed in [false, true] {
                    let bytes = idxHeader(dimensions) + [1, 2, 3, 4]
                    let path = try directory.write(compressed ? Gzip.compress(bytes) : bytes, to: "huge")
                    let capped = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
                    #expect(capped?.kind == .sizeAboveCap)
                    let start = ContinuousClock.now
                    let uncapped = #expect(throws: DataFileError.self) { try IDXFile.read(path: path, maximumPayloadSize: .max) }
                    #expect(uncapped?.kind == .truncated)
                    #expect(ContinuousClock.now - start < .seconds(1))
                }
            }
            let overflowing = try directory.write(idxHeader([1 << 31, 1 << 31, 1 << 31]), to: "overflow")
            let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: overflowing, maximumPayloadSize: .max) }
            #expect(error?.kind == .sizeAboveCap)
            let oversized = try directory.write(idxHeader([(1 << 31) + 1]), to: "dimension")
            let dimensionError = #expect(throws: DataFileError.self) { try IDXFile.read(path: oversized, maximumPayloadSize: .max) }
            #expect(dimensionError?.kind == .malformedHeader)
        }
    }

    /// A four-file directory: training images 3 of 2x2 (plain and gzip both present, the
    /// plain file wins), training labels gzip-only, test files plain.
    private func writeDataset(in directory: TemporaryDirectory, trainLabels: [UInt8] = [0, 4, 2]) throws {
        let trainImages = IDXArray(dimensions: [3, 2, 2], bytes: Array(0..<12))
        try IDXFile.write(trainImages, to: directory.file("train-images-idx3-ubyte"))
        try IDXFile.write(IDXArray(dimensions: [3, 2, 2], bytes: [UInt8](repeating: 99, count: 12)),
                          to: directory.file("train-images-idx3-ubyte.gz"), compressed: true)
        try IDXFile.write(IDXArray(dimensions: [trainLabels.count], bytes: trainLabels),
                          to: directory.file("train-labels-idx1-ubyte.gz"), compressed: true)
        try IDXFile.write(IDXArray(dimensions: [1, 2, 2], bytes: [255, 0, 128, 1]), to: directory.file("t10k-images-idx3-ubyte"))
        try IDXFile.write(IDXArray(dimensions: [1], bytes: [1]), to: directory.file("t10k-labels-idx1-ubyte"))
    }

    @Test func loadsAFourFileDirectory() throws {
        try TemporaryDirectory.with { directory in
            try writeDataset(in: directory)
            let data = try IDXDataset.load(directory: directory.path)
            #expect(data.trainImages == Matrix(rows: 3, columns: 4, elements: (0..<12).map { Float($0) }))
            #expect(data.trainLabels == [0, 4, 2])
            #expect(data.testImages == Matrix([[255, 0, 128, 1]]))
            #expect(data.testLabels == [1])
            #expect((data.imageHeight, data.imageWidth, data.classCount) == (2, 2, 5))
        }
    }

    @Test func imageAndLabelCountsMustMatch() throws {
        try TemporaryDirectory.with { directory in
            try writeDataset(in: directory, trainLabels: [0, 1])
            let error = #expect(throws: DataFileError.self) { try IDXDataset.load(directory: directory.path) }
            #expect(error?.kind == .countMismatch)
            #expect(error?.description == "\(directory.file("train-images-idx3-ubyte")): holds 3 images but "
                + "\(directory.file("train-labels-idx1-ubyte.gz")) holds 2 labels")
        }
    }

    @Test func missingFileNamesBothCandidates() throws {
        try TemporaryDirectory.with { directory in
            try writeDataset(in: directory)
            try FileManager.default.removeItem(atPath: directory.file("t10k-labels-idx1-ubyte"))
            let error = #expect(throws: DataFileError.self) { try IDXDataset.load(directory: directory.path) }
            let plain = directory.file("t10k-labels-idx1-ubyte")
            #expect(error?.kind == .missingFile)
            #expect(error?.message == "neither \(plain) nor \(plain).gz exists")
        }
    }

    @Test func labelFileWithImageShapeIsRefused() throws {
        try TemporaryDirectory.with { directory in
            try writeDataset(in: directory)
            try IDXFile.write(IDXArray(dimensions: [1, 1], bytes: [1]), to: directory.file("t10k-labels-idx1-ubyte"))
            let error = #expect(throws: DataFileError.self) { try IDXDataset.load(directory: directory.path) }
            #expect(error?.kind == .malformedHeader)
            #expect(error?.path == directory.file("t10k-labels-idx1-ubyte"))
        }
    }

    @Test func fashionMNISTLocationFollowsTheEnvironment() throws {
        try TemporaryDirectory.with { directory throws in
            #expect(try FashionMNIST.locate(environment: ["FASHION_MNIST_DIR": directory.path]) == directory.path)
            let missing = directory.file("absent")
            let error = #expect(throws: DataFileError.self) {
                try FashionMNIST.locate(environment: ["FASHION_MNIST_DIR": missing])
            }
            #expect(error?.description == "\(missing): FASHION_MNIST_DIR names this directory, which does not exist")
        }
        if !FileManager.default.fileExists(atPath: FashionMNIST.systemDirectory) {
            let error = #expect(throws: DataFileError.self) { try FashionMNIST.locate(environment: [:]) }
            #expect(error?.message.contains("apt-get install dataset-fashion-mnist") == true)
        } else {
            #expect(try FashionMNIST.locate(environment: [:]) == FashionMNIST.systemDirectory)
        }
    }

    /// The real data set, where Debian's `dataset-fashion-mnist` (or FASHION_MNIST_DIR) provides it.
    @Test(.enabled(if: (try? FashionMNIST.locate()) != nil, "Fashion-MNIST is not installed"))
    func loadsFashionMNIST() throws {
        let data = try FashionMNIST.load()
        #expect(data.trainImages.rows == 60000)
        #expect(data.trainImages.columns == 784)
        #expect(data.testImages.rows == 10000)
        #expect(data.trainLabels.count == 60000)
        #expect(data.testLabels.count == 10000)
        #expect((data.imageHeight, data.imageWidth, data.classCount) == (28, 28, 10))
        // Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
        #expect((0..<10).allSatisfy { label in data.trainLabels.count { $0 == label } == 6000 })
        #expect((0..<10).allSatisfy { label in data.testLabels.count { $0 == label } == 1000 })
        // Golden values from an independent reader (Python 3, gzip module):
        //   l = gzip.open('train-labels-idx1-ubyte.gz').read()[8:]; list(l[:10])
        //   im = gzip.open('train-images-idx3-ubyte.gz').read()[16:]; sum(im[:784]), sum(im[-784:])
        //   ti = gzip.open('t10k-images-idx3-ubyte.gz').read()[16:]; sum(ti[:784])
        #expect(Array(data.trainLabels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(Array(data.testLabels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(data.trainImages.row(0).reduce(0, +) == 76247)
        #expect(data.trainImages.row(59999).reduce(0, +) == 16684)
        #expect(data.testImages.row(0).reduce(0, +) == 33456)
    }
}
