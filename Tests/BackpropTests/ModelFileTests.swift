import Foundation
import Testing
@testable import Backprop

@Suite struct ModelFileTests {
    @Test func saveAndLoadRoundTrip() throws {
        try TemporaryDirectory.with { directory in
            let network = try Network<Float>(sizes: [2, 3, 1], activation: .relu, loss: .binaryCrossEntropy,
                                             initializer: .he, seed: 4, hiddenBias: false)
            let path = directory.file("seed001.safetensors")
            try ModelFile.save(network, to: path)
            let loaded: Network<Float> = try ModelFile.load(path: path)
            #expect(loaded.architecture == network.architecture)
            #expect(loaded.parameters.map(\.name) == ["0.weight", "2.weight", "2.bias"])
            #expect(loaded.parameters.map(\.parameter.value) == network.parameters.map(\.parameter.value))
            // PyTorch's layout: weights [out, in], biases [out], F32.
            let file = try SafeTensors.read(from: path)
            #expect(file["0.weight"]?.shape == [3, 2])
            #expect(file["2.bias"]?.shape == [1])
            #expect(file["2.bias"]?.dtype == .float32)
            #expect(file.metadata["format"] == "pt")
            #expect(directory.contents() == ["seed001.safetensors"])  // no temporary file left
        }
    }

    /// `--init-weights` accepts a plain state dict (no metadata, as PyTorch's
    /// `safetensors.torch.save_file(model.state_dict(), …)` writes it) and infers the shape.
    @Test func initialNetworkFromPlainStateDict() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("seed002.safetensors")
            let file = try SafeTensors(tensors: [
                SafeTensor(name: "0.weight", shape: [2, 3], floats: [0.1, 0.2, -0.1, -0.2, 0.1, 0.3]),
                SafeTensor(name: "0.bias", shape: [2], floats: [0.1, -0.1]),
                SafeTensor(name: "2.weight", shape: [2, 2], floats: [0.2, -0.1, 0.1, 0.2]),
                SafeTensor(name: "2.bias", shape: [2], floats: [0.05, 0.1]),
            ])
            try file.write(to: path)
            let specification = NetworkSpecification(activation: .relu, loss: .meanSquaredError)
            let network: Network<Double> = try ModelFile.initialNetwork(path: path, specification: specification)
            #expect(network.layerSizes == [3, 2, 2])
            let logits = try network.logits(Matrix([[4, 7, 0.85]]))
            #expect(abs(logits[0, 0] - 0.4075) < 1e-6 && abs(logits[0, 1] - 0.2925) < 1e-6)

            var mismatched = specification
            mismatched.sizes = [3, 4, 2]
            #expect(throws: ModelFile.Error.self) {
                let _: Network<Double> = try ModelFile.initialNetwork(path: path, specification: mismatched)
            }
        }
    }

    @Test func badFilesGiveErrorsNamingTheFile() throws {
        try TemporaryDirectory.with { directory in
            let missing = directory.file("missing.safetensors")
            #expect(throws: (any Error).self) { let _: Network<Float> = try ModelFile.load(path: missing) }

            // Wrong shape for the declared architecture.
            let network = try Network<Float>(sizes: [2, 3, 2], activation: .tanh, loss: .softmaxCrossEntropy)
            let good = directory.file("good.safetensors")
            try ModelFile.save(network, to: good)
            var file = try SafeTensors.read(from: good)
            let tensors = try file.tensors.map { tensor in
                tensor.name == "2.weight" ? try SafeTensor(name: "2.weight", shape: [3, 2], floats: Array(repeating: 0, count: 6)) : tensor
            }
            file = try SafeTensors(tensors: tensors, metadata: file.metadata)
            let bad = directory.file("bad.safetensors")
            try file.write(to: bad, checksum: true)
            do {
                let _: Network<Float> = try ModelFile.load(path: bad)
                Issue.record("expected an error")
            } catch {
                #expect("\(error)".contains("bad.safetensors") && "\(error)".contains("2.weight"))
            }

            // A NaN parameter is refused.
            let nan = try SafeTensors(tensors: file.tensors.map { tensor in
                tensor.name == "0.bias" ? try SafeTensor(name: "0.bias", shape: [3], floats: [0, .nan, 0]) : tensor
            }.map { $0.name == "2.weight" ? try SafeTensor(name: "2.weight", shape: [2, 3], floats: Array(repeating: 0, count: 6)) : $0 },
                metadata: file.metadata)
            let nanPath = directory.file("nan.safetensors")
            try nan.write(to: nanPath, checksum: true)
            #expect(throws: ModelFile.Error.self) { let _: Network<Float> = try ModelFile.load(path: nanPath) }
        }
    }
}

extension TemporaryDirectory {
    /// Names of the files in the directory, sorted.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
