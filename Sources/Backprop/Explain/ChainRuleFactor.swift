/// One local derivative on a path from a parameter θ to the loss L, with its value at the
/// example. Along a path, the 3-2-2 worked example writes the factors from the loss down to θ:
/// ∂L/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂a₁⁽¹⁾ · ∂a₁⁽¹⁾/∂z₁⁽¹⁾ · ∂z₁⁽¹⁾/∂w₁₁⁽¹⁾ = −0.985 · 0.2 · 1 · 4.
///
/// Neuron indices are 0-based here; layers are 1-based dense-layer numbers. `ExplainNotation`
/// turns a factor into its symbol and its meaning.
public struct ChainRuleFactor: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// ∂L/∂zⱼ⁽ᴸ⁾ from the loss (∂L/∂aⱼ⁽ᴸ⁾ when an activation follows the last dense layer).
        case lossGradient(neuron: Int, layer: Int, ofActivation: Bool)
        /// ∂L/∂zⱼ⁽ˡ⁾ as backpropagated from the layers above: itself the sum over every path
        /// from zⱼ⁽ˡ⁾ to L (the grouped form for wide networks).
        case delta(neuron: Int, layer: Int)
        /// ∂zₖ⁽ˡ⁾/∂aⱼ⁽ˡ⁻¹⁾ = wₖⱼ⁽ˡ⁾; `fromHasActivation` says whether layer l − 1 ends in an
        /// activation (a) or hands on z itself.
        case weight(to: Int, layer: Int, from: Int, fromHasActivation: Bool)
        /// ∂aⱼ⁽ˡ⁾/∂zⱼ⁽ˡ⁾ = g′(zⱼ⁽ˡ⁾).
        case activationSlope(neuron: Int, layer: Int, activation: Activation)
        /// ∂zⱼ⁽ˡ⁾/∂θ: aᵢ⁽ˡ⁻¹⁾ (xᵢ in layer 1) for θ = wⱼᵢ⁽ˡ⁾, 1 for θ = bⱼ⁽ˡ⁾.
        case parameter(ParameterReference, inputHasActivation: Bool)
    }

    public var kind: Kind
    public var value: Double

    public init(kind: Kind, value: Double) {
        self.kind = kind
        self.value = value
    }
}
