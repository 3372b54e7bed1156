/// One scalar parameter of a network, named two ways:
///
/// - by its PyTorch state-dict tensor and 0-based index: `0.weight[0,0]`, `0.bias[1]`
///   (W is outputs x inputs, so `[j, i]` is the weight from input i into neuron j);
/// - in the 3-2-2 worked example's notation, 1-based and with l counted over dense layers only:
///   w⁽ˡ⁾ⱼᵢ is the weight from neuron i of layer l − 1 to neuron j of layer l, b⁽ˡ⁾ⱼ the bias
///   of neuron j. So `w11(1)` = `0.weight[0,0]`, `w21(2)` = `2.weight[1,0]`,
///   `b2(1)` = `0.bias[1]`.
///
/// `init(parsing:in:)` accepts `0.weight[0,0]`, `0.weight[0][0]`, `0.bias[1]`, `w11(1)`,
/// `w_11^(1)`, `w_{1,1}^{(1)}`, `w₁₁⁽¹⁾`, `b2(2)`, `b_2^(2)`. Indices of 10 or more need a
/// comma between j and i (`w12,3(1)`) unless only one split fits the layer's shape.
public struct ParameterReference: Hashable, Sendable, CustomStringConvertible {
    public enum Role: String, Sendable { case weight, bias }

    /// The dense layer's index in `Network.layers` (the N of `N.weight`).
    public var layerIndex: Int
    /// The dense layer's 1-based number among dense layers (the l of w⁽ˡ⁾ⱼᵢ).
    public var denseLayer: Int
    public var role: Role
    /// 0-based neuron j of layer l (the row of W, the element of b).
    public var neuron: Int
    /// 0-based input i (the column of W); nil for a bias.
    public var input: Int?

    public init(layerIndex: Int, denseLayer: Int, role: Role, neuron: Int, input: Int?) {
        self.layerIndex = layerIndex
        self.denseLayer = denseLayer
        self.role = role
        self.neuron = neuron
        self.input = input
    }

    /// The tensor's state-dict name, e.g. `0.weight`.
    public var tensorName: String { "\(layerIndex).\(role.rawValue)" }

    /// `0.weight[0,0]` or `0.bias[1]`.
    public var description: String {
        if let input { "\(tensorName)[\(neuron),\(input)]" } else { "\(tensorName)[\(neuron)]" }
    }

    /// The (row, column) of this scalar in its `Parameter`'s matrix (a bias is 1 x outputs).
    public var matrixPosition: (row: Int, column: Int) {
        if let input { (neuron, input) } else { (0, neuron) }
    }

    /// Every scalar parameter of `network` in state-dict order (tensor by tensor, row-major).
    public static func all<Scalar: NetworkScalar>(in network: Network<Scalar>) -> [ParameterReference] {
        var references: [ParameterReference] = []
        for layer in denseLayers(of: network) {
            for j in 0..<layer.outputs {
                for i in 0..<layer.inputs {
                    references.append(ParameterReference(
                        layerIndex: layer.layerIndex, denseLayer: layer.number, role: .weight, neuron: j, input: i))
                }
            }
            if layer.hasBias {
                for j in 0..<layer.outputs {
                    references.append(ParameterReference(
                        layerIndex: layer.layerIndex, denseLayer: layer.number, role: .bias, neuron: j, input: nil))
                }
            }
        }
        return references
    }

    /// Parses a parameter name in either notation and checks it against `network`'s shape.
    /// The error lists the valid names and index ranges.
    public init<Scalar: NetworkScalar>(parsing text: String, in network: Network<Scalar>) throws(ExplainError) {
        let denseLayers = Self.denseLayers(of: network)
        let normalized = Self.normalize(text)
        let parsed: (layer: DenseLayerShape, role: Role, neuron: Int, input: Int?)?
        if let first = normalized.first, first.isNumber {
            parsed = try Self.parseStateDict(normalized, text: text, layers: denseLayers)
        } else {
            parsed = try Self.parseSeedNotation(normalized, text: text, layers: denseLayers)
        }
        guard let parsed else {
            throw ExplainError("cannot read parameter '\(text)': write N.weight[j,i], N.bias[j], w<j><i>(<l>) or b<j>(<l>); \(Self.validNames(denseLayers))")
        }
        self.init(layerIndex: parsed.layer.layerIndex, denseLayer: parsed.layer.number, role: parsed.role,
                  neuron: parsed.neuron, input: parsed.input)
    }

    // MARK: - Parsing

    struct DenseLayerShape {
        var number: Int
        var layerIndex: Int
        var inputs: Int
        var outputs: Int
        var hasBias: Bool
    }

    static func denseLayers<Scalar: NetworkScalar>(of network: Network<Scalar>) -> [DenseLayerShape] {
        var shapes: [DenseLayerShape] = []
        for (index, layer) in network.layers.enumerated() {
            if case .dense(let inputs, let outputs, let hasBias) = layer.kind {
                shapes.append(DenseLayerShape(number: shapes.count + 1, layerIndex: index, inputs: inputs, outputs: outputs, hasBias: hasBias))
            }
        }
        return shapes
    }

    /// "valid: 0.weight[j,i] j 0...1, i 0...2 = w_ji^(1) j 1...2, i 1...3; 0.bias[j] …"
    static func validNames(_ layers: [DenseLayerShape]) -> String {
        var parts: [String] = []
        for layer in layers {
            parts.append("\(layer.layerIndex).weight[j,i] j 0...\(layer.outputs - 1), i 0...\(layer.inputs - 1) (= w_ji^(\(layer.number)) j 1...\(layer.outputs), i 1...\(layer.inputs))")
            if layer.hasBias {
                parts.append("\(layer.layerIndex).bias[j] j 0...\(layer.outputs - 1) (= b_j^(\(layer.number)) j 1...\(layer.outputs))")
            }
        }
        return "valid parameters: " + parts.joined(separator: "; ")
    }

    /// Maps sub- and superscript digits and parentheses to ASCII and drops whitespace and
    /// the TeX decorations `_`, `^`, `{`, `}`.
    static func normalize(_ text: String) -> String {
        let subscripts = Array("₀₁₂₃₄₅₆₇₈₉"), superscripts = Array("⁰¹²³⁴⁵⁶⁷⁸⁹")
        var result = ""
        for character in text {
            if let digit = subscripts.firstIndex(of: character) ?? superscripts.firstIndex(of: character) {
                result.append(Character(String(digit)))
            } else if character == "⁽" || character == "₍" {
                result.append("(")
            } else if character == "⁾" || character == "₎" {
                result.append(")")
            } else if character.isWhitespace || "_^{}".contains(character) {
                continue
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `N.weight[j,i]`, `N.weight[j][i]`, `N.bias[j]` (0-based).
    static func parseStateDict(
        _ text: String, text original: String, layers: [DenseLayerShape]
    ) throws(ExplainError) -> (layer: DenseLayerShape, role: Role, neuron: Int, input: Int?)? {
        guard let dot = text.firstIndex(of: "."), let bracket = text.firstIndex(of: "["), text.last == "]",
              let layerIndex = Int(text[..<dot]) else { return nil }
        guard let role = Role(rawValue: String(text[text.index(after: dot)..<bracket])) else { return nil }
        let indexText = text[text.index(after: bracket)..<text.index(before: text.endIndex)]
            .replacingOccurrences(of: "][", with: ",")
        let indices = indexText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard indices.allSatisfy({ $0 != nil }) else { return nil }
        guard let layer = layers.first(where: { $0.layerIndex == layerIndex }) else {
            throw ExplainError("no dense layer at index \(layerIndex) in '\(original)'; \(validNames(layers))")
        }
        switch role {
        case .weight:
            guard indices.count == 2 else { return nil }
            let (j, i) = (indices[0]!, indices[1]!)
            guard (0..<layer.outputs).contains(j), (0..<layer.inputs).contains(i) else {
                throw ExplainError("'\(original)' is out of range: \(layerIndex).weight is \(layer.outputs)x\(layer.inputs), so j 0...\(layer.outputs - 1), i 0...\(layer.inputs - 1); \(validNames(layers))")
            }
            return (layer, .weight, j, i)
        case .bias:
            guard indices.count == 1 else { return nil }
            guard layer.hasBias else {
                throw ExplainError("layer \(layerIndex) has no bias ('\(original)'); \(validNames(layers))")
            }
            let j = indices[0]!
            guard (0..<layer.outputs).contains(j) else {
                throw ExplainError("'\(original)' is out of range: \(layerIndex).bias has \(layer.outputs) elements, so j 0...\(layer.outputs - 1); \(validNames(layers))")
            }
            return (layer, .bias, j, nil)
        }
    }

    /// `w11(1)`, `w1,1(1)`, `b2(2)` after normalization (1-based, l over dense layers).
    static func parseSeedNotation(
        _ text: String, text original: String, layers: [DenseLayerShape]
    ) throws(ExplainError) -> (layer: DenseLayerShape, role: Role, neuron: Int, input: Int?)? {
        guard let letter = text.first?.lowercased(), letter == "w" || letter == "b",
              let open = text.firstIndex(of: "("), text.last == ")",
              let number = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]) else { return nil }
        let indexText = String(text[text.index(after: text.startIndex)..<open])
        guard !indexText.isEmpty, indexText.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ",") }) else { return nil }
        guard let layer = layers.first(where: { $0.number == number }) else {
            throw ExplainError("'\(original)': the network has dense layers 1...\(layers.count), not \(number); \(validNames(layers))")
        }
        if letter == "b" {
            guard let j = Int(indexText) else { return nil }
            guard layer.hasBias else {
                throw ExplainError("dense layer \(number) has no bias ('\(original)'); \(validNames(layers))")
            }
            guard (1...layer.outputs).contains(j) else {
                throw ExplainError("'\(original)' is out of range: layer \(number) has neurons j 1...\(layer.outputs); \(validNames(layers))")
            }
            return (layer, .bias, j - 1, nil)
        }
        let range = "layer \(number) has j 1...\(layer.outputs) (neurons) and i 1...\(layer.inputs) (inputs)"
        let fits = { (j: Int, i: Int) in (1...layer.outputs).contains(j) && (1...layer.inputs).contains(i) }
        let pair: (Int, Int)
        if indexText.contains(",") {
            let parts = indexText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let j = parts[0], let i = parts[1] else { return nil }
            pair = (j, i)
        } else {
            // Without a comma, take every split of the digits that fits the layer's shape.
            let digits = Array(indexText)
            guard digits.count >= 2 else {
                throw ExplainError("'\(original)' needs two indices, w_ji^(l); \(validNames(layers))")
            }
            let splits = (1..<digits.count).compactMap { cut -> (Int, Int)? in
                guard let j = Int(String(digits[..<cut])), let i = Int(String(digits[cut...])) else { return nil }
                return (j, i)
            }
            let fitting = splits.filter { fits($0.0, $0.1) }
            if fitting.count == 1 {
                pair = fitting[0]
            } else if fitting.count > 1 {
                throw ExplainError("'\(original)' is ambiguous (\(fitting.map { "j=\($0.0), i=\($0.1)" }.joined(separator: " or "))): separate j and i with a comma, e.g. w\(fitting[0].0),\(fitting[0].1)(\(number))")
            } else {
                pair = digits.count == 2 ? splits[0] : (0, 0)
            }
        }
        guard fits(pair.0, pair.1) else {
            throw ExplainError("'\(original)' is out of range: \(range); \(validNames(layers))")
        }
        return (layer, .weight, pair.0 - 1, pair.1 - 1)
    }
}
