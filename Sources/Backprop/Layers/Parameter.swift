/// A trainable tensor and the gradient of the cost with respect to it.
///
/// Parameters are reference objects so that an optimizer, a gradient check or a
/// serializer can walk `Network.parameters` and update values in place, without copying
/// the layer that owns them. `gradient` always has the shape of `value` and holds ∂J/∂θ
/// for the last backward pass, J the cost averaged over the batch.
///
/// The three tensors are `@exclusivity(unchecked)` (SE-0176): every training step takes a
/// pointer to each of them, and the run-time check of a class property's exclusive access
/// would cost more than the update of a small tensor (the 2-3-1 classifier's network: ~1100 instructions
/// per parameter and step). Overlapping accesses to one tensor, e.g. reading `value` inside
/// `value.storage.withUnsafeMutableBufferPointer`, are then the caller's error rather than a
/// trap, as they are for a struct held in a local.
public final class Parameter<Scalar: NetworkScalar> {
    /// The tensor's role inside its layer: `"weight"` or `"bias"`.
    public let role: String
    /// The current value. A weight is outputs x inputs; a bias is 1 x outputs.
    @exclusivity(unchecked) public var value: Matrix<Scalar>
    /// ∂J/∂θ from the last backward pass, same shape as `value`. (A `Trainer` step that fuses
    /// plain SGD into the first layer's weight-gradient product does not store that one
    /// gradient, which keeps what an earlier step left: `Trainer.fusesFirstLayerUpdate`.)
    @exclusivity(unchecked) public var gradient: Matrix<Scalar>
    /// The optimizer's per-parameter state (momentum buffer, Adam's moments, …), each slot
    /// shaped like `value`; created by the optimizer on its first step.
    @exclusivity(unchecked) public var optimizerSlots: [Matrix<Scalar>] = []

    public init(role: String, value: Matrix<Scalar>) {
        self.role = role
        self.value = value
        self.gradient = Matrix(rows: value.rows, columns: value.columns)
    }

    /// Whether an L2 penalty or weight decay applies (weights only, never biases).
    public var isWeight: Bool { role == "weight" }

    /// Makes sure `count` zero-filled optimizer slots exist.
    public func prepareSlots(_ count: Int) {
        if optimizerSlots.count != count {
            optimizerSlots = Array(repeating: Matrix(rows: value.rows, columns: value.columns), count: count)
        }
    }

    /// The shape as PyTorch's state dict stores it: [outputs, inputs] for a weight,
    /// [outputs] for a bias (kept here as a 1 x outputs row).
    public var tensorShape: [Int] {
        isWeight ? value.shape : [value.columns]
    }

    /// The number of scalars in the tensor.
    public var count: Int { value.storage.count }
}
