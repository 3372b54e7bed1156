/// Splits CSV text into records of fields as RFC 4180 writes them (and pandas, Excel and
/// spreadsheets export them): fields separated by one delimiter, records by LF, CR or CRLF;
/// a field in double quotes may hold the delimiter, line breaks and `""` for one quote.
/// Unquoted fields are trimmed of spaces and tabs (unless the delimiter is a tab); quoted ones
/// are kept as written. Blank lines are skipped; a UTF-8 byte order mark is ignored.
struct CSVRecords {
    /// The delimiters recognized when none is given, in order of preference.
    static let candidates: [Character] = [",", "\t", ";", "|"]

    let delimiter: Character
    /// Each record's fields with the 1-based line it starts on.
    let records: [(line: Int, fields: [String])]

    /// Why text cannot be split: the 1-based line and what is wrong.
    struct Malformed: Error {
        var line: Int
        var problem: String
    }

    /// The records of `text`, split at `delimiter`, or at the one `detectDelimiter` finds.
    init(text: String, delimiter: Character? = nil) throws(Malformed) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let chosen = delimiter ?? Self.detectDelimiter(body)
        self.delimiter = chosen
        self.records = try Self.split(body, delimiter: chosen)
    }

    /// The candidate that splits the first records (up to 20) into the same number of fields,
    /// more than one, each time; the first such in `candidates` order, else a comma (a file of
    /// one column).
    static func detectDelimiter(_ text: String) -> Character {
        var sample = ""
        var lines = 0
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            sample += line + "\n"
            lines += 1
            if lines == 20 { break }
        }
        for candidate in candidates {
            guard let records = try? split(sample, delimiter: candidate), let first = records.first,
                first.fields.count > 1, records.allSatisfy({ $0.fields.count == first.fields.count })
            else { continue }
            return candidate
        }
        return ","
    }

    /// The state machine of RFC 4180, over the text's characters (CRLF is one `Character`).
    static func split(_ text: String, delimiter: Character) throws(Malformed) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false        // the current field began with a quote
        var inQuotes = false      // inside its quotes
        var afterQuote = false    // its closing quote was just read
        var line = 1
        var recordLine = 1
        var recordHasContent = false
        let trimmed: (String) -> String = { value in
            delimiter == "\t"
                ? value.trimmingSpaces(tabs: false)
                : value.trimmingSpaces(tabs: true)
        }
        func endField() {
            fields.append(quoted ? field : trimmed(field))
            field = ""
            quoted = false
            afterQuote = false
        }
        func endRecord() {
            endField()
            if recordHasContent { records.append((recordLine, fields)) }
            fields = []
            recordHasContent = false
        }
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            if afterQuote && character == "\"" {
                // "" inside a quoted field: one quote, and the field goes on.
                field.append("\"")
                inQuotes = true
                afterQuote = false
                continue
            }
            if character == delimiter {
                recordHasContent = true
                endField()
            } else if character.isNewline {
                endRecord()
                line += 1
                recordLine = line
            } else if character == "\"" && !quoted && field.allSatisfy({ $0 == " " || $0 == "\t" }) {
                field = ""
                quoted = true
                inQuotes = true
                recordHasContent = true
            } else if afterQuote {
                if character == " " || character == "\t" { continue }
                throw Malformed(line: line, problem: "text after a closing quote (a quote inside a quoted field is written \"\")")
            } else {
                field.append(character)
                if character != " " && character != "\t" { recordHasContent = true }
            }
        }
        if inQuotes { throw Malformed(line: recordLine, problem: "a quoted field is not closed before the end of the file") }
        endRecord()
        return records
    }
}

extension String {
    /// Without leading and trailing spaces (and tabs, when `tabs`).
    func trimmingSpaces(tabs: Bool) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || (tabs && $0 == "\t") }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
