import ArgumentParser
import Backprop

extension Activation: ExpressibleByArgument {}
extension LossFunction: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}

/// `--layers 784,300,10`: widths including input and output.
struct LayerSizes: ExpressibleByArgument, Equatable {
    var sizes: [Int]
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count >= 2, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        sizes = parts.map { $0! }
    }
    static var defaultValueDescription: String { "inferred from the data" }
}

/// A failure reported as one line on standard error with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
