/// A multilayer perceptron described the way the command line describes it, resolved
/// against the data (and an optional file of initial weights) into a `Network`.
public struct NetworkSpecification: Sendable, Equatable {
    /// Widths including input and output (e.g. [784, 300, 10]); nil: infer from the data
    /// with `defaultHiddenSizes`, or from the initial weights.
    public var sizes: [Int]?
    public var activation: Activation
    public var loss: LossFunction
    public var initializer: Initializer
    public var seed: UInt64
    /// Whether hidden dense layers have biases (the 2-3-1 classifier's has none).
    public var hiddenBias: Bool
    /// Hidden widths used when `sizes` is nil; nil: two layers of
    /// `defaultHiddenWidth(featureCount:outputSize:)`.
    public var defaultHiddenSizes: [Int]?

    public init(sizes: [Int]? = nil, activation: Activation = .tanh, loss: LossFunction = .softmaxCrossEntropy,
                initializer: Initializer = .glorot, seed: UInt64 = 0, hiddenBias: Bool = true,
                defaultHiddenSizes: [Int]? = nil) {
        self.sizes = sizes
        self.activation = activation
        self.loss = loss
        self.initializer = initializer
        self.seed = seed
        self.hiddenBias = hiddenBias
        self.defaultHiddenSizes = defaultHiddenSizes
    }

    /// The hidden width for data of `featureCount` inputs and `outputSize` outputs: the power
    /// of two at or above √(featureCount · outputSize), between 16 and 64 (16 for the 2-D
    /// built-in sets and small tables, 32 for 8x8 digits, 64 for 28x28 images; wider tanh
    /// layers learn worse at the default SGD rate of 0.5: 83.5% against 85.5% on
    /// Fashion-MNIST after 10 epochs).
    public static func defaultHiddenWidth(featureCount: Int, outputSize: Int) -> Int {
        let (product, overflow) = max(featureCount, 1).multipliedReportingOverflow(by: max(outputSize, 1))
        let geometricMean = overflow ? Double(Int.max) : Double(product).squareRoot()
        var width = 16
        while Double(width) < geometricMean && width < 64 { width *= 2 }
        return width
    }

    /// The output width this specification implies before any data is seen, when it does.
    public var declaredOutputSize: Int? { sizes?.last }

    /// Widths for a data set with `featureCount` inputs and `outputSize` outputs; checks
    /// declared sizes against the data.
    public func resolvedSizes(featureCount: Int, outputSize: Int) throws(ShapeError) -> [Int] {
        guard let sizes else {
            let width = Self.defaultHiddenWidth(featureCount: featureCount, outputSize: outputSize)
            return [featureCount] + (defaultHiddenSizes ?? [width, width]) + [outputSize]
        }
        guard sizes.count >= 2 else {
            throw ShapeError("--layers needs at least an input and an output size, got \(sizes)")
        }
        guard sizes[0] == featureCount else {
            let outputs = sizes[sizes.count - 1]
            let targets = loss.targetColumns(outputSize: outputs)
            let note = targets > 1
                ? " (\(loss.rawValue) with \(outputs) output units reads the last \(targets) columns of each row as targets, one per output unit)"
                : ""
            throw ShapeError("layer sizes \(sizes.map(String.init).joined(separator: ",")) start with \(sizes[0]) inputs, but the data has \(featureCount) features per example\(note)")
        }
        return sizes
    }

    /// The output width for a data set: the number of classes (softmax cross-entropy), 1
    /// (binary cross-entropy) or the number of target columns (mse).
    /// - Throws: `ShapeError` for class labels that are not integers below
    ///   `Dataset.maximumClassCount`.
    public static func outputSize<Scalar>(for dataset: Dataset<Scalar>, loss: LossFunction) throws(ShapeError) -> Int {
        switch loss {
        case .softmaxCrossEntropy: max(try dataset.classCountFromLabels() ?? dataset.targets.columns, 2)
        case .binaryCrossEntropy, .meanSquaredError: dataset.targets.columns
        }
    }

    /// A freshly initialized network of the given widths.
    public func makeNetwork<Scalar: NetworkScalar>(sizes: [Int], as: Scalar.Type = Scalar.self) throws(ShapeError) -> Network<Scalar> {
        try Network(sizes: sizes, activation: activation, loss: loss, initializer: initializer, seed: seed, hiddenBias: hiddenBias)
    }
}
