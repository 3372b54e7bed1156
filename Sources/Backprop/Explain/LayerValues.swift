/// One dense layer's neurons on one example: zⱼ⁽ˡ⁾, aⱼ⁽ˡ⁾ = g(zⱼ⁽ˡ⁾) and the
/// backpropagated ∂L/∂zⱼ⁽ˡ⁾ (δ⁽ˡ⁾, BP1/BP2 written out neuron by neuron).
public struct LayerValues: Equatable, Sendable {
    /// 1-based dense-layer number l.
    public var number: Int
    /// The dense layer's index in `Network.layers`.
    public var layerIndex: Int
    /// The activation after the dense layer; nil for the output layer (fused into the loss).
    public var activation: Activation?
    public var z: [Double]
    /// g(z), or z itself without an activation.
    public var a: [Double]
    /// ∂L/∂zⱼ⁽ˡ⁾ = g′(zⱼ⁽ˡ⁾) · Σₖ wₖⱼ⁽ˡ⁺¹⁾ · ∂L/∂zₖ⁽ˡ⁺¹⁾ (BP2), or from the loss (BP1).
    public var delta: [Double]
}
