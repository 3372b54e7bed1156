/// What a `GradientCheck` found: per parameter tensor, the largest relative error between
/// backpropagation and the central finite difference, beyond the finite difference's own
/// uncertainty, over the checked entries.
public struct GradientCheckResult: Equatable, Sendable {
    public struct Tensor: Equatable, Sendable {
        /// The state-dict name, e.g. `0.weight`.
        public var name: String
        /// [rows, columns] of the parameter's matrix (a bias is [1, outputs]).
        public var shape: [Int]
        /// How many entries were compared.
        public var checkedCount: Int
        /// The largest relative error beyond the finite difference's uncertainty
        /// (`GradientCheck.relativeError(_:_:uncertainty:)`); NaN if a gradient or the cost was
        /// not finite.
        public var maximumRelativeError: Double
        /// The row-major index of the worst entry; nil if nothing was checked.
        public var worstIndex: Int?
        /// Backpropagation's and the finite difference's values at the worst entry.
        public var analytic: Double
        public var numeric: Double
        /// The finite difference's uncertainty u at the worst entry.
        public var uncertainty: Double = 0

        /// The number of entries in the tensor.
        public var count: Int { shape.reduce(1, *) }

        /// Whether the worst error is at most `threshold` (NaN never passes).
        public func passes(threshold: Double) -> Bool { maximumRelativeError <= threshold }
    }

    public var tensors: [Tensor]
    /// The h used.
    public var step: Double

    /// The largest relative error over all tensors (NaN if any is NaN).
    public var maximumRelativeError: Double {
        tensors.reduce(0) { $0.isNaN || $1.maximumRelativeError.isNaN ? .nan : max($0, $1.maximumRelativeError) }
    }

    /// Whether every tensor passes.
    public func passes(threshold: Double) -> Bool { tensors.allSatisfy { $0.passes(threshold: threshold) } }

    /// The tensors above `threshold`.
    public func failures(threshold: Double) -> [Tensor] { tensors.filter { !$0.passes(threshold: threshold) } }
}
