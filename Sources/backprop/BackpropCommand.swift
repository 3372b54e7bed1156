import ArgumentParser
import Backprop

@main
struct BackpropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Build, train, evaluate and explain feed-forward neural networks.",
        version: BackpropCommand.version,
        subcommands: [Train.self, Evaluate.self, Predict.self, Explain.self, Gradcheck.self, Graph.self],
        defaultSubcommand: nil)

    /// `backprop --version`.
    static let version = "backprop 0.3.0"
}
