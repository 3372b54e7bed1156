import Foundation
import Testing
@testable import Backprop

/// Checkpoints and model files carry a CRC32C of their bytes: a flipped bit in tensor data or
/// in the metadata JSON is refused with a message instead of silently changing the run; a
/// checkpoint also records the training data's digest, and resuming on other data is refused.
@Suite struct CheckpointIntegrityTests {
    func checkpointed(_ data: String, in directory: String) throws -> TrainingSession {
        var recipe = TrainingRecipe()
        recipe.data = data
        recipe.layers = [2, 6, 2]
        recipe.epochs = 2
        let session = try TrainingSession(recipe: recipe)
        session.output = directory + "/run.safetensors"
        try session.run()
        try session.writeCheckpoint(to: directory)
        return session
    }

    /// Every bit of a sample of positions, in the header (metadata JSON, tensor entries) and
    /// in the data: the damaged checkpoint is refused, and never read as another run.
    @Test func flippedBitsAnywhereAreRefused() throws {
        try TemporaryDirectory.with { directory in
            _ = try checkpointed("moons", in: directory.path)
            let path = Checkpoint<Float>.path(in: directory.path)
            let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            _ = try Checkpoint<Float>.read(from: directory.path)
            var headerSize = 0
            for index in 0..<8 { headerSize |= Int(original[index]) << (8 * index) }
            // The state JSON sits escaped inside the header: \"l2\":0
            let pattern = Array(#"\"l2\":"#.utf8)
            let l2Digit = try #require(original.firstRange(of: pattern)?.upperBound, "the l2 entry")
            // The state's l2 digit, the first tensor entry, the middle of the header, the data.
            let positions = [l2Digit, 8 + 2, 8 + headerSize / 2, 8 + headerSize + 3, original.count - 1]
            var generator = SeededGenerator(seed: 3)
            for position in positions {
                for bit in [0, generator.nextIndex(below: 8)] {
                    var damaged = original
                    damaged[position] ^= UInt8(1 << bit)
                    try Data(damaged).write(to: URL(fileURLWithPath: path))
                    #expect(throws: (any Error).self, "bit \(bit) of byte \(position)") {
                        _ = try Checkpoint<Float>.read(from: directory.path)
                    }
                }
            }
            try Data(original).write(to: URL(fileURLWithPath: path))
            _ = try Checkpoint<Float>.read(from: directory.path)
        }
    }

    @Test func aFlippedBitInAModelFileIsRefusedWithTheReason() throws {
        try TemporaryDirectory.with { directory in
            let network = try Network<Float>(sizes: [2, 3, 2], activation: .tanh, loss: .softmaxCrossEntropy)
            let path = directory.file("model.safetensors")
            try ModelFile.save(network, to: path)
            var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(try SafeTensors.read(from: path).metadata[SafeTensors.checksumKey]?.count == 8)
            bytes[bytes.count - 2] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let _: Network<Float> = try ModelFile.load(path: path)
                Issue.record("a damaged model must be refused")
            } catch {
                #expect("\(error)".contains("CRC32C") && "\(error)".contains("model.safetensors"), "\(error)")
            }
        }
    }

    /// A file written without a checksum (by PyTorch, or before checksums) still loads.
    @Test func filesWithoutAChecksumLoad() throws {
        try TemporaryDirectory.with { directory in
            let network = try Network<Float>(sizes: [2, 3, 2], activation: .tanh, loss: .softmaxCrossEntropy)
            let path = directory.file("model.safetensors")
            try ModelFile.save(network, to: path)
            var file = try SafeTensors.read(from: path)
            file.metadata[SafeTensors.checksumKey] = nil
            try file.write(to: path)
            #expect(try ModelFile.load(path: path, as: Float.self).layerSizes == [2, 3, 2])
        }
    }

    @Test func resumingOnOtherDataIsRefused() throws {
        try TemporaryDirectory.with { directory in
            let csv = directory.file("data.csv")
            func write(_ rows: Int, flipLabel: Bool = false) throws {
                let lines = (0..<rows).map { row in "\(Double(row) / 10),\(Double(row % 7) / 7),\((row % 2 == 0) != (flipLabel && row == 3) ? 1 : 0)" }
                try (["a,b,label"] + lines).joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
            }
            try write(60)
            let session = try checkpointed("csv:\(csv)", in: directory.path)
            let resumed = try TrainingSession(resumingFrom: directory.path, epochs: 3)
            #expect(resumed.output == session.output)
            try write(50)
            #expect(throws: (any Error).self) { _ = try TrainingSession(resumingFrom: directory.path, epochs: 3) }
            do {
                _ = try TrainingSession(resumingFrom: directory.path, epochs: 3)
            } catch {
                #expect("\(error)".contains("not the data this run was checkpointed on") && "\(error)".contains("now 50"), "\(error)")
            }
            try write(60, flipLabel: true)
            do {
                _ = try TrainingSession(resumingFrom: directory.path, epochs: 3)
                Issue.record("an edited label must be noticed")
            } catch {
                #expect("\(error)".contains("values or labels differ"), "\(error)")
            }
            try write(60)
            _ = try TrainingSession(resumingFrom: directory.path, epochs: 3)
        }
    }

    /// A hand edit that keeps the checksum consistent but breaks the recipe (a batch size
    /// the command line refuses) is refused as the command line would refuse it.
    @Test func anInvalidRecipeIsRefused() throws {
        try TemporaryDirectory.with { directory in
            _ = try checkpointed("moons", in: directory.path)
            let path = Checkpoint<Float>.path(in: directory.path)
            var file = try SafeTensors.read(from: path)
            var state = try JSONDecoder().decode(CheckpointState.self, from: Data(file.metadata["backprop.checkpoint"]!.utf8))
            state.recipe.batchSize = -5
            file.metadata["backprop.checkpoint"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            try file.write(to: path, checksum: true)
            do {
                _ = try Checkpoint<Float>.read(from: directory.path)
                Issue.record("batch size -5 must be refused")
            } catch {
                #expect("\(error)".contains("--batch-size"), "\(error)")
            }
        }
    }
}

/// The metrics history lives beside the checkpoint and is appended to, so a checkpoint's
/// size does not grow with the run; an edited history is refused, a line appended after the
/// checkpoint (a kill between the two writes) is cut.
@Suite struct CheckpointHistoryTests {
    @Test func checkpointsStayTheSameSizeAsTheRunGrows() throws {
        try TemporaryDirectory.with { directory in
            var recipe = TrainingRecipe()
            recipe.layers = [2, 4, 2]
            recipe.epochs = 40
            let session = try TrainingSession(recipe: recipe)
            var sizes: [Int] = []
            try session.run(checkpoints: .init(directory: directory.path)) { event in
                if case .epochEnded(let metrics) = event, [2, 40].contains(metrics.epoch) {
                    sizes.append(-1)  // the checkpoint of this epoch is written after the event
                }
                if case .checkpointWritten(let path) = event, sizes.last == -1 {
                    sizes[sizes.count - 1] = try Data(contentsOf: URL(fileURLWithPath: path)).count
                }
            }
            #expect(sizes.count == 2 && sizes[0] > 0)
            // The same bytes but for digits of the counters and the checksum.
            #expect(abs(sizes[1] - sizes[0]) < 16, "\(sizes)")
            let checkpoint = try Checkpoint<Float>.read(from: directory.path)
            #expect(checkpoint.state.history == session.history)

            // A line appended after the checkpoint is cut; an edited line is refused.
            let historyPath = CheckpointHistory.path(in: directory.path)
            let original = try String(contentsOfFile: historyPath, encoding: .utf8)
            try (original + "{\"epoch\":41}\n").write(toFile: historyPath, atomically: true, encoding: .utf8)
            #expect(try Checkpoint<Float>.read(from: directory.path).state.history.count == 40)
            #expect(try String(contentsOfFile: historyPath, encoding: .utf8) == original)
            try original.replacingOccurrences(of: "\"epoch\":7,", with: "\"epoch\":8,").write(toFile: historyPath, atomically: true, encoding: .utf8)
            #expect(throws: ModelFile.Error.self) { _ = try Checkpoint<Float>.read(from: directory.path) }
        }
    }
}

/// What is written must be readable: a network whose checkpoint would pass the reader's
/// 4 GiB cap is refused before training (sizes only, nothing allocated).
@Suite struct CheckpointSizeLimitTests {
    @Test func checkpointsNearTheReadersCapAreRefusedUpFront() throws {
        // Adam: the parameters and two moments, 12 bytes per parameter.
        try Checkpoint<Float>.checkFits(parameterCount: 1_000_000, slots: 2, keepsBest: false)
        try Checkpoint<Float>.checkFits(parameterCount: 350_000_000, slots: 2, keepsBest: false)  // 4.2 GB − 16 MiB margin: fits
        #expect(throws: ModelFile.Error.self) { try Checkpoint<Float>.checkFits(parameterCount: 360_000_000, slots: 2, keepsBest: false) }
        #expect(throws: ModelFile.Error.self) { try Checkpoint<Float>.checkFits(parameterCount: 300_000_000, slots: 2, keepsBest: true) }
        #expect(throws: ModelFile.Error.self) { try Checkpoint<Float>.checkFits(parameterCount: .max, slots: 2, keepsBest: true) }
    }
}

/// The test split's labels are checked with the set named: an IDX t10k label the network
/// cannot output names its source instead of failing deep in evaluation.
@Suite struct TestSplitValidationTests {
    @Test func aTestLabelOutsideTheClassesNamesTheTestSet() throws {
        try TemporaryDirectory.with { directory in
            func write(_ name: String, _ array: IDXArray) throws {
                _ = try directory.write(IDXFile.encode(array), to: name)
            }
            try write(IDXDataset.trainImagesName, IDXArray(dimensions: [4, 2, 2], bytes: (0..<16).map { UInt8($0 * 10) }))
            try write(IDXDataset.trainLabelsName, IDXArray(dimensions: [4], bytes: [0, 1, 0, 1]))
            try write(IDXDataset.testImagesName, IDXArray(dimensions: [2, 2, 2], bytes: (0..<8).map { UInt8($0 * 20) }))
            try write(IDXDataset.testLabelsName, IDXArray(dimensions: [2], bytes: [1, 9]))
            var recipe = TrainingRecipe()
            recipe.data = "idx:\(directory.path)"
            recipe.epochs = 1
            do {
                _ = try TrainingSession(recipe: recipe)
                Issue.record("a test label the network cannot output must be refused")
            } catch {
                #expect("\(error)".contains("idx:\(directory.path) (test set)") && "\(error)".contains("row 2"), "\(error)")
            }
        }
    }
}
