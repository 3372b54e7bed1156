/// The CSV layout of the CS229 neural-network problem set: `images_train.csv` with one image
/// per row (784 comma-separated numbers, no header) and `labels_train.csv` with one integer
/// label per row (no header), as NumPy's `savetxt` writes them (`7`, `7.0` and
/// `7.000000000000000000e+00` all read as 7).
///
/// Rows end in `\n` or `\r\n`; blank lines at the end of a file are ignored, a blank line
/// before the last row is an error. Spaces around fields are allowed. Every error names the
/// file and the 1-based row (and column, for a bad field). Files may be gzip-compressed.
public enum CS229CSV {
    /// The largest file accepted unless told otherwise: 4 GiB (60000 × 784 values written
    /// with `%.18e` take about 1.2 GB).
    public static let defaultMaximumFileSize = 4 << 30

    /// Reads the images and their labels, one example per row.
    ///
    /// - Parameter classCount: if given, labels must be below it.
    /// - Returns: images as n × (values per row) raw values, and n labels.
    /// - Throws: ``DataFileError``, including `.countMismatch` when the files' row counts differ.
    public static func load(
        imagesPath: String, labelsPath: String, classCount: Int? = nil
    ) throws(DataFileError) -> (images: Matrix<Float>, labels: [Int]) {
        let images = try readImages(path: imagesPath)
        let labels = try readLabels(path: labelsPath, classCount: classCount)
        guard images.rows == labels.count else {
            throw DataFileError(
                path: imagesPath, kind: .countMismatch,
                message: "holds \(images.rows) images but \(labelsPath) holds \(labels.count) labels")
        }
        return (images, labels)
    }

    /// Reads a file of equally long rows of numbers as a matrix, one row per line.
    public static func readImages(path: String, maximumFileSize: Int = defaultMaximumFileSize) throws(DataFileError) -> Matrix<Float> {
        let bytes = try DataFileBytes.read(path: path, maximumSize: maximumFileSize)
        let table = try parseTable(bytes, path: path, as: Float.self)
        return Matrix(rows: table.rows, columns: table.columns, elements: table.values)
    }

    /// Reads a file of one non-negative integer label per line.
    ///
    /// - Parameter classCount: if given, labels must be below it; otherwise below 2²⁴.
    public static func readLabels(
        path: String, classCount: Int? = nil, maximumFileSize: Int = defaultMaximumFileSize
    ) throws(DataFileError) -> [Int] {
        let bytes = try DataFileBytes.read(path: path, maximumSize: maximumFileSize)
        let table = try parseTable(bytes, path: path, as: Double.self)
        guard table.columns <= 1 else {
            throw DataFileError(
                path: path, kind: .raggedRow, row: 1,
                message: "a label file holds one value per row, this row has \(table.columns)")
        }
        let limit = classCount ?? 16_777_216
        var labels = [Int]()
        labels.reserveCapacity(table.values.count)
        for (index, value) in table.values.enumerated() {
            guard value >= 0, value < Double(limit), value.rounded(.towardZero) == value else {
                let problem = value < 0 ? "is negative"
                    : value.rounded(.towardZero) != value ? "is not an integer"
                    : classCount == nil ? "is 2^24 or more" : "is not below the class count \(limit)"
                throw DataFileError(
                    path: path, kind: .labelOutOfRange, row: index + 1,
                    message: "label \(formatted(value)) \(problem)")
            }
            labels.append(Int(value))
        }
        return labels
    }

    /// A whole number without a trailing ".0", any other value as Swift prints it.
    private static func formatted(_ value: Double) -> String {
        value.rounded(.towardZero) == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The numbers of a comma-separated file, row-major, with every row as long as the first.
    static func parseTable<Scalar: BinaryFloatingPoint>(
        _ bytes: [UInt8], path: String, as: Scalar.Type
    ) throws(DataFileError) -> (values: [Scalar], rows: Int, columns: Int) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DataFileError) in try parseTable(buffer, path: path, as: Scalar.self) }
        }
        return try result.get()
    }

    private static func parseTable<Scalar: BinaryFloatingPoint>(
        _ buffer: UnsafeBufferPointer<UInt8>, path: String, as: Scalar.Type
    ) throws(DataFileError) -> (values: [Scalar], rows: Int, columns: Int) {
        guard let base = buffer.baseAddress else { return ([], 0, 0) }
        let end = buffer.count
        let newline = UInt8(ascii: "\n")
        let comma = UInt8(ascii: ",")
        var start = 0
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }  // UTF-8 byte-order mark

        // The output is sized once from the file itself (never from its contents' claims):
        // the first row's field count times the line count, but no more than the number of
        // values the bytes can hold (every value takes a digit and a separator).
        var firstLineEnd = start
        while firstLineEnd < end && base[firstLineEnd] != newline { firstLineEnd += 1 }
        let columnGuess = 1 + count(comma, in: base, from: start, to: firstLineEnd)
        let lines = 1 + count(newline, in: base, from: firstLineEnd, to: end)
        let capacity = min(lines.multipliedSaturating(by: columnGuess), end / 2 + 1)

        var failure: DataFileError?
        var columns: Int?
        var row = 0
        let values = [Scalar](unsafeUninitializedCapacity: capacity) { output, initialized in
            var written = 0
            defer { initialized = written }
            var position = start
            do throws(DataFileError) {
                while position < end {
                    row += 1
                    var lineEnd = position
                    while lineEnd < end && base[lineEnd] != newline { lineEnd += 1 }
                    var contentEnd = lineEnd
                    if contentEnd > position && base[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }

                    if isBlank(base, from: position, to: contentEnd) {
                        if isBlank(base, from: lineEnd, to: end) { break }
                        throw DataFileError(path: path, kind: .raggedRow, row: row, message: "row is empty")
                    }

                    var column = 0
                    var fieldStart = position
                    while true {
                        if let columns, column == columns {
                            let found = column + 1 + count(comma, in: base, from: fieldStart, to: contentEnd)
                            throw DataFileError(
                                path: path, kind: .raggedRow, row: row,
                                message: "expected \(columns) fields (as in row 1) but found \(found)")
                        }
                        column += 1
                        var fieldBegin = fieldStart
                        while fieldBegin < contentEnd && isSpace(base[fieldBegin]) { fieldBegin += 1 }
                        var value: Double
                        var fieldEnd: Int
                        var trusted = false
                        value = 0
                        fieldEnd = fieldBegin
                        if let scanned = NumericFieldParser.scan(base, from: fieldBegin, to: contentEnd) {
                            fieldEnd = scanned.end
                            while fieldEnd < contentEnd && isSpace(base[fieldEnd]) { fieldEnd += 1 }
                            if fieldEnd == contentEnd || base[fieldEnd] == comma {
                                if Scalar.self == Float.self {
                                    if let rounded = NumericFieldParser.correctlyRoundedFloat(scanned.value, scanned.precision) {
                                        value = Double(rounded)
                                        trusted = true
                                    }
                                } else if scanned.precision == .exact {
                                    value = scanned.value
                                    trusted = true
                                }
                            }
                        }
                        if !trusted {
                            (value, fieldEnd) = try slowField(
                                base, start: fieldBegin, contentEnd: contentEnd, asFloat: Scalar.self == Float.self,
                                path: path, row: row, column: column)
                        }
                        let stored = Scalar(value)
                        guard stored.isFinite else {
                            let text = String(decoding: UnsafeBufferPointer(start: base + fieldBegin, count: fieldEnd - fieldBegin), as: UTF8.self)
                                .trimmingSpaces()
                            throw DataFileError(
                                path: path, kind: .nonFiniteValue, row: row,
                                message: "column \(column): '\(text)' is not a finite \(Scalar.self)")
                        }
                        guard written < capacity else {
                            throw DataFileError(path: path, kind: .raggedRow, row: row, message: "more values than the file's lines can hold")
                        }
                        output.initializeElement(at: written, to: stored)
                        written += 1
                        if fieldEnd >= contentEnd { break }
                        fieldStart = fieldEnd + 1  // past the comma
                    }
                    if let columns, column != columns {
                        throw DataFileError(
                            path: path, kind: .raggedRow, row: row,
                            message: "expected \(columns) fields (as in row 1) but found \(column)")
                    }
                    if columns == nil { columns = column }
                    position = lineEnd + 1
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return (values, values.isEmpty ? 0 : values.count / (columns ?? 1), columns ?? 0)
    }

    /// A field the fast scanner could not finish: ends at the next comma, parsed by `strtod`
    /// (or `strtof` for `Float` output, so that it is rounded once).
    private static func slowField(
        _ base: UnsafePointer<UInt8>, start: Int, contentEnd: Int, asFloat: Bool, path: String, row: Int, column: Int
    ) throws(DataFileError) -> (Double, Int) {
        var fieldEnd = start
        while fieldEnd < contentEnd && base[fieldEnd] != UInt8(ascii: ",") { fieldEnd += 1 }
        var trimmedEnd = fieldEnd
        while trimmedEnd > start && isSpace(base[trimmedEnd - 1]) { trimmedEnd -= 1 }
        guard trimmedEnd > start else {
            throw DataFileError(path: path, kind: .malformedValue, row: row, message: "column \(column) is empty")
        }
        guard let value = NumericFieldParser.parseField(base, from: start, to: trimmedEnd, asFloat: asFloat) else {
            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: min(trimmedEnd - start, 40)), as: UTF8.self)
            throw DataFileError(
                path: path, kind: .malformedValue, row: row,
                message: "column \(column): '\(text)' is not a number")
        }
        return (value, fieldEnd)
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func isBlank(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let byte = base[index]
            guard isSpace(byte) || byte == 0x0A || byte == 0x0D else { return false }
            index += 1
        }
        return true
    }

    private static func count(_ target: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var total = 0
        var index = start
        while index < end {
            if base[index] == target { total += 1 }
            index += 1
        }
        return total
    }
}

private extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
