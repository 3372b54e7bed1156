/// Which columns of a CSV file are the targets and which are left out, each named by its
/// header name or by its 1-based column number; every other column, in file order, is a
/// feature. With no targets named, the last column (the last k for k regression outputs)
/// that is not left out is the target.
///
///     CSVColumns(targets: ["species"], ignored: ["id"])
public struct CSVColumns: Codable, Equatable, Sendable {
    /// The target columns (empty: the last ones).
    public var targets: [String]
    /// Columns neither feature nor target (an id, a free-text note).
    public var ignored: [String]

    public init(targets: [String] = [], ignored: [String] = []) {
        self.targets = targets
        self.ignored = ignored
    }

    /// Whether the selection is the default one (the last column(s) the targets, all the
    /// rest features).
    public var isDefault: Bool { targets.isEmpty && ignored.isEmpty }

    /// "--target species --ignore id", as the command line says it ("" for the default).
    public var description: String {
        var parts: [String] = []
        if !targets.isEmpty { parts.append("--target \(targets.joined(separator: ","))") }
        if !ignored.isEmpty { parts.append("--ignore \(ignored.joined(separator: ","))") }
        return parts.joined(separator: " ")
    }

    /// The 0-based column of `name` in a file of `width` columns with `header`: the header
    /// name first, else a column number 1…width; nil when neither.
    static func index(of name: String, header: [String]?, width: Int) -> Int? {
        if let header, let index = header.firstIndex(of: name) { return index }
        if let number = Int(name), number >= 1, number <= width { return number - 1 }
        return nil
    }

    /// The feature and target columns (0-based, file order) of a file with `header` and
    /// `width` columns; `defaultTargetCount` target columns when none are named. With
    /// `requiringTargets` false (rows to predict), named targets and ignored columns the file
    /// lacks are skipped and no default target is taken.
    public func resolve(
        header: [String]?, width: Int, defaultTargetCount: Int, source: String, requiringTargets: Bool = true
    ) throws(CSVReader.Error) -> (features: [Int], targets: [Int]) {
        func columns(_ names: [String], role: String, required: Bool) throws(CSVReader.Error) -> [Int] {
            var found: [Int] = []
            for name in names {
                guard let index = Self.index(of: name, header: header, width: width) else {
                    guard required else { continue }
                    let known = header.map { ": the columns are \($0.prefix(12).map { "'\(CSVReader.excerpt($0))'" }.joined(separator: ", "))\($0.count > 12 ? ", …" : "")" }
                        ?? " (the file has no header, so columns are named by number, 1…\(width))"
                    throw CSVReader.Error(description: "\(source): no column '\(CSVReader.excerpt(name))' for \(role)\(known)")
                }
                guard !found.contains(index) else {
                    throw CSVReader.Error(description: "\(source): column '\(CSVReader.excerpt(name))' is named twice for \(role)")
                }
                found.append(index)
            }
            return found
        }
        let ignoredColumns = try columns(ignored, role: "--ignore", required: requiringTargets)
        var targetColumns = try columns(targets, role: "--target", required: requiringTargets)
        if let both = targetColumns.first(where: ignoredColumns.contains) {
            throw CSVReader.Error(description: "\(source): column \(both + 1) is both a target and ignored")
        }
        if targets.isEmpty && requiringTargets {
            let candidates = (0..<width).filter { !ignoredColumns.contains($0) }
            targetColumns = Array(candidates.suffix(defaultTargetCount))
        }
        let features = (0..<width).filter { !ignoredColumns.contains($0) && !targetColumns.contains($0) }
        guard !features.isEmpty else {
            throw CSVReader.Error(description: "\(source): no feature column is left (\(width) columns, \(targetColumns.count) target(s), \(ignoredColumns.count) ignored)")
        }
        return (features, targetColumns)
    }
}
