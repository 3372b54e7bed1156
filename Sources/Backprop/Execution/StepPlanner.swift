/// Chooses the `TrainingStep` for a network, once, when a `Trainer` is made.
///
/// 1. `SmallNetworkStep` when every layer is narrow enough for the fused small-network kernel
///    (`SmallNetworkPath`: `Float`, at most 12 units wide);
/// 2. else `FusedFirstLayerStep` when the first layer's SGD update can be fused into BP4
///    (`FusedFirstLayerUpdate`: `Float`, a dense first layer with its own weight);
/// 3. else `ReferenceStep`.
///
/// The fused first-layer step gives the reference step's parameters bit for bit, the
/// small-network step to `Float` rounding (another fixed summation order); the fast ones
/// decide per batch whether the optimizer, the configuration and the backend let them take
/// their shortcut.
public enum StepPlanner {
    /// The fastest step that fits `network`.
    public static func plan<Scalar: NetworkScalar>(for network: Network<Scalar>) -> any TrainingStep<Scalar> {
        if let path = SmallNetworkPath(network: network) {
            return SmallNetworkStep(network: network, path: path)
        }
        if let fused = FusedFirstLayerUpdate(network: network) {
            return FusedFirstLayerStep(network: network, fused: fused)
        }
        return ReferenceStep(network: network)
    }
}
