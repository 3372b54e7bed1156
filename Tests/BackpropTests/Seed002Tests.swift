import Testing
@testable import Backprop

/// Seed 002 ("Every Gradient in Your Neural Network Is Just the Chain Rule"): a 3-2-2 ReLU
/// regression network, one example x = (4, 7, 0.85), y = (0.9, 0.8), loss ‖ŷ − y‖² averaged
/// over the set, every value worked by hand in the seed. All numbers below are the seed's.
@Suite struct Seed002Tests {
    /// The seed's hand-picked parameters; W⁽ˡ⁾ row j = weights into neuron j.
    static func network<Scalar: NetworkScalar>(_ scalar: Scalar.Type = Double.self) throws -> Network<Scalar> {
        let hidden = Dense<Scalar>(weight: Matrix([[0.1, 0.2, -0.1], [-0.2, 0.1, 0.3]]), bias: [0.1, -0.1])
        let output = Dense<Scalar>(weight: Matrix([[0.2, -0.1], [0.1, 0.2]]), bias: [0.05, 0.1])
        return try Network(inputSize: 3, layers: [hidden, ReLU(), output], loss: .meanSquaredError)
    }
    static func input<Scalar: NetworkScalar>(_ scalar: Scalar.Type = Double.self) -> Matrix<Scalar> { Matrix([[4, 7, 0.85]]) }
    static func target<Scalar: NetworkScalar>(_ scalar: Scalar.Type = Double.self) -> Matrix<Scalar> { Matrix([[0.9, 0.8]]) }
    /// Hand arithmetic in the seed is exact to the digits printed; Double rounding adds ~1e-16.
    static let tolerance = 1e-12

    func gradients() throws -> (Network<Double>, Workspace<Double>, Double) {
        let network = try Self.network()
        let workspace = Workspace(network: network, batchSize: 1)
        workspace.load(inputs: Self.input(), targets: Self.target())
        let loss = network.computeGradients(in: workspace)
        return (network, workspace, loss)
    }

    @Test func forwardValuesAndLoss() throws {
        let (_, workspace, loss) = try gradients()
        let z1 = workspace.outputs[0], a1 = workspace.outputs[1], z2 = workspace.outputs[2]
        #expect(abs(z1[0, 0] - 1.815) < Self.tolerance)
        #expect(abs(z1[0, 1] - 0.055) < Self.tolerance)
        #expect(abs(a1[0, 0] - 1.815) < Self.tolerance)
        #expect(abs(a1[0, 1] - 0.055) < Self.tolerance)
        #expect(abs(z2[0, 0] - 0.4075) < Self.tolerance)
        #expect(abs(z2[0, 1] - 0.2925) < Self.tolerance)
        #expect(abs(loss - 0.5001125) < Self.tolerance)
        // ∂L/∂z⁽²⁾ = 2/N (z⁽²⁾ − y)
        #expect(abs(workspace.gradients[2][0, 0] - -0.985) < Self.tolerance)
        #expect(abs(workspace.gradients[2][0, 1] - -1.015) < Self.tolerance)
    }

    @Test func everyPartialDerivativeInTheSeedsTables() throws {
        let (network, _, _) = try gradients()
        let expected: [(String, Int, Int, Double)] = [
            // Second layer: ∂L/∂w⁽²⁾ⱼᵢ = ∂L/∂zⱼ⁽²⁾ · aᵢ⁽¹⁾, ∂L/∂bⱼ⁽²⁾ = ∂L/∂zⱼ⁽²⁾
            ("2.weight", 0, 0, -1.787775), ("2.weight", 0, 1, -0.054175),
            ("2.weight", 1, 0, -1.842225), ("2.weight", 1, 1, -0.055825),
            ("2.bias", 0, 0, -0.985), ("2.bias", 0, 1, -1.015),
            // First layer: sums over both paths through z⁽²⁾₁ and z⁽²⁾₂
            ("0.weight", 0, 0, -1.194), ("0.weight", 0, 1, -2.0895), ("0.weight", 0, 2, -0.253725),
            ("0.weight", 1, 0, -0.418), ("0.weight", 1, 1, -0.7315), ("0.weight", 1, 2, -0.088825),
            ("0.bias", 0, 0, -0.2985), ("0.bias", 0, 1, -0.1045),
        ]
        for (name, row, column, value) in expected {
            let gradient = try #require(network.parameter(named: name)).gradient[row, column]
            #expect(abs(gradient - value) < Self.tolerance, "∂L/∂\(name)[\(row),\(column)] = \(gradient), seed says \(value)")
        }
    }

    @Test func oneSGDStepMatchesTheSeedAndLowersTheLoss() throws {
        let (network, workspace, before) = try gradients()
        var sgd = SGD(learningRate: 0.01)
        sgd.step(network.parameters)
        // w⁽²⁾₁₁ ← 0.2 − 0.01 · (−1.787775) = 0.21787775
        let w11 = try #require(network.parameter(named: "2.weight")).value[0, 0]
        #expect(abs(w11 - 0.21787775) < Self.tolerance)
        let after = network.forward(in: workspace)
        #expect(after < before)
    }
}
