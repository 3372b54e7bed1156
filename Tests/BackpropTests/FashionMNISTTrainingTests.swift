import Foundation
import Testing
@testable import Backprop

/// End to end on real data: Debian's `dataset-fashion-mnist` (installed by `.ci/run`).
/// Skipped where the data is absent. Meant for `swift test -c release` (a few seconds);
/// unoptimized builds take minutes.
@Suite struct FashionMNISTTrainingTests {
    static var available: Bool { (try? FashionMNIST.locate()) != nil }

    /// `--preset modern` for 2 epochs: the peers reach 84.2% test accuracy after one epoch
    /// and ~86% after two (shared/peers/results); the floor leaves room for seed variation.
    @Test(.enabled(if: available, "dataset-fashion-mnist is not installed"))
    func modernPresetLearnsFashionMNIST() throws {
        var recipe = TrainingPreset.modern.recipe()
        recipe.epochs = 2
        let session = try TrainingSession(recipe: recipe)
        #expect(session.training.count == 60_000 && session.test?.count == 10_000)
        try session.run()
        let test = try session.network.evaluate(try #require(session.test))
        #expect(try #require(test.accuracy) >= 0.83, "test accuracy \(test.accuracy ?? 0)")
        #expect(session.history.count == 2 && session.history[1].trainLoss < session.history[0].trainLoss)
    }
}
