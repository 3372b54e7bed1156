/// One example pushed through a network: the input, the target, every layer's neurons, the
/// loss L of this example alone (N = 1) and ∂L/∂ of the network's output.
public struct ExampleValues: Equatable, Sendable {
    /// x as the network sees it: after the model's input scaling, if it has one.
    public var input: [Double]
    /// x as it was given (a data row, or `--input`), before the model's input scaling; nil
    /// when the model has none (then it equals `input`).
    public var givenInput: [Double]? = nil
    /// The input scaling stored with the model, which turned `givenInput` into `input`.
    public var inputScaling: InputScaling = .none
    /// The target as given: a class index for softmax cross-entropy, one value per output
    /// otherwise.
    public var target: [Double]
    /// The target as a vector y, one entry per output (one-hot for a class index).
    public var targetVector: [Double]
    public var layers: [LayerValues]
    public var lossFunction: LossFunction
    /// L for this example.
    public var loss: Double
    /// The predictions ŷ: softmax or σ of the logits, or the logits for mse.
    public var predictions: [Double]
    /// ∂L/∂ of each network output (the logits z⁽ᴸ⁾, or a⁽ᴸ⁾ if an activation follows the
    /// last dense layer): 2(zⱼ − yⱼ) for mse, ŷⱼ − yⱼ for softmax cross-entropy,
    /// (σ(zⱼ) − yⱼ)/k for binary cross-entropy over k outputs.
    public var outputGradient: [Double]
}
