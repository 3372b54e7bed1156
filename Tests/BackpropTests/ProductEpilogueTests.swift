import CBackpropKernels
import Testing
@testable import Backprop

/// A dense layer's forward pass as one product with its bias and activation
/// (`ProductEpilogue`) gives Z and A bit for bit equal to the separate passes (the product,
/// the bias, then the activation layer): with the products' kernels at every level this CPU
/// runs, on one and two threads, on every path a forward product can take, and on the
/// reference backend (which applies the epilogue after the product).
@Suite struct ProductEpilogueTests {
    /// m x k inputs times (n x k weights)ᵀ. Packed: three k slices (k > KC), two MC row blocks
    /// (m > 144), a half-wide last column panel (70 = 2·32 + 6); packed with columns split
    /// between two threads (n > m, 4.6 MFLOP); small-batch dot products (m ≤ 16, not tiny);
    /// few columns (n ≤ 16); tiny; and 300 x 300 with k = 8, whose epilogue after the reference product is split
    /// between two threads by rows (the elementwise passes' size threshold).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (150, 70, 800), (64, 300, 120), (8, 64, 100), (33, 10, 50), (3, 2, 4), (300, 300, 8),
    ]

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var numbers = GEMMTests.Numbers(state: seed)
        return (0..<count).map { _ in 3 * numbers.next() }
    }

    /// g applied by the activation layer itself.
    static func activate(_ activation: Activation, _ z: [Float], rows: Int) -> [Float] {
        var a = Matrix<Float>(rows: rows, columns: z.count / rows)
        activation.makeLayer(Float.self).forward(Matrix(rows: rows, columns: z.count / rows, elements: z), into: &a)
        return a.storage
    }

    /// The native backend at every kernel level this CPU runs, on one and two threads, and the
    /// reference backend. The tests set `Backend.current` to two threads as well, for the
    /// passes that follow it (results never depend on it).
    static func backends() throws -> [Backend] {
        let native = SIMDLevel.allCases.filter { $0 <= .detected }.flatMap { level in
            [Backend(threads: 1, simdLevel: level), Backend(threads: 2, simdLevel: level)]
        }
        return native + [try Backend(kind: .reference)]
    }

    static func sameBits(_ x: [Float], _ y: [Float]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: Activation.allCases, [true, false])
    func epilogueMatchesSeparatePasses(activation: Activation, withBias: Bool) throws {
        let savedThreads = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = savedThreads }
        for backend in try Self.backends() {
            let level = Int32(backend.simdLevel.rawValue)
            for (m, n, k) in Self.shapes {
                var x = Self.values(m * k, seed: UInt64(m * 7 + k))
                // A NaN input row and a huge value, so NaN and ±∞ pass through g as well.
                x[0] = .nan
                x[(m - 1) * k] = 1e30
                let w = Self.values(n * k, seed: UInt64(n * 11 + k))
                let bias = Self.values(n, seed: UInt64(n))
                var z = [Float](repeating: 0, count: m * n), a = z
                bias.withUnsafeBufferPointer { b in
                    a.withUnsafeMutableBufferPointer { activated in
                        backend.sgemm(
                            transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: w, ldb: k,
                            beta: 0, c: &z, ldc: n,
                            epilogue: ProductEpilogue(
                                operation: .biasActivation(bias: withBias ? b.baseAddress : nil, activated: activated.baseAddress),
                                activation: activation, stride: n))
                    }
                }
                var separate = [Float](repeating: 0, count: m * n)
                backend.sgemm(
                    transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: w, ldb: k,
                    beta: 0, c: &separate, ldc: n)
                if withBias { bp_add_row_vector(&separate, m, n, bias, level) }
                let what = "\(backend) \(activation) bias=\(withBias) m=\(m) n=\(n) k=\(k)"
                #expect(Self.sameBits(z, separate), "Z: \(what)")
                #expect(Self.sameBits(a, Self.activate(activation, separate, rows: m)), "A: \(what)")
                #expect(a.contains { $0.isNaN }, "the NaN row reaches A: \(what)")
            }
        }
    }

    /// BP2 through a dense layer and the activation below it: ∂J/∂A = δ·W, then δ below =
    /// ∂J/∂A ⊙ g′ from the epilogue, bitwise the activation layer's backward after the product.
    /// Shapes of δ·W (m x k times k x n): packed with columns split (n > m), packed with rows
    /// split, a k of 10 (cs229's ∂A₁), few columns (n ≤ 16), few rows (m ≤ 16), tiny, and an
    /// epilogue split across two threads after the reference product.
    @Test(arguments: Activation.allCases)
    func gradientEpilogueMatchesSeparatePasses(activation: Activation) throws {
        let savedThreads = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = savedThreads }
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (64, 300, 120), (300, 70, 120), (1000, 300, 10), (40, 10, 50), (8, 64, 100), (3, 2, 4), (300, 300, 8),
        ]
        for backend in try Self.backends() {
            for (m, n, k) in shapes {
                var delta = Self.values(m * k, seed: UInt64(m + 3 * k))
                delta[0] = .nan
                let w = Self.values(k * n, seed: UInt64(n + 5 * k))
                let source = Self.values(m * n, seed: UInt64(m * n))
                var dA = [Float](repeating: 0, count: m * n), dZ = dA
                source.withUnsafeBufferPointer { s in
                    dZ.withUnsafeMutableBufferPointer { out in
                        backend.sgemm(
                            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: delta, lda: k, b: w, ldb: n,
                            beta: 0, c: &dA, ldc: n,
                            epilogue: ProductEpilogue(
                                operation: .activationGradient(source: s.baseAddress!, gradient: out.baseAddress!),
                                activation: activation, stride: n))
                    }
                }
                var separate = [Float](repeating: 0, count: m * n)
                backend.sgemm(
                    transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: delta, lda: k, b: w, ldb: n,
                    beta: 0, c: &separate, ldc: n)
                let sourceMatrix = Matrix(rows: m, columns: n, elements: source)
                var separateDZ = Matrix<Float>(rows: m, columns: n)
                activation.makeLayer(Float.self).backward(
                    input: sourceMatrix, output: sourceMatrix, outputGradient: Matrix(rows: m, columns: n, elements: separate),
                    inputGradient: &separateDZ, computeInputGradient: true)
                let what = "\(backend) \(activation) m=\(m) n=\(n) k=\(k)"
                #expect(Self.sameBits(dA, separate), "∂J/∂A: \(what)")
                #expect(Self.sameBits(dZ, separateDZ.storage), "δ: \(what)")
            }
        }
    }

    /// A Float network's step, with its dense layers fused to their activations forward and
    /// backward, leaves every output, every δ and every parameter gradient bitwise equal to
    /// running each layer's own forward and backward in turn, on one and two threads.
    @Test(arguments: [Activation.relu, .sigmoid, .tanh, .identity])
    func fusedNetworkStepMatchesLayerByLayer(activation: Activation) throws {
        let network = try Network<Float>(
            sizes: [30, 40, 24, 5], activation: activation, loss: .softmaxCrossEntropy, initializer: .glorot, seed: 3)
        #expect(network.fusedForward.map { $0?.activation } == [activation, nil, activation, nil, nil])
        #expect(network.fusedBackward.map { $0?.activation } == [nil, nil, activation, nil, activation])
        try Self.expectStepMatchesLayerByLayer(network)
    }

    /// Layouts at the edges of the pairing: an activation first (fused backward only, from
    /// the dense layer above it), two activations in a row, and a dense layer on a dense layer.
    @Test func unusualLayoutsMatchLayerByLayer() throws {
        let network = try Network<Float>(
            inputSize: 30,
            layers: [Sigmoid(), Dense(inputSize: 30, outputSize: 20), Tanh(), ReLU(), Dense(inputSize: 20, outputSize: 12),
                     Dense(inputSize: 12, outputSize: 5)],
            loss: .softmaxCrossEntropy)
        var generator = SeededGenerator(seed: 6)
        for case let dense as Dense<Float> in network.layers { Initializer.glorot.initialize(dense, using: &generator) }
        #expect(network.fusedForward.map { $0?.activation } == [nil, .tanh, nil, nil, nil, nil])
        #expect(network.fusedBackward.map { $0?.activation } == [nil, nil, nil, nil, .relu, nil])
        try Self.expectStepMatchesLayerByLayer(network)
    }

    /// `network.computeGradients` against each layer's own forward and backward, bit for bit.
    static func expectStepMatchesLayerByLayer(_ network: Network<Float>) throws {
        let rows = 37, inputWidth = network.inputSize, last = network.layers.count - 1
        let inputs = Matrix<Float>(rows: rows, columns: inputWidth, elements: Self.values(rows * inputWidth, seed: 8))
        let labels = Matrix<Float>(rows: rows, columns: 1, elements: (0..<rows).map { Float($0 % network.outputSize) })
        let savedThreads = Backend.current.threads
        defer { Backend.current.threads = savedThreads }
        for threads in [1, 2] {
            Backend.current.threads = threads
            let workspace = Workspace(network: network, batchSize: rows)
            workspace.loadRows(0..<rows, of: Dataset(inputs: inputs, targets: labels))
            let cost = network.computeGradients(in: workspace)
            let fusedGradients = network.parameters.map(\.parameter.gradient.storage)

            // The same step, layer by layer, without fusion.
            var outputs = network.layers.indices.map { Matrix<Float>(rows: rows, columns: network.widths[$0 + 1]) }
            for index in network.layers.indices {
                network.layers[index].forward(index == 0 ? inputs : outputs[index - 1], into: &outputs[index])
            }
            var gradients = outputs.map { Matrix<Float>(rows: rows, columns: $0.columns) }
            let separateCost = network.loss.lossAndGradient(logits: outputs[last], targets: labels, gradient: &gradients[last])
            var unused = Matrix<Float>(rows: rows, columns: inputWidth)
            for index in network.layers.indices.reversed() {
                if index == 0 {
                    network.layers[0].backward(input: inputs, output: outputs[0], outputGradient: gradients[0],
                                               inputGradient: &unused, computeInputGradient: false)
                } else {
                    network.layers[index].backward(
                        input: outputs[index - 1], output: outputs[index], outputGradient: gradients[index],
                        inputGradient: &gradients[index - 1], computeInputGradient: true)
                }
            }
            #expect(cost == separateCost)
            for index in network.layers.indices {
                #expect(Self.sameBits(workspace.outputs[index].storage, outputs[index].storage), "output \(index), \(threads) threads")
                #expect(Self.sameBits(workspace.gradients[index].storage, gradients[index].storage), "gradient \(index), \(threads) threads")
            }
            for (fused, (name, parameter)) in zip(fusedGradients, network.parameters) {
                #expect(Self.sameBits(fused, parameter.gradient.storage), "\(name), \(threads) threads")
            }
        }
    }

    /// An epilogue without an activated output adds the bias only and writes nothing else.
    @Test func biasOnlyEpilogueLeavesTheActivationAlone() {
        let (m, n, k) = (150, 70, 800)
        let x = Self.values(m * k, seed: 1), w = Self.values(n * k, seed: 2), bias = Self.values(n, seed: 3)
        var z = [Float](repeating: 0, count: m * n)
        let backend = Backend(threads: 2)
        bias.withUnsafeBufferPointer { b in
            backend.sgemm(
                transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: w, ldb: k,
                beta: 0, c: &z, ldc: n,
                epilogue: ProductEpilogue(
                    operation: .biasActivation(bias: b.baseAddress, activated: nil), activation: .relu, stride: n))
        }
        var separate = [Float](repeating: 0, count: m * n)
        backend.sgemm(
            transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: w, ldb: k,
            beta: 0, c: &separate, ldc: n)
        bp_add_row_vector(&separate, m, n, bias, Int32(backend.simdLevel.rawValue))
        #expect(Self.sameBits(z, separate))
        #expect(z.contains { $0 < 0 }, "no ReLU was applied to Z")
    }

    /// A layer that only reports itself as an activation keeps its own forward pass: the
    /// training step's outputs equal `logits`, which runs every layer's own forward.
    @Test func onlyThePackagesActivationLayersAreFused() throws {
        let network = try Network<Float>(
            inputSize: 30,
            layers: [Dense(inputSize: 30, outputSize: 20), SmallNetworkPathTests.Doubling(), Dense(inputSize: 20, outputSize: 3)],
            loss: .meanSquaredError)
        #expect(network.fusedForward.allSatisfy { $0 == nil })
        let workspace = Workspace(network: network, batchSize: 17)
        let inputs = Matrix<Float>(rows: 17, columns: 30, elements: Self.values(17 * 30, seed: 4))
        let dataset = Dataset(inputs: inputs, targets: Matrix(rows: 17, columns: 3))
        workspace.loadRows(0..<17, of: dataset)
        network.forward(in: workspace)
        #expect(workspace.outputs[2].storage == (try network.logits(inputs)).storage)
        #expect(workspace.outputs[1].storage == workspace.outputs[0].storage.map { 2 * $0 })
    }

    /// `Dense.forward(_:into:activation:activated:)` equals the dense layer's forward followed
    /// by the activation layer's, for Float (one product) and Double (two passes); a Float
    /// network fuses every dense layer that an activation layer follows.
    @Test func denseLayerFusesItsActivation() throws {
        func check<Scalar: NetworkScalar>(_: Scalar.Type) throws {
            let network = try Network<Scalar>(
                sizes: [30, 20, 12, 4], activation: .tanh, loss: .softmaxCrossEntropy, initializer: .glorot, seed: 5)
            let dense = try #require(network.layers[0] as? Dense<Scalar>)
            let input = Matrix<Scalar>(rows: 17, columns: 30, elements: Self.values(17 * 30, seed: 9).map { Scalar($0) })
            var z = Matrix<Scalar>(rows: 17, columns: 20), a = z, separateZ = z, separateA = z
            dense.forward(input, into: &z, activation: .tanh, activated: &a)
            dense.forward(input, into: &separateZ)
            network.layers[1].forward(separateZ, into: &separateA)
            #expect(z.storage == separateZ.storage)
            #expect(a.storage == separateA.storage)
            let fused = network.fusedForward.map { $0?.activation }
            #expect(fused == (Scalar.self == Float.self ? [.tanh, nil, .tanh, nil, nil] : [nil, nil, nil, nil, nil]))
        }
        try check(Float.self)
        try check(Double.self)
    }
}
