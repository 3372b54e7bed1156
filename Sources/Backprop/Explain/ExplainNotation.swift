/// How traces write neurons, parameters and partial derivatives, in the 3-2-2 worked example's notation:
/// 1-based indices, layers counted over dense layers, xᵢ = aᵢ⁽⁰⁾ the inputs.
///
/// - `unicode`: ∂L/∂z₁⁽²⁾, w₁₁⁽¹⁾, relu′(z₁⁽¹⁾), factors joined by " · ".
/// - `ascii`: dL/dz1(2), w11(1), relu'(z1(1)), factors joined by " * ".
///
/// When an index reaches 10, the two indices of a weight are separated by a comma
/// (w₁₂,₃⁽¹⁾, w12,3(1)) so that the name reads back unambiguously.
public enum ExplainNotation: String, CaseIterable, Sendable {
    case unicode
    case ascii

    /// The operator between the factors of a product.
    public var times: String { self == .unicode ? " · " : " * " }

    /// ∂numerator/∂denominator.
    public func partial(_ numerator: String, _ denominator: String) -> String {
        self == .unicode ? "∂\(numerator)/∂\(denominator)" : "d\(numerator)/d\(denominator)"
    }

    /// A neuron's value: `letter` z or a with 1-based `index` in dense layer `layer`.
    public func neuron(_ letter: String, _ index: Int, layer: Int) -> String {
        letter + subscripted(String(index)) + layerMark(layer)
    }

    /// The i-th input, xᵢ (1-based).
    public func input(_ index: Int) -> String { "x" + subscripted(String(index)) }

    /// The value a neuron of layer `layer` hands to the next layer: xᵢ for layer 0, aᵢ⁽ˡ⁾
    /// after an activation, zᵢ⁽ˡ⁾ without one.
    public func value(_ index: Int, layer: Int, hasActivation: Bool) -> String {
        layer == 0 ? input(index) : neuron(hasActivation ? "a" : "z", index, layer: layer)
    }

    /// wⱼᵢ⁽ˡ⁾ (1-based j, i).
    public func weight(_ j: Int, _ i: Int, layer: Int) -> String {
        let indices = j >= 10 || i >= 10 ? "\(j),\(i)" : "\(j)\(i)"
        return "w" + subscripted(indices) + layerMark(layer)
    }

    /// bⱼ⁽ˡ⁾ (1-based j).
    public func bias(_ j: Int, layer: Int) -> String { "b" + subscripted(String(j)) + layerMark(layer) }

    /// The name of a parameter in this notation (w₁₁⁽¹⁾ for `0.weight[0,0]`).
    public func name(of parameter: ParameterReference) -> String {
        if let input = parameter.input {
            weight(parameter.neuron + 1, input + 1, layer: parameter.denseLayer)
        } else {
            bias(parameter.neuron + 1, layer: parameter.denseLayer)
        }
    }

    /// g′(argument), e.g. relu′(z₁⁽¹⁾).
    public func derivative(of activation: Activation, at argument: String) -> String {
        activation.rawValue + (self == .unicode ? "′" : "'") + "(\(argument))"
    }

    /// The symbolic name of a factor, as the chain rule writes it (∂z₁⁽²⁾/∂a₁⁽¹⁾).
    public func symbol(of factor: ChainRuleFactor) -> String {
        switch factor.kind {
        case .lossGradient(let neuron, let layer, let ofActivation):
            partial("L", self.neuron(ofActivation ? "a" : "z", neuron + 1, layer: layer))
        case .delta(let neuron, let layer):
            partial("L", self.neuron("z", neuron + 1, layer: layer))
        case .weight(let to, let layer, let from, let fromHasActivation):
            partial(neuron("z", to + 1, layer: layer), value(from + 1, layer: layer - 1, hasActivation: fromHasActivation))
        case .activationSlope(let index, let layer, _):
            partial(neuron("a", index + 1, layer: layer), neuron("z", index + 1, layer: layer))
        case .parameter(let parameter, _):
            partial(neuron("z", parameter.neuron + 1, layer: parameter.denseLayer), name(of: parameter))
        }
    }

    /// What the factor equals, by the layer's equations (w₁₁⁽²⁾, relu′(z₁⁽¹⁾), x₁, 1).
    public func meaning(of factor: ChainRuleFactor) -> String {
        switch factor.kind {
        case .lossGradient, .delta:
            symbol(of: factor)
        case .weight(let to, let layer, let from, _):
            weight(to + 1, from + 1, layer: layer)
        case .activationSlope(let index, let layer, let activation):
            derivative(of: activation, at: neuron("z", index + 1, layer: layer))
        case .parameter(let parameter, let inputHasActivation):
            if let input = parameter.input {
                value(input + 1, layer: parameter.denseLayer - 1, hasActivation: inputHasActivation)
            } else {
                "1"
            }
        }
    }

    func layerMark(_ layer: Int) -> String {
        self == .unicode ? "⁽" + superscripted(String(layer)) + "⁾" : "(\(layer))"
    }

    func subscripted(_ text: String) -> String {
        guard self == .unicode else { return text }
        return String(text.map { character -> Character in
            guard let digit = character.wholeNumberValue else { return character }
            return Array("₀₁₂₃₄₅₆₇₈₉")[digit]
        })
    }

    func superscripted(_ text: String) -> String {
        String(text.map { character -> Character in
            guard let digit = character.wholeNumberValue else { return character }
            return Array("⁰¹²³⁴⁵⁶⁷⁸⁹")[digit]
        })
    }
}
