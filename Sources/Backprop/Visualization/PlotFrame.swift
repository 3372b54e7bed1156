/// The rectangle a chart plots data into and its two axes: maps data coordinates to SVG
/// coordinates (y grows downwards in SVG, upwards in data) and draws grid lines, ticks,
/// tick labels and axis titles.
struct PlotFrame {
    /// Plot area in SVG units.
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var xScale: AxisScale
    var yScale: AxisScale

    var right: Double { left + width }
    var bottom: Double { top + height }

    func x(_ value: Double) -> Double { left + xScale.fraction(value) * width }
    func y(_ value: Double) -> Double { bottom - yScale.fraction(value) * height }

    /// Grid lines at the ticks, the axis lines, tick marks, tick labels and the titles.
    func drawAxes(on canvas: inout SVGCanvas, xTitle: String, yTitle: String, gridLines: Bool = true) {
        let fontSize = 12.0
        for tick in yScale.ticks {
            let position = y(tick)
            if gridLines { canvas.line(x1: left, y1: position, x2: right, y2: position, stroke: ChartPalette.grid) }
            canvas.line(x1: left - 5, y1: position, x2: left, y2: position, stroke: ChartPalette.axis)
            canvas.text(yScale.label(tick), x: left - 8, y: position + 4, anchor: .end, size: fontSize, fill: ChartPalette.axis)
        }
        for tick in xScale.ticks {
            let position = x(tick)
            if gridLines { canvas.line(x1: position, y1: top, x2: position, y2: bottom, stroke: ChartPalette.grid) }
            canvas.line(x1: position, y1: bottom, x2: position, y2: bottom + 5, stroke: ChartPalette.axis)
            canvas.text(xScale.label(tick), x: position, y: bottom + 19, anchor: .middle, size: fontSize, fill: ChartPalette.axis)
        }
        canvas.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartPalette.axis)
        canvas.line(x1: left, y1: top, x2: left, y2: bottom, stroke: ChartPalette.axis)
        canvas.text(xTitle, x: left + width / 2, y: bottom + 40, anchor: .middle, size: 13, fill: "#222")
        canvas.text(yTitle, x: 16, y: top + height / 2, anchor: .middle, size: 13, fill: "#222", rotation: -90)
    }

    /// Width the y tick labels of `scale` need, for choosing the left margin.
    static func yLabelWidth(_ scale: AxisScale) -> Double {
        scale.ticks.map { SVGCanvas.estimatedWidth(scale.label($0), size: 12) }.max() ?? 0
    }
}
