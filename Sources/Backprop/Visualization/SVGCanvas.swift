/// Builds one inline `<svg>` element as text.
///
/// Coordinates are SVG user units with the origin top left and y growing downwards; every
/// number goes through `SVGCanvas.number(_:)`, which never writes NaN or infinity, and every
/// text goes through `HTMLEscaping`. The result is well-formed XML.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var content = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length rounded to 0.01, finite and without "-0"; non-finite values
    /// (which callers filter out beforehand) are written as 0.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (min(max(value, -1e7), 1e7) * 100).rounded() / 100
        if rounded == 0 { return "0" }
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }

    mutating func append(_ markup: String) {
        content += markup
        content += "\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, strokeWidth: Double = 1, dash: String? = nil) {
        let n = Self.number
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\"\(dashAttribute)/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
        let n = Self.number
        let strokeAttributes = stroke.map { " stroke=\"\($0)\" stroke-width=\"\(n(strokeWidth))\"" } ?? ""
        append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(width, 0)))\" height=\"\(n(max(height, 0)))\" fill=\"\(fill)\"\(strokeAttributes)/>")
    }

    mutating func circle(centerX: Double, centerY: Double, radius: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
        let n = Self.number
        let strokeAttributes = stroke.map { " stroke=\"\($0)\" stroke-width=\"\(n(strokeWidth))\"" } ?? ""
        append("<circle cx=\"\(n(centerX))\" cy=\"\(n(centerY))\" r=\"\(n(radius))\" fill=\"\(fill)\"\(strokeAttributes)/>")
    }

    enum Anchor: String {
        case start, middle, end
    }

    /// Text whose baseline starts, is centered or ends at (x, y); `rotation` in degrees
    /// about (x, y), negative is counter-clockwise.
    mutating func text(
        _ text: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
        fill: String = "#222", bold: Bool = false, rotation: Double = 0
    ) {
        let n = Self.number
        var attributes = "x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" fill=\"\(fill)\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { attributes += " font-weight=\"bold\"" }
        if rotation != 0 { attributes += " transform=\"rotate(\(n(rotation)) \(n(x)) \(n(y)))\"" }
        append("<text \(attributes)>\(HTMLEscaping.escaped(text))</text>")
    }

    /// A path with data `d` (built with `number(_:)`).
    mutating func path(_ d: String, fill: String = "none", stroke: String? = nil, strokeWidth: Double = 1, dash: String? = nil, crispEdges: Bool = false) {
        guard !d.isEmpty else { return }
        var attributes = "d=\"\(d)\" fill=\"\(fill)\""
        if let stroke {
            attributes += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        }
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        if crispEdges { attributes += " shape-rendering=\"crispEdges\"" }
        append("<path \(attributes)/>")
    }

    /// The finished element; `title` becomes its accessible name and tooltip.
    func svg(title: String) -> String {
        let w = Self.number(width)
        let h = Self.number(height)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\">\n"
            + "<title>\(HTMLEscaping.escaped(title))</title>\n" + content + "</svg>"
    }

    /// Approximate rendered width of `text` at font size `size` in a sans-serif face
    /// (0.6 em per character), for layout without font metrics.
    static func estimatedWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }
}
