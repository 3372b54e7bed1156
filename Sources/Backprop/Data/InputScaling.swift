import Foundation

/// A fixed transformation of the input features, fitted on the training set and applied
/// alike to training, validation and test inputs (and stored with a model, so that
/// prediction scales its inputs the same way). Inputs are n x features, one example per row.
///
/// - `none`: x′ = x.
/// - `divide(by: d)`: x′ = x / d (e.g. d = 255 for 8-bit pixels, giving [0, 1]).
/// - `standardize(scope:mean:standardDeviation:)`: x′ = (x − μ) / σ with μ and σ the
///   training set's mean and population standard deviation (divisor n, numpy's `np.std`):
///   - `.global`: one μ and one σ over every feature of every example, as CS229's starter
///     code does (`mean = np.mean(train_data)`, `std = np.std(train_data)`);
///   - `.perFeature`: μⱼ and σⱼ per column j, as scikit-learn's `StandardScaler`.
///
/// A σ of exactly 0 (a constant feature, or constant data under `.global`) is stored as 1,
/// so that the feature becomes x − μ = 0 instead of dividing by zero.
///
/// Fitting accumulates in Double; applying computes (x − μ) / σ in the matrix's scalar type
/// with μ and σ rounded to it.
public enum InputScaling: Equatable, Sendable {
    /// x′ = x.
    case none
    /// x′ = x / divisor.
    case divide(by: Double)
    /// x′ = (x − μ) / σ; `mean` and `standardDeviation` hold one value (`.global`) or one
    /// per feature (`.perFeature`).
    case standardize(scope: Scope, mean: [Double], standardDeviation: [Double])

    /// Which statistics standardization uses.
    public enum Scope: String, Codable, Sendable, CaseIterable {
        /// One μ and one σ over all features.
        case global
        /// One μⱼ and one σⱼ per feature.
        case perFeature = "per-feature"
    }

    /// A scaling before fitting: what `fit(_:to:)` computes the statistics for.
    /// `description` is its command-line form (`divide:255`, `standardize:per-feature`).
    public enum Kind: Equatable, Sendable, Codable, CustomStringConvertible {
        /// Chosen from the training inputs when fitted (`resolved(for:)`): 8-bit images
        /// (every value a whole number in 0...255, the largest above 127) are divided by
        /// 255; other data is standardized per feature.
        case automatic
        case none
        case divide(by: Double)
        case standardize(scope: Scope)

        /// The command-line form that `init(parsing:)` reads back.
        public var description: String {
            switch self {
            case .automatic: "auto"
            case .none: "none"
            case .divide(let divisor): "divide:\(Self.number(divisor))"
            case .standardize(let scope): "standardize:\(scope.rawValue)"
            }
        }

        /// 255 rather than 255.0; other values as Swift prints them (shortest round trip).
        static func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        }

        /// What `.automatic` becomes for these training inputs (other kinds are returned as
        /// they are): `.divide(by: 255)` when every value is a whole number in 0...255 and the
        /// largest is above 127 (8-bit pixels), else `.standardize(scope: .perFeature)`.
        public func resolved<Scalar: NetworkScalar>(for inputs: Matrix<Scalar>) -> Kind {
            guard self == .automatic else { return self }
            var largest: Scalar = 0
            for value in inputs.storage {
                guard value >= 0, value <= 255, value.rounded(.towardZero) == value else {
                    return .standardize(scope: .perFeature)
                }
                largest = max(largest, value)
            }
            return largest > 127 ? .divide(by: 255) : .standardize(scope: .perFeature)
        }

        /// The accepted command-line forms.
        public static let syntax = "auto, none, divide:DIVISOR (e.g. divide:255), standardize (per feature), standardize:global, standardize:per-feature"

        /// Parses `none`, `divide:255`, `standardize` (per feature),
        /// `standardize:global` or `standardize:per-feature`.
        public init(parsing text: String) throws(ScalingError) {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch (fields[0].lowercased(), fields.count) {
            case ("auto", 1):
                self = .automatic
            case ("none", 1):
                self = .none
            case ("divide", 2):
                guard let divisor = Double(fields[1]), divisor.isFinite, divisor != 0 else {
                    throw ScalingError("input scaling '\(text)': divisor '\(fields[1])' is not a finite non-zero number")
                }
                self = .divide(by: divisor)
            case ("standardize", 1):
                self = .standardize(scope: .perFeature)
            case ("standardize", 2):
                guard let scope = Scope(rawValue: fields[1].lowercased()) else {
                    throw ScalingError("input scaling '\(text)': unknown scope '\(fields[1])'; expected global or per-feature")
                }
                self = .standardize(scope: scope)
            default:
                throw ScalingError("input scaling '\(text)': expected one of \(Self.syntax)")
            }
        }
    }

    /// Why a scaling could not be fitted, applied or read; `description` is one line.
    public struct ScalingError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The transformation in words, for people: "x′ = x / 255", "x′ = (x − μ) / σ per
    /// feature, μ and σ of the training data", "none".
    public var formula: String {
        switch self {
        case .none: "none"
        case .divide(let divisor): "x′ = x / \(Kind.number(divisor))"
        case .standardize(.global, _, _): "x′ = (x − μ) / σ, one μ and σ over all features of the training data"
        case .standardize(.perFeature, _, _): "x′ = (x − μ) / σ per feature, μ and σ of the training data"
        }
    }

    /// The kind this scaling was fitted as.
    public var kind: Kind {
        switch self {
        case .none: .none
        case .divide(let divisor): .divide(by: divisor)
        case .standardize(let scope, _, _): .standardize(scope: scope)
        }
    }

    // MARK: - Fitting

    /// Fits `kind` to the training inputs: μ = (1/N) Σ x and σ = √((1/N) Σ (x − μ)²) over
    /// all N = n · features values (`.global`) or over the n values of each column
    /// (`.perFeature`), in two passes accumulated in Double; σ = 0 is stored as 1.
    /// `.none` and `.divide` need no data; `.automatic` is first `kind.resolved(for: inputs)`.
    /// - Throws: `ScalingError` for a zero or non-finite divisor, or for standardizing a
    ///   matrix without rows or columns.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func fit<Scalar: NetworkScalar>(_ kind: Kind, to inputs: Matrix<Scalar>) throws(ScalingError) -> InputScaling {
        switch kind.resolved(for: inputs) {
        case .automatic:
            preconditionFailure("resolved(for:) never returns .automatic")
        case .none:
            return .none
        case .divide(let divisor):
            guard divisor.isFinite, divisor != 0 else {
                throw ScalingError("input scaling: cannot divide by \(divisor)")
            }
            return .divide(by: divisor)
        case .standardize(let scope):
            guard inputs.rows > 0, inputs.columns > 0 else {
                throw ScalingError("input scaling: cannot standardize an empty training set (\(inputs.rows) x \(inputs.columns))")
            }
            let rows = inputs.rows
            let columns = inputs.columns
            // Column sums first; the global mean is their total.
            var columnMean = columnSums(of: inputs) { value, _ in value }
            for j in 0..<columns { columnMean[j] /= Double(rows) }
            switch scope {
            case .global:
                let mean = columnMean.reduce(0, +) / Double(columns)
                let squares = columnSums(of: inputs) { value, _ in (value - mean) * (value - mean) }
                let variance = squares.reduce(0, +) / Double(rows * columns)
                return .standardize(scope: .global, mean: [mean], standardDeviation: [nonZero(variance.squareRoot())])
            case .perFeature:
                let squares = columnSums(of: inputs) { value, column in
                    (value - columnMean[column]) * (value - columnMean[column])
                }
                let deviations = squares.map { nonZero(($0 / Double(rows)).squareRoot()) }
                return .standardize(scope: .perFeature, mean: columnMean, standardDeviation: deviations)
            }
        }
    }

    /// Σᵢ term(xᵢⱼ, j) for each column j, in Double; rows are added one at a time so the
    /// inner loop runs along a row (contiguous in memory).
    @inline(__always)
    private static func columnSums<Scalar: NetworkScalar>(
        of inputs: Matrix<Scalar>, _ term: (Double, Int) -> Double
    ) -> [Double] {
        let columns = inputs.columns
        var sums = [Double](repeating: 0, count: columns)
        inputs.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<inputs.rows {
                    let base = values.baseAddress! + row * columns
                    for j in 0..<columns { sums[j] += term(Double(base[j]), j) }
                }
            }
        }
        return sums
    }

    private static func nonZero(_ deviation: Double) -> Double {
        deviation == 0 ? 1 : deviation
    }

    // MARK: - Applying

    /// Checks that this scaling can be applied to inputs with `featureCount` columns: a
    /// finite non-zero divisor; as many σ as μ, one of each for `.global` and one per
    /// column for `.perFeature`.
    public func validate(featureCount: Int) throws(ScalingError) {
        switch self {
        case .none:
            break
        case .divide(let divisor):
            guard divisor.isFinite, divisor != 0 else {
                throw ScalingError("input scaling: cannot divide by \(divisor)")
            }
        case .standardize(let scope, let mean, let standardDeviation):
            guard mean.count == standardDeviation.count else {
                throw ScalingError("input scaling: \(mean.count) means but \(standardDeviation.count) standard deviations")
            }
            switch scope {
            case .global where mean.count != 1:
                throw ScalingError("input scaling: global standardization needs one mean and one standard deviation, got \(mean.count)")
            case .perFeature where mean.count != featureCount:
                throw ScalingError("input scaling: fitted on \(mean.count) features, but the inputs have \(featureCount)")
            default:
                break
            }
        }
    }

    /// Scales `inputs` in place: x′ = x / d, or x′ = (x − μ) / σ.
    /// One pass over the storage through pointers; allocates only the per-feature μ and σ
    /// converted to `Scalar` (one array each).
    /// - Throws: `ScalingError` if per-feature statistics do not match the column count.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply<Scalar: NetworkScalar>(to inputs: inout Matrix<Scalar>) throws(ScalingError) {
        try validate(featureCount: inputs.columns)
        let rows = inputs.rows
        let columns = inputs.columns
        switch self {
        case .none:
            return
        case .divide(let divisor):
            let d = Scalar(divisor)
            inputs.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = values[i] / d }
            }
        case .standardize(.global, let mean, let standardDeviation):
            let mu = Scalar(mean[0])
            let sigma = Scalar(standardDeviation[0])
            inputs.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = (values[i] - mu) / sigma }
            }
        case .standardize(.perFeature, let mean, let standardDeviation):
            let mu = mean.map { Scalar($0) }
            let sigma = standardDeviation.map { Scalar($0) }
            mu.withUnsafeBufferPointer { mu in
                sigma.withUnsafeBufferPointer { sigma in
                    inputs.withUnsafeMutableBufferPointer { values in
                        for row in 0..<rows {
                            let x = values.baseAddress! + row * columns
                            for j in 0..<columns { x[j] = (x[j] - mu[j]) / sigma[j] }
                        }
                    }
                }
            }
        }
    }

    /// Scales a data set's inputs in place (targets are left alone).
    public func apply<Scalar: NetworkScalar>(to dataset: inout Dataset<Scalar>) throws(ScalingError) {
        try apply(to: &dataset.inputs)
    }

    /// A scaled copy of `inputs`.
    public func applied<Scalar: NetworkScalar>(to inputs: Matrix<Scalar>) throws(ScalingError) -> Matrix<Scalar> {
        var copy = inputs
        try apply(to: &copy)
        return copy
    }

    // MARK: - Model-file metadata

    /// The scaling as one line of JSON, for a model file's metadata:
    /// `{"kind":"none"}`, `{"divisor":255,"kind":"divide"}` or
    /// `{"kind":"standardize","mean":[…],"scope":"global","standard_deviation":[…]}`.
    /// `init(metadata:)` reads it back exactly.
    public var encodedMetadata: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding finite numbers, strings and arrays cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads `encodedMetadata`.
    /// - Throws: `ScalingError` for text that is not such JSON, or statistics that cannot
    ///   be applied (σ ≤ 0, values not finite, μ and σ of different lengths).
    public init(metadata: String) throws(ScalingError) {
        do {
            self = try JSONDecoder().decode(InputScaling.self, from: Data(metadata.utf8))
        } catch let error as ScalingError {
            throw error
        } catch {
            throw ScalingError("input scaling metadata: not a valid scaling (\(Self.summary(of: error)))")
        }
    }

    private static func summary(of error: any Swift.Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? context.debugDescription
                : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: "\(error)"
        }
    }
}

extension InputScaling: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, divisor, scope, mean
        case standardDeviation = "standard_deviation"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .none:
            try container.encode("none", forKey: .kind)
        case .divide(let divisor):
            try container.encode("divide", forKey: .kind)
            try container.encode(divisor, forKey: .divisor)
        case .standardize(let scope, let mean, let standardDeviation):
            try container.encode("standardize", forKey: .kind)
            try container.encode(scope, forKey: .scope)
            try container.encode(mean, forKey: .mean)
            try container.encode(standardDeviation, forKey: .standardDeviation)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "none":
            self = .none
        case "divide":
            let divisor = try container.decode(Double.self, forKey: .divisor)
            guard divisor.isFinite, divisor != 0 else {
                throw ScalingError("input scaling metadata: divisor \(divisor) is not a finite non-zero number")
            }
            self = .divide(by: divisor)
        case "standardize":
            let scope = try container.decode(Scope.self, forKey: .scope)
            let mean = try container.decode([Double].self, forKey: .mean)
            let standardDeviation = try container.decode([Double].self, forKey: .standardDeviation)
            guard mean.count == standardDeviation.count, !mean.isEmpty, scope == .perFeature || mean.count == 1 else {
                throw ScalingError("input scaling metadata: \(scope.rawValue) standardization with \(mean.count) means and \(standardDeviation.count) standard deviations")
            }
            guard mean.allSatisfy(\.isFinite), standardDeviation.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw ScalingError("input scaling metadata: means must be finite and standard deviations finite and positive")
            }
            self = .standardize(scope: scope, mean: mean, standardDeviation: standardDeviation)
        default:
            throw ScalingError("input scaling metadata: unknown kind '\(kind)'; expected none, divide or standardize")
        }
    }
}
