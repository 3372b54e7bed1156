/// The three entries of an NPY header.
struct NPYHeader {
    var descriptor: String
    var dataType: NPYDataType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
}

/// A strict parser for the Python dict literal of an NPY header: string keys, values that
/// are strings, `True`/`False` or tuples of non-negative integers, and nothing else.
struct NPYHeaderParser {
    let bytes: ArraySlice<UInt8>
    let source: String
    var position: Int

    init(bytes: ArraySlice<UInt8>, source: String) {
        self.bytes = bytes
        self.source = source
        self.position = bytes.startIndex
    }

    private enum Value {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
    }

    mutating func parse() throws(DataFileError) -> NPYHeader {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        var entries: [String: Value] = [:]
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; break }
            guard case .string(let key) = try value() else { throw malformed("dictionary keys must be strings") }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            guard entries[key] == nil else { throw malformed("key '\(key)' appears twice") }
            entries[key] = try value()
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            skipWhitespace()
            try expect(UInt8(ascii: "}"))
            break
        }
        skipWhitespace()
        guard position == bytes.endIndex else { throw malformed("unexpected text after the closing brace") }

        let expected: Set = ["descr", "fortran_order", "shape"]
        let unexpected = Set(entries.keys).subtracting(expected).sorted()
        guard unexpected.isEmpty else {
            throw malformed("unexpected key\(unexpected.count == 1 ? "" : "s") \(unexpected.map { "'\($0)'" }.joined(separator: ", "))")
        }
        guard case .string(let descriptor)? = entries["descr"] else {
            throw malformed(entries["descr"] == nil ? "missing key 'descr'" : "'descr' must be a string such as '<f4'")
        }
        guard case .boolean(let fortranOrder)? = entries["fortran_order"] else {
            throw malformed(entries["fortran_order"] == nil ? "missing key 'fortran_order'" : "'fortran_order' must be True or False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw malformed(entries["shape"] == nil ? "missing key 'shape'" : "'shape' must be a tuple of integers")
        }
        let (dataType, bigEndian) = try parseDescriptor(descriptor)
        return NPYHeader(descriptor: descriptor, dataType: dataType, bigEndian: bigEndian, fortranOrder: fortranOrder, shape: shape)
    }

    /// `'<f4'` → (.float32, little-endian). The byte-order character is `<`, `>`, `=` (this
    /// machine's, little-endian on every supported platform) or `|` (not applicable: one-byte
    /// types only).
    private func parseDescriptor(_ descriptor: String) throws(DataFileError) -> (NPYDataType, Bool) {
        let supported = NPYDataType.allCases.map { $0.rawValue }.joined(separator: ", ")
        guard let order = descriptor.first, "<>=|".contains(order),
              let dataType = NPYDataType(rawValue: String(descriptor.dropFirst()))
        else {
            throw DataFileError(
                path: source, kind: .unsupportedFormat,
                message: "dtype '\(descriptor)' is not supported; supported: \(supported) with byte order <, > or |")
        }
        if order == "|" && dataType.size != 1 {
            throw DataFileError(
                path: source, kind: .malformedHeader,
                message: "dtype '\(descriptor)' has no byte order but its elements are \(dataType.size) bytes")
        }
        return (dataType, order == ">" && dataType.size > 1)
    }

    private mutating func value() throws(DataFileError) -> Value {
        guard let first = peek() else { throw malformed("header ends inside the dictionary") }
        switch first {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            position += 1
            let start = position
            while let byte = peek(), byte != first {
                guard byte != UInt8(ascii: "\\") else { throw malformed("escapes in strings are not supported") }
                position += 1
            }
            guard peek() == first else { throw malformed("unterminated string") }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            position += 1
            return .string(text)
        case UInt8(ascii: "T"), UInt8(ascii: "F"):
            if consume("True") { return .boolean(true) }
            if consume("False") { return .boolean(false) }
            throw malformed("expected True or False")
        case UInt8(ascii: "("):
            position += 1
            var items: [Int] = []
            while true {
                skipWhitespace()
                if peek() == UInt8(ascii: ")") { position += 1; break }
                items.append(try integer())
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                skipWhitespace()
                try expect(UInt8(ascii: ")"))
                break
            }
            return .tuple(items)
        case UInt8(ascii: "["):
            throw DataFileError(
                path: source, kind: .unsupportedFormat,
                message: "structured dtypes (a list in 'descr') are not supported")
        default:
            throw malformed("unexpected character '\(String(decoding: [first], as: UTF8.self))' at header offset \(position - bytes.startIndex)")
        }
    }

    /// A non-negative decimal integer (Python 2's `L` suffix allowed).
    private mutating func integer() throws(DataFileError) -> Int {
        var result = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw malformed("shape dimension does not fit in 64 bits") }
            result = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            if peek() == UInt8(ascii: "-") { throw malformed("shape has a negative dimension") }
            throw malformed("'shape' must be a tuple of non-negative integers")
        }
        if peek() == UInt8(ascii: "L") { position += 1 }
        return result
    }

    private func peek() -> UInt8? {
        position < bytes.endIndex ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(DataFileError) {
        guard peek() == byte else {
            let found = peek().map { "'\(String(decoding: [$0], as: UTF8.self))'" } ?? "the end of the header"
            throw malformed("expected '\(String(decoding: [byte], as: UTF8.self))' but found \(found)")
        }
        position += 1
    }

    private mutating func consume(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes[position...].starts(with: utf8) else { return false }
        position += utf8.count
        return true
    }

    private func malformed(_ problem: String) -> DataFileError {
        DataFileError(path: source, kind: .malformedHeader, message: "malformed NPY header: \(problem)")
    }
}
