import Foundation

/// Reads numeric CSV files: comma-separated numbers, one example per line, an optional
/// header row (detected when the first line has a non-numeric field), blank lines ignored.
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

    /// Every data row as numbers, with the header (if any) returned separately.
    public static func read(path: String) throws(CSVReader.Error) -> (header: [String]?, rows: [[Double]]) {
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
        guard let text = String(data: data, encoding: .utf8) else {
            throw Error(description: "\(path): not UTF-8 text")
        }
        var header: [String]?
        var rows: [[Double]] = []
        var width: Int?
        // Character.isNewline covers "\n", "\r" and "\r\n" (one Character in Swift).
        for (lineIndex, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            // Double(String) stops at a NUL byte ("1\0xyz" would read as 1): a field with one is
            // not a number.
            let numbers = fields.map { $0.utf8.contains(0) ? nil : Double($0) }
            if rows.isEmpty && header == nil && numbers.contains(where: { $0 == nil }) && lineIndex == 0 {
                header = fields
                width = fields.count
                continue
            }
            if let width, fields.count != width {
                throw Error(description: "\(path): line \(lineIndex + 1) has \(fields.count) fields, expected \(width)")
            }
            width = fields.count
            var row: [Double] = []
            row.reserveCapacity(fields.count)
            for (column, number) in numbers.enumerated() {
                guard let number else {
                    throw Error(description: "\(path): line \(lineIndex + 1), column \(column + 1): '\(Self.excerpt(fields[column]))' is not a number")
                }
                guard number.isFinite else {
                    throw Error(description: "\(path): line \(lineIndex + 1), column \(column + 1): \(Self.excerpt(fields[column])) is not a finite number")
                }
                row.append(number)
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw Error(description: "\(path): no data rows") }
        return (header, rows)
    }

    /// A data set from a CSV file whose last `targetColumns` columns are the targets.
    ///
    /// For classification with class indices, `targetColumns` is 1 and the last column must
    /// hold integers ≥ 0.
    public static func dataset<Scalar: NetworkScalar>(
        path: String, targetColumns: Int, as: Scalar.Type = Scalar.self
    ) throws(CSVReader.Error) -> Dataset<Scalar> {
        let (_, rows) = try read(path: path)
        let width = rows[0].count
        guard width > targetColumns else {
            throw Error(description: "\(path): rows have \(width) columns, but \(targetColumns) target column(s) plus at least one feature are needed")
        }
        let features = width - targetColumns
        var inputs = Matrix<Scalar>(rows: rows.count, columns: features)
        var targets = Matrix<Scalar>(rows: rows.count, columns: targetColumns)
        for (r, row) in rows.enumerated() {
            for c in 0..<features { inputs[r, c] = Scalar(row[c]) }
            for c in 0..<targetColumns { targets[r, c] = Scalar(row[features + c]) }
        }
        return Dataset(inputs: inputs, targets: targets)
    }
}
