import Foundation

/// A confusion matrix as a shaded grid: row = true class, column = predicted class, each cell
/// showing its count and shaded by the square root of its fraction of the row (row-relative so
/// rare classes read as clearly as common ones; square root so that a 2% confusion is still
/// visibly tinted next to a 90% diagonal); each row's recall is printed to its right.
struct ConfusionMatrixView {
    var counts: [[Int]]
    var classNames: [String]?

    static let maximumNameLength = 16

    /// "90.5%": `part / whole` with one decimal.
    static func percent(_ part: Int, of whole: Int) -> String {
        String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }

    private func name(_ index: Int) -> String {
        if let classNames, index < classNames.count, !classNames[index].isEmpty {
            return HTMLEscaping.truncated(classNames[index], maximumLength: Self.maximumNameLength)
        }
        return String(index)
    }

    /// Why the matrix cannot be drawn, or nil.
    private var problem: String? {
        if counts.isEmpty { return "it is empty" }
        if let row = counts.firstIndex(where: { $0.count != counts.count }) {
            return "it must be square, but row \(row) has \(counts[row].count) entries for \(counts.count) rows"
        }
        return nil
    }

    func html() -> String {
        if let problem {
            return "<p class=\"note\">Confusion matrix not shown: \(HTMLEscaping.escaped(problem)).</p>"
        }
        let total = counts.joined().reduce(0, +)
        let correct = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        var caption = "Rows: true class, columns: predicted class; darker cells hold a larger share of their row "
        caption += "(square-root scale). Recall per true class on the right."
        if total > 0 {
            caption += " Accuracy \(Self.percent(correct, of: total)) (\(correct) of \(total))."
        }
        return "<figure>\n\(svg())\n<figcaption>\(caption)</figcaption>\n</figure>"
    }

    func svg() -> String {
        let classCount = counts.count
        let cell = min(max((560.0 / Double(classCount)).rounded(.down), 12), 56)
        let names = (0..<classCount).map(name)
        let labelWidth = names.map { SVGCanvas.estimatedWidth($0, size: 12) }.max() ?? 0
        let rotateColumnLabels = labelWidth > cell - 4
        let left = 34 + labelWidth + 10
        let top = 12.0
        let gridSize = cell * Double(classCount)
        let columnLabelHeight = rotateColumnLabels ? labelWidth * 0.75 + 14 : 20
        let recallWidth = 70.0
        var canvas = SVGCanvas(
            width: max(left + gridSize + recallWidth, 300),
            height: top + gridSize + columnLabelHeight + 34)

        let rowTotals = counts.map { $0.reduce(0, +) }
        let fontSize = min(12, cell * 0.36)
        for row in 0..<classCount {
            for column in 0..<classCount {
                let count = counts[row][column]
                let fraction = rowTotals[row] > 0 ? max(Double(count), 0) / Double(rowTotals[row]) : 0
                let shade = fraction.squareRoot()
                let x = left + Double(column) * cell
                let y = top + Double(row) * cell
                canvas.rect(x: x, y: y, width: cell, height: cell, fill: ChartPalette.tint(ChartPalette.sequential, shade), stroke: "#fff", strokeWidth: 1)
                let text = String(count)
                if cell >= 16, SVGCanvas.estimatedWidth(text, size: fontSize) <= cell - 3 {
                    canvas.text(
                        text, x: x + cell / 2, y: y + cell / 2 + fontSize * 0.35, anchor: .middle, size: fontSize,
                        fill: shade > 0.6 ? "#fff" : "#222", bold: row == column)
                }
            }
            let middle = top + (Double(row) + 0.5) * cell
            canvas.text(names[row], x: left - 6, y: middle + 4, anchor: .end, size: 12)
            let recall = rowTotals[row] > 0 ? Self.percent(counts[row][row], of: rowTotals[row]) : "–"
            canvas.text(recall, x: left + gridSize + 8, y: middle + 4, size: min(12, max(cell * 0.5, 9)), fill: ChartPalette.axis)
        }
        for column in 0..<classCount {
            let center = left + (Double(column) + 0.5) * cell
            if rotateColumnLabels {
                canvas.text(names[column], x: center + 4, y: top + gridSize + 10, anchor: .end, size: 12, rotation: -45)
            } else {
                canvas.text(names[column], x: center, y: top + gridSize + 16, anchor: .middle, size: 12)
            }
        }
        canvas.rect(x: left, y: top, width: gridSize, height: gridSize, fill: "none", stroke: ChartPalette.axis)
        canvas.text("recall", x: left + gridSize + 8, y: top - 2, size: 10, fill: "#666")
        canvas.text(
            "Predicted class", x: left + gridSize / 2, y: top + gridSize + columnLabelHeight + 20, anchor: .middle, size: 13)
        canvas.text("True class", x: 16, y: top + gridSize / 2, anchor: .middle, size: 13, rotation: -90)
        return canvas.svg(title: "Confusion matrix")
    }
}
