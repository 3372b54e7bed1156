/// A two-dimensional decision boundary: grid cells tinted with the predicted class's color
/// (paler where a probability grid says the network is unsure), the labelled points on top
/// in the full class colors, axes in data coordinates and a class legend.
///
/// Cells of one color in a row are merged into one rectangle and all rectangles of a color
/// share one `<path>`, so a 200x200 grid stays small.
struct DecisionBoundaryView {
    var boundary: TrainingReport.DecisionBoundary
    var classNames: [String]?

    static let plotSize = 440.0
    static let maximumPointCount = 5000
    /// Confidence levels of a probability grid (tints per class).
    static let confidenceLevels = 5

    private func name(_ label: Int) -> String {
        if let classNames, label >= 0, label < classNames.count, !classNames[label].isEmpty {
            return classNames[label]
        }
        return "class \(label)"
    }

    /// (class, tint) per cell, row 0 at the bottom; or why the grid cannot be drawn.
    private func cellColors() -> Result<[[String]], GridProblem> {
        let (rows, columns) = boundary.resolution
        guard rows > 0, columns > 0 else { return .failure(GridProblem(text: "the grid is empty")) }
        switch boundary.grid {
        case .classes(let classes):
            if let row = classes.firstIndex(where: { $0.count != columns }) {
                return .failure(GridProblem(text: "grid row \(row) has \(classes[row].count) cells, row 0 has \(columns)"))
            }
            return .success(classes.map { $0.map { ChartPalette.tint(ChartPalette.color($0), 0.4) } })
        case .probabilities(let probabilities):
            if let row = probabilities.firstIndex(where: { $0.count != columns }) {
                return .failure(GridProblem(text: "grid row \(row) has \(probabilities[row].count) cells, row 0 has \(columns)"))
            }
            return .success(probabilities.map { row in
                row.map { cell in
                    let finite = cell.enumerated().filter { $0.element.isFinite }
                    guard let best = finite.max(by: { $0.element < $1.element }) else { return "#FFFFFF" }
                    let classCount = Double(max(cell.count, 2))
                    let chance = 1 / classCount
                    let confidence = min(max((best.element - chance) / (1 - chance), 0), 1)
                    let level = (confidence * Double(Self.confidenceLevels - 1)).rounded() / Double(Self.confidenceLevels - 1)
                    return ChartPalette.tint(ChartPalette.color(best.offset), 0.08 + 0.42 * level)
                }
            })
        }
    }

    private struct GridProblem: Error {
        var text: String
    }

    private var rangesAreValid: Bool {
        let bounds = [boundary.xRange.lowerBound, boundary.xRange.upperBound, boundary.yRange.lowerBound, boundary.yRange.upperBound]
        return bounds.allSatisfy(\.isFinite) && boundary.xRange.upperBound > boundary.xRange.lowerBound
            && boundary.yRange.upperBound > boundary.yRange.lowerBound
    }

    func html() -> String {
        guard rangesAreValid else {
            return "<p class=\"note\">Decision boundary not shown: x and y ranges must be finite and non-empty.</p>"
        }
        switch cellColors() {
        case .failure(let problem):
            return "<p class=\"note\">Decision boundary not shown: \(HTMLEscaping.escaped(problem.text)).</p>"
        case .success(let colors):
            let (rows, columns) = boundary.resolution
            let inside = boundary.points.filter(contains)
            var caption = "Background: predicted class on a \(columns)×\(rows) grid"
            if case .probabilities = boundary.grid { caption += " (paler where the prediction is less certain)" }
            caption += ". Dots: \(min(inside.count, Self.maximumPointCount)) labelled examples."
            let outside = boundary.points.count - inside.count
            if outside > 0 { caption += " \(outside) outside the plotted range not drawn." }
            if inside.count > Self.maximumPointCount { caption += " Only the first \(Self.maximumPointCount) drawn." }
            return "<figure>\n\(svg(colors: colors, points: Array(inside.prefix(Self.maximumPointCount))))\n<figcaption>\(caption)</figcaption>\n</figure>"
        }
    }

    private func contains(_ point: (x: Double, y: Double, label: Int)) -> Bool {
        point.x.isFinite && point.y.isFinite && boundary.xRange.contains(point.x) && boundary.yRange.contains(point.y)
    }

    private func svg(colors: [[String]], points: [(x: Double, y: Double, label: Int)]) -> String {
        let xScale = AxisScale(
            lower: boundary.xRange.lowerBound, upper: boundary.xRange.upperBound, targetTickCount: 6, extendToTicks: false)
        let yScale = AxisScale(
            lower: boundary.yRange.lowerBound, upper: boundary.yRange.upperBound, targetTickCount: 6, extendToTicks: false)
        let left = 30 + PlotFrame.yLabelWidth(yScale) + 14

        var labels = Set(points.map(\.label))
        if case .classes(let classes) = boundary.grid { labels.formUnion(classes.joined()) }
        if case .probabilities(let probabilities) = boundary.grid {
            labels.formUnion(0..<(probabilities.first?.first?.count ?? 0))
        }
        let legend = ChartLegend(
            entries: labels.sorted().map { ChartLegend.Entry(label: name($0), color: ChartPalette.color($0), isPoint: true) },
            left: left, maximumWidth: Self.plotSize)
        let top = 10 + legend.height + 10
        let frame = PlotFrame(left: left, top: top, width: Self.plotSize, height: Self.plotSize, xScale: xScale, yScale: yScale)
        var canvas = SVGCanvas(width: frame.right + 24, height: frame.bottom + 52)
        legend.draw(on: &canvas, top: 10)

        // Cells: per color, one path of horizontal runs. Row 0 is the bottom row.
        let rows = colors.count
        let columns = colors[0].count
        let cellWidth = frame.width / Double(columns)
        let cellHeight = frame.height / Double(rows)
        var runsByColor: [String: String] = [:]
        var colorOrder: [String] = []
        for row in 0..<rows {
            let y = frame.bottom - Double(row + 1) * cellHeight
            var start = 0
            while start < columns {
                let color = colors[row][start]
                var end = start + 1
                while end < columns, colors[row][end] == color { end += 1 }
                let n = SVGCanvas.number
                let run = "M\(n(frame.left + Double(start) * cellWidth)) \(n(y))h\(n(Double(end - start) * cellWidth))v\(n(cellHeight))h\(n(-Double(end - start) * cellWidth))z"
                if runsByColor[color] == nil { colorOrder.append(color) }
                runsByColor[color, default: ""] += run
                start = end
            }
        }
        for color in colorOrder {
            canvas.path(runsByColor[color]!, fill: color, crispEdges: true)
        }

        frame.drawAxes(on: &canvas, xTitle: boundary.xTitle, yTitle: boundary.yTitle, gridLines: false)
        let radius = points.count > 1000 ? 2.5 : 3.5
        for point in points {
            canvas.circle(
                centerX: frame.x(point.x), centerY: frame.y(point.y), radius: radius,
                fill: ChartPalette.color(point.label), stroke: "#222", strokeWidth: 0.6)
        }
        canvas.rect(x: frame.left, y: frame.top, width: frame.width, height: frame.height, fill: "none", stroke: ChartPalette.axis)
        return canvas.svg(title: "Decision boundary")
    }
}
