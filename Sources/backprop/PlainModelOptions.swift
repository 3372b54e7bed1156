import ArgumentParser
import Backprop

/// How to read a plain PyTorch state dict (`0.weight`, `0.bias`, …, no Backprop metadata) as
/// a model: the tensors give the widths, these options the rest. A model file written by
/// `backprop train` carries all of it and ignores them.
struct PlainModelOptions: ParsableArguments {
    @Option(help: "For plain PyTorch weights: the layer widths including input and output (checked against the tensors).")
    var layers: LayerSizes?

    @Option(help: "For plain PyTorch weights: the hidden-layer activation (sigmoid, tanh, relu, identity).")
    var activation: Activation?

    @Option(help: "For plain PyTorch weights: the loss (softmax-cross-entropy, binary-cross-entropy, mse).")
    var loss: LossFunction?

    @Flag(name: .customLong("no-hidden-bias"), help: "For plain PyTorch weights: hidden layers have no bias.")
    var noHiddenBias = false

    /// The specification for a plain state dict; nil unless --activation or --loss is given.
    var specification: NetworkSpecification? {
        guard activation != nil || loss != nil || layers != nil else { return nil }
        return NetworkSpecification(sizes: layers?.sizes, activation: activation ?? .tanh, loss: loss ?? .softmaxCrossEntropy,
                                    hiddenBias: !noHiddenBias)
    }

    /// The model at `path` with its input scaling.
    func load<Scalar: NetworkScalar>(_ path: String, as: Scalar.Type = Scalar.self) throws -> (Network<Scalar>, InputScaling) {
        let loaded: (network: Network<Scalar>, inputScaling: InputScaling) =
            try ModelFile.loadWithInputScaling(path: path, as: Scalar.self, plainSpecification: specification)
        return (loaded.network, loaded.inputScaling)
    }
}
