import Testing
@testable import Backprop

/// Seed 001 ("An Exercise in Backpropagation"): f(x) = σ(max(0, x·W1)·W2 + b) with
/// W1 ∈ ℝ^{2×3}, W2 ∈ ℝ^{3×1}, b ∈ ℝ¹, no hidden bias, binary cross-entropy averaged over N.
/// Backprop stores each W transposed (outputs x inputs), as PyTorch's nn.Linear does.
@Suite struct Seed001Tests {
    static func network(seed: UInt64 = 1) throws -> Network<Double> {
        try Network(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy,
                    initializer: .glorot, seed: seed, hiddenBias: false)
    }

    @Test func parameterShapesAreTheSeeds() throws {
        let network = try Self.network()
        #expect(network.parameters.map(\.name) == ["0.weight", "2.weight", "2.bias"])
        #expect(network.parameter(named: "0.weight")?.value.shape == [3, 2])  // W1ᵀ
        #expect(network.parameter(named: "2.weight")?.value.shape == [1, 3])  // W2ᵀ
        #expect(network.parameter(named: "2.bias")?.value.shape == [1, 1])    // scalar b
        #expect(network.parameterCount == 6 + 3 + 1)
    }

    /// The seed's gradients, written out: with p = σ(z), ∂ℓ/∂z = (p − y)/N,
    /// ∂ℓ/∂W2 = hᵀ·∂ℓ/∂z, ∂ℓ/∂b = 1ᵀ·∂ℓ/∂z, ∂ℓ/∂W1 = xᵀ·((∂ℓ/∂z·W2ᵀ) ⊙ 1[xW1 > 0]).
    @Test func gradientsMatchTheSeedsFormulas() throws {
        let network = try Self.network(seed: 5)
        let x = Matrix<Double>([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.3, 0.3]])
        let y = Matrix<Double>([[1], [0], [1], [0]])
        let workspace = Workspace(network: network, batchSize: 4)
        workspace.load(inputs: x, targets: y)
        network.computeGradients(in: workspace)

        let w1 = network.parameter(named: "0.weight")!.value.transposed  // 2 x 3, the seed's W1
        let w2 = network.parameter(named: "2.weight")!.value.transposed  // 3 x 1, the seed's W2
        let b = network.parameter(named: "2.bias")!.value[0, 0]
        let n = Double(x.rows)
        let xw1 = Matrix.product(x, w1)
        let h = Matrix(rows: 4, columns: 3, elements: xw1.storage.map { max(0, $0) })
        let z = Matrix.product(h, w2).storage.map { $0 + b }
        let dz = Matrix(rows: 4, columns: 1, elements: zip(z, y.storage).map { (Double.sigmoid($0) - $1) / n })
        let dW2 = Matrix.product(h, dz, transposeA: true)
        let dB = dz.storage.reduce(0, +)
        let dH = Matrix.product(dz, w2, transposeB: true)
        let dXW1 = Matrix(rows: 4, columns: 3, elements: zip(dH.storage, xw1.storage).map { $1 > 0 ? $0 : 0 })
        let dW1 = Matrix.product(x, dXW1, transposeA: true)

        func close(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Bool {
            a.shape == b.shape && zip(a.storage, b.storage).allSatisfy { abs($0 - $1) < 1e-14 }
        }
        #expect(close(network.parameter(named: "0.weight")!.gradient, dW1.transposed))
        #expect(close(network.parameter(named: "2.weight")!.gradient, dW2.transposed))
        #expect(abs(network.parameter(named: "2.bias")!.gradient[0, 0] - dB) < 1e-14)
    }

    /// Trained on a 2-D set, the 2-3-1 network separates the classes. Without hidden bias
    /// its boundary is made of rays from the origin, so the set is blob 0 (above the origin)
    /// against blobs 1 and 2 (below it), which such a boundary can split.
    @Test func trainsToHighAccuracyOnTwoDimensionalData() throws {
        let network = try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy,
                                         initializer: .he, seed: 3, hiddenBias: false)
        let data: Dataset<Float> = SyntheticData.blobs.generate(count: 300, seed: 1)
        // Two classes: blob 0 against blobs 1 and 2.
        var binary = data
        for r in 0..<binary.count { binary.targets[r, 0] = binary.targets[r, 0] == 0 ? 1 : 0 }
        let before = try network.evaluate(binary)
        let trainer = Trainer(network: network, optimizer: SGD(learningRate: 0.5),
                              configuration: TrainingConfiguration(batchSize: 300, shuffle: false))
        for _ in 0..<300 { _ = try trainer.trainEpoch(on: binary) }
        let after = try network.evaluate(binary)
        #expect(after.loss < before.loss / 4)
        #expect(try #require(after.accuracy) > 0.95)
    }
}
