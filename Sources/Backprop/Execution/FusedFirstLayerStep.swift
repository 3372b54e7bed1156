/// The training step with plain SGD's update of the first layer's weights fused into BP4
/// (`FusedFirstLayerUpdate`): forward and backward down to layer 1, layer 0's bias gradient,
/// then the optimizer on every other parameter and W⁽¹⁾ ← W⁽¹⁾ − α·δ⁽¹⁾ᵀ·X in one product.
///
/// Each batch fuses only when the backend is the native one, the optimizer is plain SGD with
/// α ≠ 0, there is no L2 term, the product sums in one accumulator and G = δ⁽¹⁾ᵀ·X is provably
/// finite (`FusedFirstLayerUpdate.learningRate`, `.backward`); any other batch runs the
/// reference equations. On a fused batch the first layer's weight gradient is not stored.
final class FusedFirstLayerStep<Scalar: NetworkScalar>: TrainingStep {
    let network: Network<Scalar>
    let fused: FusedFirstLayerUpdate<Scalar>
    /// Every parameter (a batch that does not fuse), or all but the first weight.
    private(set) var gradientsForUpdate: [(name: String, parameter: Parameter<Scalar>)]
    /// α of the batch whose gradients were last computed, when it fuses; nil otherwise.
    private var fusedRate: Double?

    init(network: Network<Scalar>, fused: FusedFirstLayerUpdate<Scalar>) {
        self.network = network
        self.fused = fused
        self.gradientsForUpdate = network.parameters
    }

    @_specialize(where Scalar == Float)
    func computeGradients(
        in workspace: Workspace<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration
    ) -> Double {
        guard let rate = fused.learningRate(rows: workspace.batchSize, optimizer: optimizer, configuration: configuration) else {
            fusedRate = nil
            gradientsForUpdate = network.parameters
            return ReferenceStep.computeGradients(of: network, in: workspace, l2: configuration.l2)
        }
        let cost = network.forward(in: workspace)
        network.backward(in: workspace, downTo: 1)
        fusedRate = fused.backward(in: workspace) ? rate : nil
        gradientsForUpdate = fusedRate == nil ? network.parameters : fused.otherParameters
        return cost
    }

    @_specialize(where Scalar == Float)
    func applyUpdate(in workspace: Workspace<Scalar>, optimizer: inout any Optimizer) {
        optimizer.step(gradientsForUpdate)
        if let fusedRate { fused.update(in: workspace, learningRate: fusedRate) }
    }
}
