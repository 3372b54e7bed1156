import Testing
@testable import Backprop

/// Central finite differences in Double against backpropagation, for every layer kind,
/// activation and loss. ∂J/∂θ ≈ (J(θ + h) − J(θ − h)) / 2h has truncation error O(h²) ≈ 1e-10
/// at h = 1e-5 and rounding error ≈ 1e-16 / h ≈ 1e-11, so a relative error above 1e-6 means
/// a wrong derivative, not noise. ReLU inputs are kept away from the kink at 0.
@Suite struct FiniteDifferenceTests {
    static let step = 1e-5
    static let threshold = 1e-6

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var sizes: [Int]
        var activation: Activation
        var loss: LossFunction
        var hiddenBias = true
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "sigmoid + softmax-CE", sizes: [4, 5, 3], activation: .sigmoid, loss: .softmaxCrossEntropy),
        Case(name: "tanh + softmax-CE, 2 hidden", sizes: [3, 4, 4, 3], activation: .tanh, loss: .softmaxCrossEntropy),
        Case(name: "relu + softmax-CE", sizes: [4, 6, 3], activation: .relu, loss: .softmaxCrossEntropy),
        Case(name: "identity + mse", sizes: [3, 2, 2], activation: .identity, loss: .meanSquaredError),
        Case(name: "relu + mse (seed 002 shape)", sizes: [3, 2, 2], activation: .relu, loss: .meanSquaredError),
        Case(name: "tanh + mse", sizes: [2, 5, 3], activation: .tanh, loss: .meanSquaredError),
        Case(name: "relu + BCE, no hidden bias (seed 001 shape)", sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy, hiddenBias: false),
        Case(name: "sigmoid + BCE, 2 outputs", sizes: [3, 4, 2], activation: .sigmoid, loss: .binaryCrossEntropy),
    ]

    @Test(arguments: cases)
    func backpropMatchesFiniteDifferences(_ testCase: Case) throws {
        let network = try Network<Double>(
            sizes: testCase.sizes, activation: testCase.activation, loss: testCase.loss,
            initializer: .normalWithBias, seed: 7, hiddenBias: testCase.hiddenBias)
        let (inputs, targets) = GradientCheck.randomBatch(for: network, rows: 5, seed: 11)
        let workspace = Workspace(network: network, batchSize: 5)
        workspace.load(inputs: inputs, targets: targets)
        for (name, worst) in finiteDifferenceErrors(network, workspace: workspace, step: Self.step) {
            #expect(worst < Self.threshold, "\(testCase.name): \(name) relative error \(worst)")
        }
    }

    /// The input gradient each layer passes down (BP2) against finite differences of the
    /// inputs, which checks the first layer's ∂J/∂A path too.
    @Test(arguments: [Activation.sigmoid, .tanh, .relu, .identity])
    func inputGradientOfEveryActivation(_ activation: Activation) throws {
        let layer: any Layer<Double> = activation.makeLayer()
        var generator = SeededGenerator(seed: 3)
        // Away from ReLU's kink: |z| ≥ 0.1.
        let z = Matrix<Double>(rows: 3, columns: 4, elements: (0..<12).map { _ in
            let value = generator.nextNormal()
            return value.sign == .minus ? value - 0.1 : value + 0.1
        })
        let weights = Matrix<Double>(rows: 3, columns: 4, elements: (0..<12).map { _ in generator.nextNormal() })
        // J = Σ weights ⊙ g(Z), so ∂J/∂A = weights.
        func cost(_ input: Matrix<Double>) -> Double {
            var output = Matrix<Double>(rows: 3, columns: 4)
            layer.forward(input, into: &output)
            return zip(output.storage, weights.storage).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var output = Matrix<Double>(rows: 3, columns: 4)
        layer.forward(z, into: &output)
        var inputGradient = Matrix<Double>(rows: 3, columns: 4)
        layer.backward(input: z, output: output, outputGradient: weights, inputGradient: &inputGradient, computeInputGradient: true)
        for i in z.storage.indices {
            var plus = z, minus = z
            plus.storage[i] += Self.step
            minus.storage[i] -= Self.step
            let numeric = (cost(plus) - cost(minus)) / (2 * Self.step)
            let error = abs(numeric - inputGradient.storage[i]) / max(abs(numeric) + abs(inputGradient.storage[i]), 1e-8)
            #expect(error < Self.threshold, "\(activation) element \(i): \(numeric) vs \(inputGradient.storage[i])")
        }
    }
}
