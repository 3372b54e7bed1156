import Foundation
import Testing
@testable import BackpropCLI
@testable import Backprop

/// Saved models are never lost or replaced without asking, bad sizes and labels are refused
/// before anything is allocated, and a signal stops a run with a word on what was saved.
@Suite(.serialized) struct NeverLoseTests {
    // MARK: Files replaced without asking

    /// A file that appears at --output while training (another run, a user) is kept; the
    /// model goes beside it and the run fails saying where.
    @Test func aFileThatAppearedDuringTrainingIsKept() throws {
        try inTemporaryDirectory { directory in
            let session = try TrainingSession(recipe: { var r = TrainingRecipe(); r.data = "moons"; r.epochs = 1; return r }())
            let output = directory + "/late.safetensors"
            try "precious".write(toFile: output, atomically: true, encoding: .utf8)
            let message = try #require(failure { try OutputPaths.save(session, to: output, replacing: false) })
            #expect(message.contains("appeared while training") && message.contains("late-2.safetensors"), "\(message)")
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "precious")
            #expect(try ModelFile.load(path: directory + "/late-2.safetensors", as: Float.self).layerSizes == session.network.layerSizes)
            // A second run that finds late-2 taken too goes to late-3.
            #expect(failure { try OutputPaths.save(session, to: output, replacing: false) }?.contains("late-3.safetensors") == true)
            // With --overwrite (replacing), the file is replaced.
            try OutputPaths.save(session, to: output, replacing: true)
            #expect(try ModelFile.load(path: output, as: Float.self).layerSizes == session.network.layerSizes)
        }
    }

    /// A dangling symbolic link counts as an existing output; --overwrite on a link
    /// replaces the file it points to and keeps the link.
    @Test func symbolicLinksAreNeitherReplacedNorFlattened() throws {
        try inTemporaryDirectory { directory in
            let dangling = directory + "/dangling.safetensors"
            try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: directory + "/nowhere")
            let train = try Train.parse(["--data", "moons", "--epochs", "1", "--quiet", "--output", dangling])
            #expect(failure { try train.run() }?.contains("already exists") == true)
            #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: dangling, replacing: false) }

            let target = directory + "/real.safetensors"
            let link = directory + "/link.safetensors"
            try "old".write(toFile: target, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.safetensors")
            try Train.parse(["--data", "moons", "--epochs", "1", "--quiet", "--output", link, "--overwrite"]).run()
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.safetensors")
            #expect(try ModelFile.load(path: target, as: Float.self).layerSizes.first == 2)
        }
    }

    /// A run that diverges before its first epoch ends has nothing worth saving: an existing
    /// good model stays as it is.
    @Test func firstEpochDivergenceKeepsTheExistingModel() throws {
        try inTemporaryDirectory { directory in
            let csv = directory + "/data.csv"
            try "x,y,t\n1,2,3\n4,5,6\n7,8,9\n2,1,0\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let output = directory + "/model.safetensors"
            try Train.parse(["--data", "csv:\(csv)", "--loss", "mse", "--layers", "2,4,1", "--epochs", "2", "--quiet", "--output", output]).run()
            let good = try Data(contentsOf: URL(fileURLWithPath: output))
            let diverging = try Train.parse(["--data", "csv:\(csv)", "--loss", "mse", "--layers", "2,4,1", "--learning-rate", "1e30",
                                             "--batch-size", "1", "--no-shuffle", "--epochs", "3", "--quiet", "--output", output, "--overwrite"])
            let message = try #require(failure { try diverging.run() })
            #expect(message.contains("diverged at epoch 1") && message.contains("nothing was saved"), "\(message)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == good)
        }
    }

    /// Every output is checked before the first step: a missing directory fails at once and
    /// nothing is trained or written.
    @Test(arguments: ["--output", "--metrics", "--report"])
    func outputPathsAreCheckedBeforeTraining(_ option: String) throws {
        try inTemporaryDirectory { directory in
            let model = directory + "/m.safetensors"
            var arguments = ["--data", "moons", "--epochs", "100000", "--quiet"]
            arguments += option == "--output" ? [option, directory + "/missing/m.safetensors"] : ["--output", model, option, directory + "/missing/f"]
            let started = Date()
            let message = try #require(failure { try Train.parse(arguments).run() })
            #expect(message.contains(option) && message.contains("does not exist"), "\(message)")
            #expect(!message.contains("NSCocoaErrorDomain"))
            #expect(Date().timeIntervalSince(started) < 30, "failed before training 100000 epochs")
            #expect(!FileManager.default.fileExists(atPath: model))
        }
    }

    /// Metrics are appended one line per epoch (not rewritten), and a resumed run's file
    /// starts from the checkpoint's history.
    @Test func metricsAreAppendedPerEpoch() throws {
        try inTemporaryDirectory { directory in
            let metrics = directory + "/m.jsonl"
            let writer = try MetricsWriter(path: metrics, history: [EpochMetrics(epoch: 1, trainLoss: 0.5, trainAccuracy: nil, learningRate: 0.1, seconds: 1)])
            try writer.append(EpochMetrics(epoch: 2, trainLoss: 0.25, trainAccuracy: nil, learningRate: 0.1, seconds: 1))
            let lines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2 && lines[1].contains("\"epoch\":2"))
        }
    }

    /// Temporary files of ours left by a kill -9 (their process is gone) are removed by the
    /// next run; those of a live process are not.
    @Test func staleTemporaryFilesAreRemoved() throws {
        try inTemporaryDirectory { directory in
            let model = directory + "/model.safetensors"
            let stale = directory + "/.model.safetensors.tmp-99999999-1f2e"
            let live = directory + "/.model.safetensors.tmp-\(getpid())-abc"
            let other = directory + "/.other.tmp-99999999-1f2e"
            for file in [stale, live, other] { try "partial".write(toFile: file, atomically: false, encoding: .utf8) }
            try Train.parse(["--data", "moons", "--epochs", "1", "--quiet", "--output", model]).run()
            #expect(!FileManager.default.fileExists(atPath: stale))
            #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
        }
    }

    // MARK: Traps and unbounded memory

    @Test(arguments: [
        ("2,9223372036854775807,2", "more than 2147483647 parameters"),
        ("2,1000000000000,2", "more than 2147483647 parameters"),
        ("2,100000000,2", "more than this machine's"),
    ])
    func hugeLayerSizesAreRefusedBeforeAllocating(layers: String, expected: String) throws {
        let output = NSTemporaryDirectory() + "backprop-huge-\(UUID().uuidString).safetensors"
        let message = try #require(failure { try Train.parse(["--data", "moons", "--layers", layers, "--quiet", "--output", output]).run() })
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(message.contains(expected), "\(message)")
        #expect(!message.contains("\n"))
        // The library refuses the overflowing widths too, instead of trapping.
        #expect(throws: ShapeError.self) { _ = try Network<Float>(sizes: [2, Int.max, 2], activation: .relu, loss: .meanSquaredError) }
        #expect(try NetworkSize(sizes: [784, 300, 10], batchSize: 1000).parameters == 238_510)
    }

    @Test func hugeOrContinuousClassLabelsAreRefused() throws {
        try inTemporaryDirectory { directory in
            let big = directory + "/big.csv"
            try (["a,b,label"] + (0..<30).map { "\($0),1,\($0 == 7 ? 1_000_000 : $0 % 3)" }).joined(separator: "\n")
                .write(toFile: big, atomically: true, encoding: .utf8)
            let message = try #require(failure { try Train.parse(["--data", "csv:\(big)", "--epochs", "1", "--quiet", "--output", directory + "/m.safetensors"]).run() })
            #expect(message.contains("row 8") && message.contains("65536") && message.contains(big), "\(message)")
            let continuous = directory + "/continuous.csv"
            try (["a,b,y"] + (0..<30).map { "\($0),1,\(Double($0) * 1.37)" }).joined(separator: "\n")
                .write(toFile: continuous, atomically: true, encoding: .utf8)
            let second = try #require(failure { try Train.parse(["--data", "csv:\(continuous)", "--epochs", "1", "--quiet", "--output", directory + "/m.safetensors"]).run() })
            #expect(second.contains("not an integer") && second.contains("--loss mse"), "\(second)")
        }
    }

    @Test func nulBytesAndDirectoriesAreNotNumbers() throws {
        try inTemporaryDirectory { directory in
            let csv = directory + "/nul.csv"
            try Data("a,b,label\n1\u{0}xyz,2,0\n0.12\u{0} 9957,4,1\n".utf8).write(to: URL(fileURLWithPath: csv))
            let message = try #require(failure { _ = try CSVReader.read(path: csv) })
            #expect(message.contains("line 2, column 1") && message.contains("is not a number"), "\(message)")
            #expect(failure { _ = try CSVReader.read(path: directory) }?.contains("is a directory") == true)
            let long = directory + "/long.csv"
            try ("a,b\n" + String(repeating: "9", count: 100_000) + "x,1\n").write(toFile: long, atomically: true, encoding: .utf8)
            #expect(try #require(failure { _ = try CSVReader.read(path: long) }).count < 300, "a huge field is not quoted whole")
        }
    }

    // MARK: Resume and signals

    @Test func resumeRefusesOptionsThatWouldChangeTheRun() throws {
        for option in [["--learning-rate", "0.1"], ["--layers", "2,4,2"], ["--data", "moons"], ["--seed", "3"],
                       ["--batch-size", "8"], ["--optimizer", "adam"]] {
            let message = try #require(failure { _ = try Train.parse(["--resume", "dir"] + option) })
            #expect(message.contains(option[0]) && message.contains("--resume"), "\(message)")
        }
        _ = try Train.parse(["--resume", "dir", "--epochs", "50", "--output", "m.safetensors", "--overwrite"])
    }

    /// SIGTERM (and SIGINT) mid-run: with --checkpoint-dir the run writes a checkpoint of the
    /// step it stopped at, says how to resume and exits 143; without, it says nothing was
    /// saved and writes no model.
    @Test(.enabled(if: ResumeTests.executable != nil, "the backprop executable is built with the tests"),
          arguments: [(SIGTERM, true), (SIGINT, false)])
    func aSignalStopsTheRunAndSaysWhatWasSaved(signal: Int32, checkpointing: Bool) throws {
        try inTemporaryDirectory { directory in
            let metrics = directory + "/m.jsonl"
            let checkpoints = directory + "/checkpoints"
            let model = directory + "/model.safetensors"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(ResumeTests.executable))
            process.arguments = ["train", "--data", "moons", "--epochs", "100000", "--quiet", "--output", model, "--metrics", metrics]
                + (checkpointing ? ["--checkpoint-dir", checkpoints] : [])
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline
                && (try? String(contentsOfFile: metrics, encoding: .utf8))?.contains("\"epoch\":3") != true {
                usleep(5000)
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 128 + signal, "\(text)")
            #expect(!FileManager.default.fileExists(atPath: model))
            if checkpointing {
                #expect(text.contains("stopped by SIGTERM") && text.contains("continue with: backprop train --resume \(checkpoints) --output \(model)"), "\(text)")
                #expect(try Checkpoint<Float>.read(from: checkpoints).state.position.completedSteps > 0)
            } else {
                #expect(text.contains("stopped by SIGINT") && text.contains("nothing was saved"), "\(text)")
            }
        }
    }
}

/// A checkpoint directory belongs to one run: a second live run is refused while the first
/// holds it, and a fresh run does not replace a finished run's checkpoint without
/// --overwrite.
@Suite(.serialized) struct CheckpointDirectoryTests {
    @Test func aCheckpointDirectoryIsNotSharedOrReplacedSilently() throws {
        let directory = NSTemporaryDirectory() + "backprop-checkpoint-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoints = directory + "/checkpoints"
        try Train.parse(["--data", "moons", "--epochs", "2", "--quiet", "--output", directory + "/a.safetensors",
                         "--checkpoint-dir", checkpoints]).run()
        let before = try Data(contentsOf: URL(fileURLWithPath: Checkpoint<Float>.path(in: checkpoints)))
        do {
            try Train.parse(["--data", "blobs", "--epochs", "1", "--quiet", "--output", directory + "/b.safetensors",
                             "--checkpoint-dir", checkpoints]).run()
            Issue.record("a fresh run must not replace another run's checkpoint")
        } catch {
            #expect("\(error)".contains("already holds a run's checkpoint") && "\(error)".contains("--resume \(checkpoints)"), "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: Checkpoint<Float>.path(in: checkpoints))) == before)
        try Train.parse(["--data", "blobs", "--epochs", "1", "--quiet", "--output", directory + "/b.safetensors",
                         "--checkpoint-dir", checkpoints, "--overwrite"]).run()
        #expect(try Checkpoint<Float>.read(from: checkpoints).state.recipe.data == "blobs")

        // Another process holding the lock: this one is refused, naming it.
        let other = directory + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [other + "/.backprop.lock", "-c", "echo 4242 > \(other)/.backprop.lock; sleep 30"]
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { return }
        try holder.run()
        defer { holder.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while (try? String(contentsOfFile: other + "/.backprop.lock", encoding: .utf8))?.contains("4242") != true && Date() < deadline {
            usleep(10_000)
        }
        do {
            try Train.parse(["--data", "moons", "--epochs", "1", "--quiet", "--output", directory + "/c.safetensors",
                             "--checkpoint-dir", other]).run()
            Issue.record("a directory in use must be refused")
        } catch {
            #expect("\(error)".contains("in use by another run (process 4242)"), "\(error)")
        }
    }
}
