/// An update rule θ ← θ − (step computed from ∂J/∂θ and the rule's state), applied to every
/// parameter of a network alike: the rule is written once per parameter tensor, never per
/// layer type. Per-parameter state (momenta, moments) lives in `Parameter.optimizerSlots`,
/// in the parameter's own scalar type, so the update runs in the training precision.
public protocol Optimizer: Sendable {
    /// The step size α currently in use (schedules change it between epochs).
    var learningRate: Double { get set }

    /// Number of updates applied so far.
    var stepCount: Int { get set }

    /// Applies one update to every parameter from its `gradient`.
    mutating func step<Scalar: NetworkScalar>(_ parameters: [(name: String, parameter: Parameter<Scalar>)])

    /// A short description with the hyper-parameters, e.g. "SGD(lr=0.5)".
    var description: String { get }

    /// α when the update is exactly θ ← θ − α·∂J/∂θ, rounded as fl(θ − fl(α·g)) (plain SGD:
    /// no momentum, no weight decay); nil for every other rule. The trainer may then fuse
    /// the update into the product that computes a gradient (`FusedFirstLayerUpdate`).
    var plainDescentRate: Double? { get }
}

extension Optimizer {
    public var plainDescentRate: Double? { nil }

    /// Applies `update(index, value, gradient, slots, count)` to every parameter, with the
    /// parameter's slots prepared and passed as pointers.
    @inlinable
    func forEachParameter<Scalar: NetworkScalar>(
        _ parameters: [(name: String, parameter: Parameter<Scalar>)], slots: Int,
        _ update: (UnsafeMutablePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutableBufferPointer<Matrix<Scalar>>, Int, Bool) -> Void
    ) {
        for (_, parameter) in parameters {
            parameter.prepareSlots(slots)
            let count = parameter.count
            let isWeight = parameter.isWeight
            parameter.gradient.storage.withUnsafeBufferPointer { gradient in
                parameter.value.storage.withUnsafeMutableBufferPointer { value in
                    // Without slots, no access to the (empty) slot array.
                    guard slots > 0 else {
                        return update(value.baseAddress!, gradient.baseAddress!, UnsafeMutableBufferPointer(start: nil, count: 0), count, isWeight)
                    }
                    parameter.optimizerSlots.withUnsafeMutableBufferPointer { slotMatrices in
                        update(value.baseAddress!, gradient.baseAddress!, slotMatrices, count, isWeight)
                    }
                }
            }
        }
    }
}
