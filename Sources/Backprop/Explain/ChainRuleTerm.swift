/// One term of a chain-rule sum: the product of the local derivatives along one path from
/// θ to L (or, in the grouped form, along one neuron of the next layer up).
public struct ChainRuleTerm: Equatable, Sendable {
    /// The factors from the loss down to the parameter.
    public var factors: [ChainRuleFactor]

    public init(factors: [ChainRuleFactor]) { self.factors = factors }

    /// The product of the factors' values, multiplied from the loss downwards.
    public var product: Double { factors.reduce(1) { $0 * $1.value } }
}
