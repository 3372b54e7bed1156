/// One dense layer of a network together with the activation that follows it, the unit the
/// chain-rule notation counts: stage l computes z⁽ˡ⁾ = W⁽ˡ⁾·a⁽ˡ⁻¹⁾ + b⁽ˡ⁾ and
/// a⁽ˡ⁾ = g(z⁽ˡ⁾), with l = 1, 2, … counted over dense layers only (the 3-2-2 worked example's notation).
///
/// Without an activation (the output layer, whose activation is fused into the loss), the
/// stage's value is z⁽ˡ⁾ itself.
struct DenseStage {
    /// 1-based position among the dense layers (the l of w⁽ˡ⁾ⱼᵢ).
    var number: Int
    /// The layer's index in `Network.layers` (the N of the state-dict name `N.weight`).
    var layerIndex: Int
    var dense: Dense<Double>
    /// The activation applied to z⁽ˡ⁾, if any, and its index in `Network.layers`.
    var activation: Activation?
    var activationLayerIndex: Int?

    var inputSize: Int { dense.inputSize }
    var outputSize: Int { dense.outputSize }

    /// Splits `network.layers` into stages: every dense layer followed by at most one
    /// activation. Throws for any other arrangement (an activation first, or two in a row).
    static func stages(of network: Network<Double>) throws(ExplainError) -> [DenseStage] {
        var stages: [DenseStage] = []
        for (index, layer) in network.layers.enumerated() {
            if let dense = layer as? Dense<Double> {
                stages.append(DenseStage(number: stages.count + 1, layerIndex: index, dense: dense))
                continue
            }
            guard case .activation(let function) = layer.kind else {
                throw ExplainError("layer \(index) (\(layer.kind)): only dense layers and activations can be explained")
            }
            guard let last = stages.indices.last, stages[last].activation == nil else {
                throw ExplainError("layer \(index) (\(layer.kind)): the chain-rule trace needs every activation to follow a dense layer, one activation per dense layer")
            }
            stages[last].activation = function
            stages[last].activationLayerIndex = index
        }
        guard !stages.isEmpty else { throw ExplainError("the network has no dense layer") }
        return stages
    }
}
