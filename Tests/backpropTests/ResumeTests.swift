import Foundation
import Testing
import Backprop

/// Checkpoint and resume with a real process: a run killed with SIGKILL mid-training and
/// resumed from its checkpoint directory ends with a model file byte-identical to an
/// uninterrupted run with the same seed, and the same per-epoch losses.
@Suite(.serialized) struct ResumeTests {
    /// The `backprop` executable built beside this test bundle.
    static var executable: String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("backprop").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    func run(_ arguments: [String], killAfterCheckpoint checkpoint: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.executable))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let checkpoint {
            // Wait for the first checkpoints, then kill without warning.
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning && Date() < deadline {
                usleep(1000)
            }
            usleep(20_000)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// In both subnormal modes: flushed (the default) and `--ieee-subnormals`; the resumed
    /// run takes the mode from the checkpoint.
    @Test(.enabled(if: executable != nil, "the backprop executable is built with the tests"), arguments: [[], ["--ieee-subnormals"]])
    func killedRunResumesBitForBit(subnormalMode: [String]) throws {
        let directory = NSTemporaryDirectory() + "backprop-resume-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // 6000 rows of 12 features, 3 classes.
        var generator = SeededGenerator(seed: 5)
        var lines: [String] = []
        for _ in 0..<6000 {
            let features = (0..<12).map { _ in generator.nextNormal() }
            let label = features[0] + features[1] > 0.5 ? 2 : (features[2] > 0 ? 1 : 0)
            lines.append(features.map { String($0) }.joined(separator: ",") + ",\(label)")
        }
        let csv = directory + "/data.csv"
        try lines.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)

        let common = ["train", "--data", "csv:\(csv)", "--layers", "12,32,32,3", "--activation", "relu", "--init", "he",
                      "--optimizer", "adam", "--learning-rate", "0.003", "--batch-size", "16", "--epochs", "12",
                      "--validation-split", "0.1", "--scale", "standardize", "--seed", "7", "--quiet", "--overwrite"] + subnormalMode
        let reference = directory + "/reference.safetensors"
        #expect(try run(common + ["--output", reference, "--metrics", directory + "/reference.jsonl"]) == 0)

        let checkpoints = directory + "/checkpoints"
        let resumed = directory + "/resumed.safetensors"
        let status = try run(common + ["--output", resumed, "--metrics", directory + "/resumed.jsonl",
                                       "--checkpoint-dir", checkpoints, "--checkpoint-every", "25"],
                             killAfterCheckpoint: Checkpoint<Float>.path(in: checkpoints))
        #expect(status != 0, "the run was killed before it finished (status \(status)); make it longer")
        let state = try Checkpoint<Float>.read(from: checkpoints).state
        #expect(state.position.completedSteps > 0)

        #expect(try run(["train", "--resume", checkpoints, "--output", resumed, "--overwrite", "--quiet",
                         "--metrics", directory + "/resumed.jsonl"]) == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: reference))
        let b = try Data(contentsOf: URL(fileURLWithPath: resumed))
        #expect(a == b, "resumed model differs from the uninterrupted one")

        func losses(_ name: String) throws -> [String] {
            try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n").map { line in
                // Everything but the wall-clock seconds.
                String(line).replacing(/"seconds":[0-9.e-]+,?/, with: "")
            }
        }
        #expect(try losses("reference.jsonl") == losses("resumed.jsonl"))
    }
}
