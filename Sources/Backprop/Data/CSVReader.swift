import Foundation

/// Reads CSV files as people have them: one example per record, an optional header row
/// (detected when the first line has a non-numeric field), fields as RFC 4180 quotes them,
/// separated by a comma, a tab (always for `.tsv` files), a semicolon or a bar, whichever
/// splits the first records alike (`CSVRecords`); a UTF-8 byte order mark, CRLF line ends
/// and blank lines are accepted.
public enum CSVReader {
    /// Errors name the file and the 1-based line.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public var description: String
        init(description: String) { self.description = description.escapingControlCharacters }
    }

    /// A field as quoted in a message: at most 40 characters, then "… (N characters)".
    static func excerpt(_ field: String) -> String {
        field.count <= 40 ? field : String(field.prefix(40)) + "… (\(field.count) characters)"
    }

    /// The file's lines as trimmed fields, with their 1-based line numbers, and the header:
    /// the first line when one of its fields is not a number while the next line's field in
    /// the same column is (a numeric file's column names; class names in the last column of
    /// every row are data, not a header). Every line has the same number of fields.
    public static func table(path: String) throws(CSVReader.Error) -> (header: [String]?, lines: [(number: Int, fields: [String])]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Error(description: "\(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw Error(description: "\(path): is a directory, not a CSV file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error(description: "\(path): cannot read the file")
        }
        return try table(data: data, source: path)
    }

    /// `table(path:)` of CSV bytes already read (standard input, say); `source` names them in
    /// messages, and a name ending in `.tsv` splits at tabs.
    public static func table(data: Data, source path: String) throws(CSVReader.Error) -> (header: [String]?, lines: [(number: Int, fields: [String])]) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw Error(description: "\(path): not UTF-8 text")
        }
        let records: CSVRecords
        do {
            records = try CSVRecords(text: text, delimiter: path.lowercased().hasSuffix(".tsv") ? "\t" : nil)
        } catch {
            throw Error(description: "\(path): line \(error.line): \(error.problem)")
        }
        var lines: [(number: Int, fields: [String])] = []
        var width: Int?
        for record in records.records {
            if let width, record.fields.count != width {
                throw Error(description: "\(path): line \(record.line) has \(record.fields.count) fields, expected \(width)")
            }
            width = record.fields.count
            lines.append((record.line, record.fields))
        }
        var header: [String]?
        if let first = lines.first, first.number == 1 {
            let next = lines.count > 1 ? lines[1].fields : nil
            let namesColumns = first.fields.indices.contains { column in
                number(first.fields[column]) == nil && (next.map { number($0[column]) != nil } ?? true)
            }
            if namesColumns {
                header = first.fields
                lines.removeFirst()
            }
        }
        guard !lines.isEmpty else { throw Error(description: "\(path): no data rows") }
        return (header, lines)
    }

    /// How pandas and spreadsheets write a missing value (pandas' default `na_values`, in part).
    static let missingMarkers: Set<String> = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "?", "-"]

    /// A field's value (spaces around it, as a quoted field may keep, ignored); nil when it is
    /// not a number. Double(String) stops at a NUL byte
    /// ("1\0xyz" would read as 1): a field with one is not a number.
    static func number(_ field: String) -> Double? {
        field.utf8.contains(0) ? nil : Double(field.trimmingSpaces(tabs: true))
    }

    /// The finite number in `field`, or an error naming the line and column.
    public static func finiteNumber(_ field: String, path: String, line: Int, column: Int) throws(CSVReader.Error) -> Double {
        if missingMarkers.contains(field) {
            throw Error(description: "\(path): line \(line), column \(column + 1): a missing value (\(field.isEmpty ? "an empty field" : "'\(field)'")); remove or fill the rows with missing values (pandas: df.dropna() or df.fillna(…))")
        }
        guard let value = number(field) else {
            throw Error(description: "\(path): line \(line), column \(column + 1): '\(excerpt(field))' is not a number")
        }
        guard value.isFinite else {
            throw Error(description: "\(path): line \(line), column \(column + 1): \(excerpt(field)) is not a finite number")
        }
        return value
    }

    /// Every data row as numbers, with the header (if any) returned separately.
    public static func read(path: String) throws(CSVReader.Error) -> (header: [String]?, rows: [[Double]]) {
        let (header, lines) = try table(path: path)
        var rows: [[Double]] = []
        rows.reserveCapacity(lines.count)
        for line in lines {
            var row: [Double] = []
            row.reserveCapacity(line.fields.count)
            for (column, field) in line.fields.enumerated() {
                row.append(try finiteNumber(field, path: path, line: line.number, column: column))
            }
            rows.append(row)
        }
        return (header, rows)
    }

    /// A data set from a CSV file whose last `targetColumns` columns are the targets, or
    /// whose `columns` say which are targets, features and left out (`CSVColumns`).
    ///
    /// For classification with class indices, there is one target column of integers ≥ 0, or
    /// of class names (`setosa`, `versicolor`, …): names are mapped to classes in sorted
    /// order, as scikit-learn's `LabelEncoder` does, or through `classNames` when given (a
    /// model's classes: an unknown name is an error naming the row), and kept as the data
    /// set's `classNames`.
    public static func dataset<Scalar: NetworkScalar>(
        path: String, targetColumns: Int, classNames: [String]? = nil, columns: CSVColumns = CSVColumns(),
        as: Scalar.Type = Scalar.self
    ) throws(CSVReader.Error) -> Dataset<Scalar> {
        let (header, lines) = try table(path: path)
        let width = lines[0].fields.count
        if columns.isDefault {
            guard width > targetColumns else {
                throw Error(description: "\(path): rows have \(width) columns, but \(targetColumns) target column(s) plus at least one feature are needed")
            }
        }
        let (featureIndices, targetIndices) = try columns.resolve(
            header: header, width: width, defaultTargetCount: targetColumns, source: path)
        var inputs = Matrix<Scalar>(rows: lines.count, columns: featureIndices.count)
        var targets = Matrix<Scalar>(rows: lines.count, columns: targetIndices.count)
        let namedClasses = targetIndices.count == 1 && lines.contains { number($0.fields[targetIndices[0]]) == nil }
        var names: [String]?
        var classOf: [String: Int] = [:]
        if namedClasses {
            let column = targetIndices[0]
            let found = Set(lines.map { $0.fields[column] })
            guard found.count <= Dataset<Scalar>.maximumClassCount else {
                throw Error(description: "\(path): column \(column + 1) holds \(found.count) distinct class names, more than \(Dataset<Scalar>.maximumClassCount)")
            }
            names = classNames ?? found.sorted()
            for (index, name) in names!.enumerated() { classOf[name] = index }
        }
        for (r, line) in lines.enumerated() {
            for (c, column) in featureIndices.enumerated() {
                inputs[r, c] = Scalar(try finiteNumber(line.fields[column], path: path, line: line.number, column: column))
            }
            if namedClasses {
                let column = targetIndices[0]
                let name = line.fields[column]
                if name.isEmpty { _ = try finiteNumber(name, path: path, line: line.number, column: column) }
                guard let index = classOf[name] else {
                    throw Error(description: "\(path): line \(line.number), column \(column + 1): class '\(excerpt(name))' is not one of the model's classes (\(names!.prefix(10).joined(separator: ", "))\(names!.count > 10 ? ", …" : ""))")
                }
                targets[r, 0] = Scalar(index)
            } else {
                for (c, column) in targetIndices.enumerated() {
                    targets[r, c] = Scalar(try finiteNumber(line.fields[column], path: path, line: line.number, column: column))
                }
            }
        }
        return Dataset(inputs: inputs, targets: targets, classNames: names)
    }
}
