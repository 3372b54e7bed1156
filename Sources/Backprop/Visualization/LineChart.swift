import Foundation

/// A line chart of one or more series (e.g. train and validation loss per epoch) as an
/// inline SVG figure with axes, ticks, a legend and a caption of final and best values.
struct LineChart {
    enum Better {
        case lower, higher
    }

    var title: String
    var series: [TrainingReport.Series]
    var xTitle: String
    var yTitle: String
    /// Which direction is "best" in the caption (lower loss, higher accuracy).
    var better: Better
    /// The y interval to show when every finite value lies inside it (0...1 for accuracy),
    /// so that charts of the same quantity are comparable.
    var preferredYRange: ClosedRange<Double>? = nil
    /// Values that cannot be negative (a loss): the axis never runs below 0, and when they
    /// span two decades or more (regression losses from 10⁴ down to 10¹) it is logarithmic.
    var nonNegative = false

    /// Whether the y axis is logarithmic: non-negative values, all above 0, whose largest is
    /// at least 100 times the smallest.
    var logarithmicY: Bool {
        let ys = series.flatMap { $0.points.filter { $0.x.isFinite && $0.y.isFinite }.map(\.y) }
        guard nonNegative, let low = ys.min(), let high = ys.max(), low > 0 else { return false }
        return high / low >= 100
    }

    static let width = 760.0
    static let plotHeight = 300.0

    /// The finite points of each series, split into runs between non-finite points.
    private func segments(of series: TrainingReport.Series) -> [[(x: Double, y: Double)]] {
        var segments: [[(x: Double, y: Double)]] = [[]]
        for point in series.points {
            if point.x.isFinite && point.y.isFinite {
                segments[segments.count - 1].append(point)
            } else if !segments[segments.count - 1].isEmpty {
                segments.append([])
            }
        }
        return segments.filter { !$0.isEmpty }
    }

    /// `<figure>` with the SVG and its caption.
    func html() -> String {
        "<figure>\n\(svg())\n<figcaption>\(caption())</figcaption>\n</figure>"
    }

    func svg() -> String {
        let logarithmic = logarithmicY
        // On a logarithmic axis every position is log₁₀ of the value.
        let series = logarithmic
            ? self.series.map { TrainingReport.Series(name: $0.name, points: $0.points.map { (x: $0.x, y: log10($0.y)) }) }
            : self.series
        let finite = series.flatMap { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        let xs = finite.map(\.x)
        let ys = finite.map(\.y)
        let integerX = xs.allSatisfy { $0 == $0.rounded() }
        let xScale = AxisScale(
            lower: xs.min() ?? 0, upper: xs.max() ?? 1, targetTickCount: 8, integerTicks: integerX)
        var yLower = ys.min() ?? preferredYRange?.lowerBound ?? 0
        var yUpper = ys.max() ?? preferredYRange?.upperBound ?? 1
        if let preferredYRange, yLower >= preferredYRange.lowerBound, yUpper <= preferredYRange.upperBound {
            yLower = preferredYRange.lowerBound
            yUpper = preferredYRange.upperBound
        } else if yUpper > yLower {
            // 5% headroom so that extreme points never sit on the frame.
            let padding = (yUpper - yLower) * 0.05
            // A loss axis stops at 0 instead of running below it.
            let floor = nonNegative && !logarithmic && yLower >= 0 ? 0 : -Double.infinity
            yLower = max(yLower - padding, floor)
            yUpper += padding
        }
        var yScale = AxisScale(lower: yLower, upper: yUpper, targetTickCount: 6, integerTicks: logarithmic)
        yScale.logarithmic = logarithmic

        let left = 30 + PlotFrame.yLabelWidth(yScale) + 14
        var legend = ChartLegend(
            entries: series.enumerated().map { index, series in
                ChartLegend.Entry(label: series.name, color: ChartPalette.color(index), dash: ChartPalette.dash(index))
            },
            left: left, maximumWidth: Self.width - left - 16)
        if series.count <= 1 && series.first?.name.isEmpty ?? true { legend.entries = [] }
        let top = 10 + legend.height + (legend.entries.isEmpty ? 0 : 10)
        let frame = PlotFrame(
            left: left, top: top, width: Self.width - left - 20, height: Self.plotHeight,
            xScale: xScale, yScale: yScale)
        var canvas = SVGCanvas(width: Self.width, height: frame.bottom + 52)

        legend.draw(on: &canvas, top: 10)
        frame.drawAxes(on: &canvas, xTitle: xTitle, yTitle: logarithmic ? yTitle + " (log scale)" : yTitle)
        if finite.isEmpty {
            canvas.text(
                "No finite values to plot", x: frame.left + frame.width / 2, y: frame.top + frame.height / 2,
                anchor: .middle, size: 14, fill: "#888")
        }
        for (index, series) in series.enumerated() {
            let color = ChartPalette.color(index)
            let segments = segments(of: series)
            let showMarkers = segments.reduce(0) { $0 + $1.count } <= 40
            for segment in segments {
                let d = segment.enumerated().map { offset, point in
                    "\(offset == 0 ? "M" : "L")\(SVGCanvas.number(frame.x(point.x))) \(SVGCanvas.number(frame.y(point.y)))"
                }.joined(separator: " ")
                if segment.count > 1 {
                    canvas.path(d, stroke: color, strokeWidth: 2.25, dash: ChartPalette.dash(index))
                }
                if showMarkers || segment.count == 1 {
                    for point in segment {
                        canvas.circle(centerX: frame.x(point.x), centerY: frame.y(point.y), radius: 3, fill: color)
                    }
                }
            }
        }
        return canvas.svg(title: title)
    }

    /// "name: last v (x n), best v (x n); k non-finite values not drawn" per series.
    func caption() -> String {
        let xName = xTitle.lowercased()
        let parts = series.map { series -> String in
            let finite = series.points.filter { $0.x.isFinite && $0.y.isFinite }
            var text = "<strong>\(HTMLEscaping.escaped(series.name.isEmpty ? "(unnamed)" : series.name))</strong>: "
            if let last = finite.last {
                let best = better == .lower
                    ? finite.min { $0.y < $1.y }!
                    : finite.max { $0.y < $1.y }!
                text += "last \(AxisScale.format(last.y)) (\(HTMLEscaping.escaped(xName)) \(AxisScale.format(last.x))), "
                text += "best \(AxisScale.format(best.y)) (\(HTMLEscaping.escaped(xName)) \(AxisScale.format(best.x)))"
            } else {
                text += "no finite values"
            }
            let skipped = series.points.count - finite.count
            if skipped > 0 {
                text += "; \(skipped) non-finite value\(skipped == 1 ? "" : "s") not drawn"
            }
            return text
        }
        return parts.joined(separator: "<br>\n")
    }
}
