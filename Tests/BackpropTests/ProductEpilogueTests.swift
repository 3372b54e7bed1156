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

    static func sameBits(_ x: [Float], _ y: [Float]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: Activation.allCases, [true, false])
    func epilogueMatchesSeparatePasses(activation: Activation, withBias: Bool) throws {
        // Two threads for the passes that follow `Backend.current` (results never depend on it).
        let savedThreads = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = savedThreads }
        var backends = SIMDLevel.allCases.filter { $0 <= .detected }.flatMap { level in
            [Backend(threads: 1, simdLevel: level), Backend(threads: 2, simdLevel: level)]
        }
        backends.append(try Backend(kind: .reference))
        for backend in backends {
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
                                bias: withBias ? b.baseAddress : nil, activation: activation,
                                activated: activated.baseAddress, activatedStride: n))
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
                epilogue: ProductEpilogue(bias: b.baseAddress, activation: .relu, activated: nil, activatedStride: n))
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
        network.smallPath = nil
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
