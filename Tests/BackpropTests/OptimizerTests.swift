import Foundation
import Testing
@testable import Backprop

/// Each optimizer for 1-3 steps on f(θ) = ½θ², ∂f/∂θ = θ, from θ₀ = 1, against updates
/// worked by hand from PyTorch's documented rules.
@Suite struct OptimizerTests {
    /// Runs `steps` updates of `optimizer` on the quadratic and returns θ after each.
    func trajectory(_ optimizer: some Optimizer, steps: Int) -> [Double] {
        var optimizer = optimizer
        let parameter = Parameter<Double>(role: "weight", value: Matrix([[1]]))
        var thetas: [Double] = []
        for _ in 0..<steps {
            parameter.gradient[0, 0] = parameter.value[0, 0]
            optimizer.step([("0.weight", parameter)])
            thetas.append(parameter.value[0, 0])
        }
        return thetas
    }

    func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) <= tolerance, "\(actual) vs \(expected)") }
    }

    /// θ ← θ − 0.1θ: 0.9, 0.81, 0.729.
    @Test func plainSGD() {
        expectClose(trajectory(SGD(learningRate: 0.1), steps: 3), [0.9, 0.81, 0.729])
    }

    /// b₁ = g = 1, θ = 0.9; b₂ = 0.9·1 + 0.9 = 1.8, θ = 0.9 − 0.18 = 0.72.
    @Test func momentum() {
        expectClose(trajectory(SGD(learningRate: 0.1, momentum: 0.9), steps: 2), [0.9, 0.72])
    }

    /// b₁ = 1, g = 1 + 0.9·1 = 1.9, θ = 0.81; b₂ = 0.9 + 0.81 = 1.71, g = 0.81 + 0.9·1.71 = 2.349,
    /// θ = 0.81 − 0.2349 = 0.5751.
    @Test func nesterov() {
        expectClose(trajectory(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), steps: 2), [0.81, 0.5751])
    }

    /// g = θ + 0.5θ = 1.5θ: θ = 1 − 0.15 = 0.85, then 0.85 − 0.1·1.275 = 0.7225.
    @Test func sgdWeightDecay() {
        expectClose(trajectory(SGD(learningRate: 0.1, weightDecay: 0.5), steps: 2), [0.85, 0.7225])
    }

    /// Step 1: m = 0.1, v = 0.001, m̂ = v̂ = 1, θ = 1 − 0.1·1/(1 + 1e-8) = 0.900000001.
    /// Step 2: g = 0.9, m = 0.18, v = 0.001809, m̂ = 0.18/0.19, v̂ = 0.001809/0.001999,
    /// θ = 0.9 − 0.1·0.947368…/0.951290… = 0.80041222971…; step 3 likewise.
    @Test func adamWithBiasCorrection() {
        expectClose(trajectory(Adam(learningRate: 0.1), steps: 3),
                    [0.900000001, 0.8004122297123382, 0.701586274504415])
    }

    /// AdamW first shrinks θ by (1 − 0.1·0.1): 0.99, then the Adam step: 0.890000001.
    @Test func adamW() {
        expectClose(trajectory(Adam.adamW(learningRate: 0.1, weightDecay: 0.1), steps: 2),
                    [0.890000001, 0.7815718569541611])
    }

    /// v = 0.01, θ = 1 − 0.01·1/(0.1 + 1e-8) ≈ 0.9; v = 0.99·0.01 + 0.01·0.81 = 0.018,
    /// θ = 0.9 − 0.01·0.9/√0.018 = 0.83291797…
    @Test func rmsProp() {
        expectClose(trajectory(RMSProp(learningRate: 0.01), steps: 2), [0.9000000099999991, 0.8329179752650593])
    }

    /// The vectorized Float kernel (split over two threads for large tensors) rounds exactly
    /// like the rule written out in Swift, for Adam and AdamW, at every SIMD level.
    @Test(arguments: [false, true])
    func adamKernelMatchesTheRuleBitForBit(decoupled: Bool) {
        let count = 70_001  // above the two-thread threshold, not a multiple of any vector width
        var generator = SeededGenerator(seed: 12)
        let start = (0..<count).map { _ in Float(generator.nextNormal()) }
        let gradients = (0..<3).map { _ in (0..<count).map { _ in Float(generator.nextNormal()) } }
        var adam = decoupled ? Adam.adamW(learningRate: 0.01, weightDecay: 0.1) : Adam(learningRate: 0.01, weightDecay: 0.05)
        let parameter = Parameter<Float>(role: "weight", value: Matrix(rows: 1, columns: count, elements: start))
        let saved = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = saved }
        for g in gradients {
            parameter.gradient.storage = g
            adam.step([("0.weight", parameter)])
        }
        // The rule, element by element, in Float (Swift never fuses multiply-adds).
        var theta = start, m = [Float](repeating: 0, count: count), v = m
        for (t, g) in gradients.enumerated() {
            let step = Double(t + 1)
            let stepSize = Float(0.01 / (1 - pow(0.9, step)))
            let inverseRoot = 1 / Float((1 - pow(0.999, step)).squareRoot())
            let coupled: Float = decoupled ? 0 : 0.05
            let shrink: Float = decoupled ? Float(1 - 0.01 * 0.1) : 1
            for i in 0..<count {
                let gi = g[i] + coupled * theta[i]
                let shrunk = theta[i] * shrink
                m[i] = Float(0.9) * m[i] + (1 - Float(0.9)) * gi
                v[i] = Float(0.999) * v[i] + (1 - Float(0.999)) * gi * gi
                theta[i] = shrunk - stepSize * m[i] / (v[i].squareRoot() * inverseRoot + Float(1e-8))
            }
        }
        #expect(parameter.value.storage == theta)
        #expect(parameter.optimizerSlots[0].storage == m && parameter.optimizerSlots[1].storage == v)
    }

    /// The vectorized Float SGD kernel (split over two threads for large tensors) rounds
    /// exactly like the rule written out in Swift: plain, with momentum and dampening, and
    /// Nesterov, each with weight decay.
    @Test(arguments: [(0.0, 0.0, false), (0.9, 0.1, false), (0.8, 0.0, true)])
    func sgdKernelMatchesTheRuleBitForBit(momentum: Double, dampening: Double, nesterov: Bool) {
        let count = 20_001  // above the two-thread threshold, not a multiple of any vector width
        #expect(SGDKernelJob.parallelRange.contains(count))
        let saved = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = saved }
        var generator = SeededGenerator(seed: 13)
        let start = (0..<count).map { _ in Float(generator.nextNormal()) }
        let gradients = (0..<3).map { _ in (0..<count).map { _ in Float(generator.nextNormal()) } }
        var sgd = SGD(learningRate: 0.05, momentum: momentum, dampening: dampening, nesterov: nesterov, weightDecay: 0.01)
        let parameter = Parameter<Float>(role: "weight", value: Matrix(rows: 1, columns: count, elements: start))
        for g in gradients {
            parameter.gradient.storage = g
            sgd.step([("0.weight", parameter)])
        }
        let (rate, decay, mu, keep) = (Float(0.05), Float(0.01), Float(momentum), 1 - Float(dampening))
        var theta = start, velocity = [Float](repeating: 0, count: count)
        for (t, g) in gradients.enumerated() {
            for i in 0..<count {
                var gi = g[i] + decay * theta[i]
                if mu != 0 {
                    let b = t == 0 ? gi : mu * velocity[i] + keep * gi
                    velocity[i] = b
                    gi = nesterov ? gi + mu * b : b
                }
                theta[i] -= rate * gi
            }
        }
        #expect(parameter.value.storage == theta)
        if momentum != 0 { #expect(parameter.optimizerSlots[0].storage == velocity) }
    }

    /// Float parameters take the same path in single precision.
    @Test func adamInFloat() {
        var adam = Adam(learningRate: 0.1)
        let parameter = Parameter<Float>(role: "weight", value: Matrix([[1]]))
        parameter.gradient[0, 0] = 1
        adam.step([("0.weight", parameter)])
        #expect(abs(parameter.value[0, 0] - 0.9) < 1e-6)
    }

    /// An unknown optimizer name is a configuration error naming the choices.
    @Test func anUnknownOptimizerNameIsAConfigurationError() {
        #expect {
            _ = try OptimizerConfiguration(name: "adagrad", learningRate: 0.1)
        } throws: { error in
            guard case TrainingError.configuration(let message) = error else { return false }
            return message.contains("unknown optimizer 'adagrad'") && message.contains("adamw")
        }
    }
}
