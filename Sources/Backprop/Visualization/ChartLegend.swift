/// A horizontal legend laid out in rows that wrap at the chart's width.
struct ChartLegend {
    struct Entry {
        var label: String
        var color: String
        var dash: String?
        /// Draw a dot (for point classes) instead of a line sample (for series).
        var isPoint: Bool = false
    }

    static let rowHeight = 20.0
    static let fontSize = 12.0
    static let maximumLabelLength = 40

    var entries: [Entry]
    var left: Double
    var maximumWidth: Double

    /// Each entry's (row, x offset).
    private var placements: [(row: Int, x: Double)] {
        var result: [(row: Int, x: Double)] = []
        var row = 0
        var x = 0.0
        for entry in entries {
            let width = Self.entryWidth(entry)
            if x > 0, x + width > maximumWidth {
                row += 1
                x = 0
            }
            result.append((row, x))
            x += width + 18
        }
        return result
    }

    var rowCount: Int { entries.isEmpty ? 0 : (placements.last?.row ?? 0) + 1 }
    var height: Double { Double(rowCount) * Self.rowHeight }

    /// Draws the legend with its first row's center at `top + rowHeight / 2`.
    func draw(on canvas: inout SVGCanvas, top: Double) {
        for (entry, placement) in zip(entries, placements) {
            let x = left + placement.x
            let middle = top + (Double(placement.row) + 0.5) * Self.rowHeight
            if entry.isPoint {
                canvas.circle(centerX: x + 8, centerY: middle, radius: 4.5, fill: entry.color, stroke: "#222", strokeWidth: 0.75)
            } else {
                canvas.line(x1: x, y1: middle, x2: x + 24, y2: middle, stroke: entry.color, strokeWidth: 2.5, dash: entry.dash)
            }
            canvas.text(
                HTMLEscaping.truncated(entry.label, maximumLength: Self.maximumLabelLength),
                x: x + (entry.isPoint ? 18 : 30), y: middle + 4, size: Self.fontSize)
        }
    }

    private static func entryWidth(_ entry: Entry) -> Double {
        (entry.isPoint ? 18 : 30)
            + SVGCanvas.estimatedWidth(HTMLEscaping.truncated(entry.label, maximumLength: maximumLabelLength), size: fontSize)
    }
}
