/// ∂L/∂θ for one scalar parameter θ on one example, written as the chain rule writes it: a
/// sum over every path from θ to the loss of the product of the local derivatives along the
/// path, checked against the vectorized backward pass (BP1-BP4) and a central finite
/// difference.
///
/// L is the loss of this single example (N = 1), with the network's loss function.
public struct ChainRuleTrace: Equatable, Sendable {
    /// How the terms were formed.
    public enum Form: Equatable, Sendable {
        /// One term per path from θ to L.
        case paths
        /// Too many paths: one term per neuron k of dense layer `layer` (the layer above θ's),
        /// ∂L/∂zₖ⁽ˡ⁾ · wₖⱼ⁽ˡ⁾ · g′(zⱼ⁽ˡ⁻¹⁾) · aᵢ⁽ˡ⁻²⁾, where ∂L/∂zₖ⁽ˡ⁾ already sums the paths above.
        case groupedByNeuron(layer: Int)
    }

    public var parameter: ParameterReference
    /// θ's value.
    public var value: Double
    public var form: Form
    /// The number of paths from θ to L (`Int.max` when it overflows).
    public var pathCount: Int
    public var terms: [ChainRuleTerm]
    /// ∂L/∂θ from the vectorized backward pass (`Network.computeGradients`).
    public var backpropagation: Double
    /// (L(θ + h) − L(θ − h)) / 2h.
    public var finiteDifference: Double
    /// The h of `finiteDifference`.
    public var step: Double

    /// ∂L/∂θ as the sum of the terms (summed in term order).
    public var total: Double { terms.reduce(0) { $0 + $1.product } }
}
