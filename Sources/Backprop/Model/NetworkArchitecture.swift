/// What a model file says about a network's shape: enough to rebuild it without being told.
public struct NetworkArchitecture: Codable, Equatable, Sendable {
    public var inputSize: Int
    public var layers: [LayerKind]
    public var loss: LossFunction

    public init(inputSize: Int, layers: [LayerKind], loss: LossFunction) {
        self.inputSize = inputSize
        self.layers = layers
        self.loss = loss
    }

    /// A network of this shape with zero parameters.
    public func makeNetwork<Scalar: NetworkScalar>(_ scalar: Scalar.Type = Scalar.self) throws(ShapeError) -> Network<Scalar> {
        let built: [any Layer<Scalar>] = layers.map { kind in
            switch kind {
            case .dense(let inputs, let outputs, let bias):
                Dense<Scalar>(inputSize: inputs, outputSize: outputs, hasBias: bias)
            case .activation(let activation):
                activation.makeLayer(Scalar.self)
            }
        }
        return try Network(inputSize: inputSize, layers: built, loss: loss)
    }
}
