import Testing
@testable import Backprop

/// Deterministic, poorly compressible test bytes (a 64-bit linear congruential generator).
func pseudoRandomBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

@Suite struct GzipTests {
    @Test func roundTripsBytes() throws {
        for payload in [[], [42], pseudoRandomBytes(count: 100_000), [UInt8](repeating: 7, count: 70_000)] {
            let compressed = Gzip.compress(payload)
            #expect(Gzip.isCompressed(compressed))
            #expect(try Gzip.decompress(compressed, maximumOutputSize: payload.count) == payload)
        }
    }

    @Test func readsPlainAndCompressedFilesAlike() throws {
        try TemporaryDirectory.with { directory in
            let payload = pseudoRandomBytes(count: 5000)
            let plain = try directory.write(payload, to: "data.bin")
            let compressed = try directory.write(Gzip.compress(payload), to: "data.bin.gz")
            #expect(try DataFileBytes.read(path: plain) == payload)
            #expect(try DataFileBytes.read(path: compressed) == payload)
            #expect(try DataFileBytes.readRaw(path: compressed) == Gzip.compress(payload))
        }
    }

    /// 256 KiB of zeros compresses to a few hundred bytes; a cap one byte short must refuse it.
    @Test func gzipBombStopsAtTheCap() throws {
        let size = 1 << 18
        let bomb = Gzip.compress([UInt8](repeating: 0, count: size), level: 9)
        #expect(bomb.count < 1024)
        #expect(try Gzip.decompress(bomb, maximumOutputSize: size).count == size)
        for cap in [0, 1, 64 << 10, size - 1] {
            let error = #expect(throws: DataFileError.self) {
                try Gzip.decompress(bomb, maximumOutputSize: cap, source: "bomb.gz")
            }
            #expect(error?.kind == .decompressedSizeAboveCap)
            #expect(error?.description == "bomb.gz: decompresses to more than \(cap) bytes, the limit")
        }
    }

    @Test func fileReadAppliesTheCapToTheDecompressedSize() throws {
        try TemporaryDirectory.with { directory in
            let path = try directory.write(Gzip.compress([UInt8](repeating: 1, count: 100_000)), to: "bomb.gz")
            let error = #expect(throws: DataFileError.self) { try DataFileBytes.read(path: path, maximumSize: 50_000) }
            #expect(error?.kind == .decompressedSizeAboveCap)
            #expect(error?.path == path)
        }
    }

    @Test func prefixDecompressionStopsEarly() throws {
        let bomb = Gzip.compress([UInt8](repeating: 9, count: 1 << 20))
        #expect(try Gzip.decompressPrefix(bomb, count: 20, source: "bomb") == [UInt8](repeating: 9, count: 20))
        #expect(try Gzip.decompressPrefix(Gzip.compress([1, 2, 3]), count: 20, source: "short") == [1, 2, 3])
    }

    @Test func everyTruncationIsReported() throws {
        let compressed = Gzip.compress(pseudoRandomBytes(count: 300))
        for cut in 0..<compressed.count {
            let error = #expect(throws: DataFileError.self, "cut at \(cut)") {
                try Gzip.decompress(Array(compressed[..<cut]), maximumOutputSize: 1000)
            }
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
        }
    }

    @Test func corruptChecksumIsReported() throws {
        var compressed = Gzip.compress(pseudoRandomBytes(count: 300))
        compressed[compressed.count - 8] ^= 0xFF  // first byte of the CRC-32 trailer
        let error = #expect(throws: DataFileError.self) { try Gzip.decompress(compressed, maximumOutputSize: 1000) }
        #expect(error?.kind == .decompressionFailed)
        #expect(error?.message.contains("incorrect data check") == true)
    }

    @Test func concatenatedMembersDecompressToTheConcatenation() throws {
        let joined = Gzip.compress([1, 2, 3]) + Gzip.compress([4, 5])
        #expect(try Gzip.decompress(joined, maximumOutputSize: 5) == [1, 2, 3, 4, 5])
        let error = #expect(throws: DataFileError.self) { try Gzip.decompress(joined, maximumOutputSize: 4) }
        #expect(error?.kind == .decompressedSizeAboveCap)
    }

    @Test func trailingGarbageIsReported() throws {
        let error = #expect(throws: DataFileError.self) {
            try Gzip.decompress(Gzip.compress([1, 2, 3]) + [0, 0, 0], maximumOutputSize: 100)
        }
        #expect(error?.kind == .decompressionFailed)
        #expect(error?.message == "3 bytes of trailing data after the end of the gzip stream")
    }

    @Test func missingAndDirectoryPathsAreReported() throws {
        try TemporaryDirectory.with { directory in
            let missing = #expect(throws: DataFileError.self) { try DataFileBytes.read(path: directory.file("absent")) }
            #expect(missing?.kind == .missingFile)
            let isDirectory = #expect(throws: DataFileError.self) { try DataFileBytes.read(path: directory.path) }
            #expect(isDirectory?.kind == .unreadable)
            let path = try directory.write(pseudoRandomBytes(count: 100), to: "big")
            let tooBig = #expect(throws: DataFileError.self) { try DataFileBytes.readRaw(path: path, maximumSize: 99) }
            #expect(tooBig?.kind == .sizeAboveCap)
            #expect(try DataFileBytes.readRaw(path: path, maximumSize: 100).count == 100)
        }
    }
}
