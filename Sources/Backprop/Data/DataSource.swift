/// Where a data set comes from, as written on the command line:
/// `moons`, `blobs`, `xor`, `spiral` (built in), `csv:PATH`.
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    case synthetic(SyntheticData)
    case csv(path: String)

    /// Parses a `--data` value.
    public init(parsing text: String) throws(DataSourceError) {
        if let synthetic = SyntheticData(rawValue: text) {
            self = .synthetic(synthetic)
            return
        }
        if text.hasPrefix("csv:") {
            let path = String(text.dropFirst(4))
            guard !path.isEmpty else { throw DataSourceError(description: "--data csv: needs a path, e.g. csv:train.csv") }
            self = .csv(path: path)
            return
        }
        let known = SyntheticData.allCases.map(\.rawValue).joined(separator: ", ")
        throw DataSourceError(description: "unknown data set '\(text)': expected one of \(known), or csv:PATH")
    }

    public var description: String {
        switch self {
        case .synthetic(let set): set.rawValue
        case .csv(let path): "csv:\(path)"
        }
    }

    /// Loads the examples, with targets shaped for `loss` on a network with `outputSize`
    /// outputs (CSV: the last column is the class index, or the last k columns are targets).
    public func load<Scalar: NetworkScalar>(
        loss: LossFunction, outputSize: Int, seed: UInt64 = 0, as: Scalar.Type = Scalar.self
    ) throws(DataSourceError) -> Dataset<Scalar> {
        switch self {
        case .synthetic(let set):
            return set.generate(count: 400, seed: seed)
        case .csv(let path):
            do {
                return try CSVReader.dataset(path: path, targetColumns: loss.targetColumns(outputSize: outputSize))
            } catch {
                throw DataSourceError(description: error.description)
            }
        }
    }
}

/// A data source that cannot be parsed or loaded; the message names the file.
public struct DataSourceError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(description: String) { self.description = description }
}
