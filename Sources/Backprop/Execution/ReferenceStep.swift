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
        Self.computeGradients(of: network, in: workspace, l2: configuration.l2)
    }

    /// The reference equations' half of a step for `network`: `Network.computeGradients`, then
    /// the L2 term on every weight. The fast steps run it for batches they do not take.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func computeGradients(of network: Network<Scalar>, in workspace: Workspace<Scalar>, l2: Double) -> Double {
        let cost = network.computeGradients(in: workspace)
        L2Penalty(l2).addGradient(to: network.parameters)
        return cost
    }
}
