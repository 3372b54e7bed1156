/// A request `explain`, `gradcheck` or `graph` cannot serve: an unknown parameter name, an
/// index out of range, an example that does not fit the network, or a network shape the
/// chain-rule trace does not cover. The description is one line naming the problem.
public struct ExplainError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
