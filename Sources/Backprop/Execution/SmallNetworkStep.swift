/// The training step of a network on `SmallNetworkPath`: forward, loss and BP1-BP4 in one
/// fused kernel (storing only the logits, not the hidden outputs: all a step reads), then the
/// L2 term and the optimizer on every parameter, as `ReferenceStep` does. A batch the kernel
/// does not take (shapes it was not built for) runs the reference equations instead.
final class SmallNetworkStep<Scalar: NetworkScalar>: TrainingStep {
    let network: Network<Scalar>
    let path: SmallNetworkPath<Scalar>
    let gradientsForUpdate: [(name: String, parameter: Parameter<Scalar>)]

    init(network: Network<Scalar>, path: SmallNetworkPath<Scalar>) {
        self.network = network
        self.path = path
        self.gradientsForUpdate = network.parameters
    }

    @_specialize(where Scalar == Float)
    func computeGradients(
        in workspace: Workspace<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration
    ) -> Double {
        guard let cost = path.run(in: workspace, computeGradients: true, storingHiddenOutputs: false) else {
            return ReferenceStep.computeGradients(of: network, in: workspace, l2: configuration.l2)
        }
        L2Penalty(configuration.l2).addGradient(to: network.parameters)
        return cost
    }
}
