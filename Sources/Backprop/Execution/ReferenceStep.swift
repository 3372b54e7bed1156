/// The training step exactly as the equations read (`TrainingStep`): `Network.computeGradients`
/// (forward layer by layer, the loss, BP1-BP4), the L2 term, then the optimizer on every
/// parameter. Every gradient is stored after each step; set `Trainer.step` to one to read them
/// all (a fast step may leave one unstored).
public final class ReferenceStep<Scalar: NetworkScalar>: TrainingStep {
    public let network: Network<Scalar>
    public let gradientsForUpdate: [(name: String, parameter: Parameter<Scalar>)]

    public init(network: Network<Scalar>) {
        self.network = network
        self.gradientsForUpdate = network.parameters
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func computeGradients(
        in workspace: Workspace<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration
    ) -> Double {
        let cost = network.computeGradients(in: workspace)
        L2Penalty(configuration.l2).addGradient(to: network.parameters)
        return cost
    }

    public func applyUpdate(in workspace: Workspace<Scalar>, optimizer: inout any Optimizer) {
        optimizer.step(gradientsForUpdate)
    }
}
