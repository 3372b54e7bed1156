/// Rows of cells as plain-text table lines: every column left-aligned and padded to its widest
/// cell (widths in `Character`s), columns separated by two spaces, trailing spaces removed.
/// The first row is usually the header.
public func alignedRows(_ rows: [[String]]) -> [String] {
    let columnCount = rows.map(\.count).max() ?? 0
    let widths = (0..<columnCount).map { column in
        rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    return rows.map { cells in
        var line = cells.enumerated().map { column, cell in
            cell + String(repeating: " ", count: widths[column] - cell.count)
        }.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line
    }
}
