/// One optimizer update on the batch loaded in a `Workspace`, in two halves:
///
///     computeGradients   Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾·W⁽ˡ⁾ᵀ + b⁽ˡ⁾, A⁽ˡ⁾ = g(Z⁽ˡ⁾)       forward, l = 1 … L
///                        J, δ⁽ᴸ⁾ = ∂J/∂Z⁽ᴸ⁾                               the loss, BP1
///                        δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾·W⁽ˡ⁺¹⁾) ⊙ g′(Z⁽ˡ⁾)                 BP2
///                        ∂J/∂b⁽ˡ⁾ = 1ᵀ·δ⁽ˡ⁾,  ∂J/∂W⁽ˡ⁾ = δ⁽ˡ⁾ᵀ·A⁽ˡ⁻¹⁾      BP3, BP4
///                        + 2λW⁽ˡ⁾                                          the L2 term
///     applyUpdate        θ ← the optimizer's rule applied to θ and ∂J/∂θ
///
/// Between the halves the `Trainer` checks that the loss and the gradients are finite and
/// counts correct predictions; a data-parallel step would sum the gradients across processes
/// there (inside its own `computeGradients`), and a single-stepping view can read every
/// gradient before the update.
///
/// `ReferenceStep` is the equations as written, layer by layer. The fast steps give the same
/// parameters: the fused first-layer SGD update bit for bit, the small-network kernel to
/// `Float` rounding (it sums each gradient in another, fixed order; the same bits from run to
/// run); `StepPlanner.plan(for:)` chooses one from the network, and each decides per batch
/// whether the optimizer and configuration let it take its shortcut (otherwise it runs the
/// reference equations itself). A trainer runs whichever step it is given (`Trainer.step`).
public protocol TrainingStep<Scalar>: AnyObject {
    associatedtype Scalar: NetworkScalar

    /// The network whose parameters the step updates.
    var network: Network<Scalar> { get }

    /// Forward, loss and backward over the batch in `workspace`; returns J (without the L2
    /// term). Afterwards every parameter in `gradientsForUpdate` holds ∂J/∂θ (with 2λW added
    /// to weights when `configuration.l2` is not 0), and `workspace.outputs[L − 1]` holds the
    /// logits Z⁽ᴸ⁾. `optimizer` is the rule `applyUpdate` will run, for steps that fuse it.
    @discardableResult
    func computeGradients(
        in workspace: Workspace<Scalar>, optimizer: any Optimizer, configuration: TrainingConfiguration
    ) -> Double

    /// The parameters whose gradients the last `computeGradients` stored, in state-dict order:
    /// every parameter of the network, except one whose update the step fuses into the product
    /// that computes its gradient (that gradient is then never stored).
    var gradientsForUpdate: [(name: String, parameter: Parameter<Scalar>)] { get }

    /// Updates every parameter from the last `computeGradients`: `optimizer.step` on
    /// `gradientsForUpdate`, then any update the step fused.
    func applyUpdate(in workspace: Workspace<Scalar>, optimizer: inout any Optimizer)
}

extension TrainingStep {
    /// The optimizer's rule on `gradientsForUpdate`, for steps that fuse no update.
    public func applyUpdate(in workspace: Workspace<Scalar>, optimizer: inout any Optimizer) {
        optimizer.step(gradientsForUpdate)
    }
}
