/// The L2 penalty on weights (not biases), as in the CS229 problem set:
///
///     J_total = J + λ·Σₗ ‖W⁽ˡ⁾‖²,    ∂J_total/∂W⁽ˡ⁾ = ∂J/∂W⁽ˡ⁾ + 2λ·W⁽ˡ⁾,    ∂J_total/∂b⁽ˡ⁾ = ∂J/∂b⁽ˡ⁾
///
/// The reported loss is J, the data term; the penalty enters through its gradient only, added
/// after BP4 has stored ∂J/∂W (`TrainingStep.computeGradients`).
struct L2Penalty {
    /// λ (0: no penalty).
    let strength: Double

    init(_ strength: Double) { self.strength = strength }

    /// ∂J/∂W += 2λW for every weight tensor among `parameters`; nothing when λ is 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addGradient<Scalar: NetworkScalar>(to parameters: [(name: String, parameter: Parameter<Scalar>)]) {
        guard strength != 0 else { return }
        let factor = Scalar(2 * strength)
        for (_, parameter) in parameters where parameter.isWeight {
            Matrix.map(parameter.value, into: &parameter.gradient) { weight, gradient, count in
                for i in 0..<count { gradient[i] += factor * weight[i] }
            }
        }
    }
}
