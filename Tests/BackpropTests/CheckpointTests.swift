import Foundation
import Testing
@testable import Backprop

@Suite struct CheckpointTests {
    /// A session on built-in data after a few steps, checkpointed into `directory`.
    func checkpointedSession(in directory: String) throws -> TrainingSession {
        var recipe = TrainingRecipe()
        recipe.data = "spiral"
        recipe.layers = [2, 8, 3]
        recipe.optimizer = "adam"
        recipe.learningRate = 0.01
        recipe.epochs = 3
        let session = try TrainingSession(recipe: recipe)
        try session.run()
        try session.writeCheckpoint(to: directory)
        return session
    }

    @Test func roundTripKeepsEverything() throws {
        try TemporaryDirectory.with { directory in
            let session = try checkpointedSession(in: directory.path)
            let checkpoint = try Checkpoint<Float>.read(from: directory.path)
            // The history went through the directory's history file: its bookkeeping aside,
            // the state is the session's.
            var state = checkpoint.state
            #expect(state.historyCount == 3 && state.historyChecksum != nil)
            state.historyCount = nil
            state.historyChecksum = nil
            #expect(state == session.checkpoint.state)
            let lines = try String(contentsOfFile: CheckpointHistory.path(in: directory.path), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3)
            #expect(checkpoint.network.parameters.map(\.parameter.value) == session.network.parameters.map(\.parameter.value))
            #expect(checkpoint.network.parameters.map(\.parameter.optimizerSlots) == session.network.parameters.map(\.parameter.optimizerSlots))
            #expect(checkpoint.state.position.completedEpochs == 3 && checkpoint.state.history.count == 3)
        }
    }

    /// A hand-edited checkpoint whose generator state is all zeros would shuffle forever.
    @Test func zeroGeneratorStateIsRefused() throws {
        try TemporaryDirectory.with { directory in
            _ = try checkpointedSession(in: directory.path)
            let path = Checkpoint<Float>.path(in: directory.path)
            var file = try SafeTensors.read(from: path)
            var state = try JSONDecoder().decode(CheckpointState.self, from: Data(file.metadata["backprop.checkpoint"]!.utf8))
            state.position.epochStartGenerator.state = (0, 0, 0, 0)
            file.metadata["backprop.checkpoint"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            // With a checksum that matches the edit: the state itself is checked.
            try file.write(to: path, checksum: true)
            #expect(throws: ModelFile.Error.self) { _ = try Checkpoint<Float>.read(from: directory.path) }
        }
    }

    @Test func missingCheckpointNamesTheDirectory() throws {
        try TemporaryDirectory.with { directory in
            do {
                _ = try Checkpoint<Float>.read(from: directory.path)
                Issue.record("expected an error")
            } catch {
                #expect("\(error)".contains(directory.path) && "\(error)".contains("--checkpoint-dir"))
            }
        }
    }
}
