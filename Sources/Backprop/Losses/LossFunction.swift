/// The cost functions a network can be trained with. Each is averaged over the batch
/// (the vectorized derivation's J = 1/m Σ L) and fused with the output layer's activation, so the network
/// itself ends in logits Z and the loss hands back δ = ∂J/∂Z directly (BP1).
public enum LossFunction: String, CaseIterable, Sendable, Codable {
    /// Softmax + cross-entropy over k classes, from logits (`SoftmaxCrossEntropy`).
    case softmaxCrossEntropy = "softmax-cross-entropy"
    /// Sigmoid + binary cross-entropy, from logits (`SigmoidBinaryCrossEntropy`).
    case binaryCrossEntropy = "binary-cross-entropy"
    /// Squared L2 norm of ŷ − y per example, averaged over examples (`MeanSquaredError`).
    case meanSquaredError = "mse"

    /// J for logits Z (n x k) and targets, and δ = ∂J/∂Z written into `gradient` (n x k).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func lossAndGradient<Scalar: NetworkScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>, gradient: inout Matrix<Scalar>
    ) -> Double {
        switch self {
        case .softmaxCrossEntropy:
            SoftmaxCrossEntropy.evaluate(logits: logits, targets: targets, gradient: &gradient)
        case .binaryCrossEntropy:
            SigmoidBinaryCrossEntropy.evaluate(logits: logits, targets: targets, gradient: &gradient)
        case .meanSquaredError:
            MeanSquaredError.evaluate(logits: logits, targets: targets, gradient: &gradient)
        }
    }

    /// J alone (allocates a scratch gradient; for evaluation, not for the training step).
    public func loss<Scalar: NetworkScalar>(logits: Matrix<Scalar>, targets: Matrix<Scalar>) -> Double {
        var scratch = Matrix<Scalar>(rows: logits.rows, columns: logits.columns)
        return lossAndGradient(logits: logits, targets: targets, gradient: &scratch)
    }

    /// What the fused activation makes of the logits: class probabilities (softmax),
    /// probabilities of the positive class (sigmoid) or the regression outputs (identity).
    public func outputs<Scalar: NetworkScalar>(logits: Matrix<Scalar>) -> Matrix<Scalar> {
        switch self {
        case .softmaxCrossEntropy: SoftmaxCrossEntropy.probabilities(logits: logits)
        case .binaryCrossEntropy:
            Matrix(rows: logits.rows, columns: logits.columns, elements: logits.storage.map(Scalar.sigmoid))
        case .meanSquaredError: logits
        }
    }

    /// Whether predictions are classes (so accuracy applies).
    public var isClassification: Bool { self != .meanSquaredError }

    /// The number of target columns for a network with `outputSize` outputs: one class index
    /// for softmax cross-entropy, one target per output otherwise.
    public func targetColumns(outputSize: Int) -> Int {
        self == .softmaxCrossEntropy ? 1 : outputSize
    }

    /// Checks that targets fit this loss for a network with `outputSize` outputs; the error
    /// names the first offending row (1-based).
    public func validate<Scalar: NetworkScalar>(targets: Matrix<Scalar>, outputSize: Int) throws(ShapeError) {
        switch self {
        case .softmaxCrossEntropy:
            guard targets.columns == 1 || targets.columns == outputSize else {
                throw ShapeError("softmax-cross-entropy: targets need 1 column (class index) or \(outputSize) (class probabilities), got \(targets.columns)")
            }
            if targets.columns == 1 {
                for r in 0..<targets.rows {
                    let label = targets.storage[r]
                    guard label >= 0, label < Scalar(outputSize), label.rounded() == label else {
                        if outputSize == 1 && (label == 0 || label == 1) {
                            throw ShapeError("row \(r + 1): class label \(label) needs at least 2 output units for softmax-cross-entropy; for a 0/1 target with one output unit use --loss binary-cross-entropy")
                        }
                        throw ShapeError("row \(r + 1): class label \(label) is not an integer in 0..<\(outputSize) (the output layer has \(outputSize) units)")
                    }
                }
            }
        case .binaryCrossEntropy:
            guard targets.columns == outputSize else {
                throw ShapeError("binary-cross-entropy: \(outputSize) output unit(s) take \(outputSize) target column(s) (one 0/1 value each), but the data has \(targets.columns)")
            }
            for (index, value) in targets.storage.enumerated() where !(value >= 0 && value <= 1) {
                throw ShapeError("row \(index / outputSize + 1): binary target \(value) is not in [0, 1]")
            }
        case .meanSquaredError:
            guard targets.columns == outputSize else {
                throw ShapeError("mse: targets need \(outputSize) column(s) (one per output), got \(targets.columns)")
            }
        }
        for (index, value) in targets.storage.enumerated() where !value.isFinite {
            throw ShapeError("row \(index / max(targets.columns, 1) + 1): target \(value) is not finite")
        }
    }

    /// The number of rows whose predicted class matches the target (classification only).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func correctCount<Scalar: NetworkScalar>(logits: Matrix<Scalar>, targets: Matrix<Scalar>) -> Int {
        precondition(targets.rows == logits.rows, "correctCount: \(targets.rows) targets for \(logits.rows) rows")
        // Decided once: comparing this String-backed enum per row measurably slowed cs229's
        // steps (figures in docs/performance.md, "Design measurements").
        let binary = self == .binaryCrossEntropy
        return logits.storage.withUnsafeBufferPointer { z in
            targets.storage.withUnsafeBufferPointer { y in
                var correct = 0
                for r in 0..<logits.rows
                where Self.predictedClass(z, row: r, columns: logits.columns, binary: binary)
                    == Self.targetClass(y, row: r, columns: targets.columns, binary: binary) {
                    correct += 1
                }
                return correct
            }
        }
    }

    /// The predicted class of row `row`: the arg-max logit (softmax) or logit > 0 (sigmoid,
    /// one output; with several outputs, the arg-max).
    public func predictedClass<Scalar: NetworkScalar>(logits: Matrix<Scalar>, row: Int) -> Int {
        logits.storage.withUnsafeBufferPointer {
            Self.predictedClass($0, row: row, columns: logits.columns, binary: self == .binaryCrossEntropy)
        }
    }

    /// The target class of row `row`.
    public func targetClass<Scalar: NetworkScalar>(targets: Matrix<Scalar>, row: Int) -> Int {
        targets.storage.withUnsafeBufferPointer {
            Self.targetClass($0, row: row, columns: targets.columns, binary: self == .binaryCrossEntropy)
        }
    }

    /// `predictedClass(logits:row:)` on the row-major values of a matrix with `columns`
    /// columns; `binary` for binary cross-entropy.
    @inline(__always)
    static func predictedClass<Scalar: NetworkScalar>(
        _ logits: UnsafeBufferPointer<Scalar>, row: Int, columns: Int, binary: Bool
    ) -> Int {
        guard columns > 0 else { return 0 }
        let base = row * columns
        if binary && columns == 1 { return logits[base] > 0 ? 1 : 0 }
        // The first largest value (NaN never wins), written without branches: the compare
        // outcomes of real logits are too irregular to predict.
        var best = 0
        var largest = logits[base]
        for c in 1..<columns {
            let value = logits[base + c]
            let larger = value > largest
            best = larger ? c : best
            largest = larger ? value : largest
        }
        return best
    }

    /// `targetClass(targets:row:)` on the row-major values of a matrix with `columns` columns;
    /// `binary` for binary cross-entropy.
    @inline(__always)
    static func targetClass<Scalar: NetworkScalar>(
        _ targets: UnsafeBufferPointer<Scalar>, row: Int, columns: Int, binary: Bool
    ) -> Int {
        let base = row * columns
        if columns == 1 { return binary ? (targets[base] >= 0.5 ? 1 : 0) : Int(targets[base]) }
        var best = 0
        for c in 1..<columns where targets[base + c] > targets[base + best] { best = c }
        return best
    }
}
