/// First-layer weights as a grid of small heatmaps, one tile per unit, with a color key.
///
/// Each tile is drawn in its own scale (see `TrainingReport.WeightImages.ColorScale`),
/// quantized to a few levels; the pixels of one level form one `<path>` of horizontal runs
/// inside a scaled group, so 64 tiles of 28x28 stay a few hundred kilobytes. Non-finite
/// weights are drawn in yellow and counted in the caption.
struct WeightImagesView {
    var weights: TrainingReport.WeightImages

    static let maximumWidth = 760.0
    static let gap = 6.0
    /// Levels on each side of zero (diverging) or in total (grayscale).
    static let levels = 8
    static let nonFiniteColor = "#F0E442"

    private var problem: String? {
        if weights.width <= 0 || weights.height <= 0 {
            return "width and height must be positive, got \(weights.width)x\(weights.height)"
        }
        if weights.images.isEmpty || weights.maximumCount <= 0 { return "there are no images" }
        return nil
    }

    func html() -> String {
        if let problem {
            return "<p class=\"note\">Weight images not shown: \(HTMLEscaping.escaped(problem)).</p>"
        }
        let shown = Array(weights.images.prefix(weights.maximumCount))
        let wrongSize = shown.filter { $0.count != weights.width * weights.height }.count
        let nonFinite = shown.reduce(0) { $0 + $1.filter { !$0.isFinite }.count }
        var caption = shown.count == weights.unitCount
            ? "Incoming weights of all \(shown.count) units, "
            : "Incoming weights of the first \(shown.count) of \(weights.unitCount) units, "
        caption += "each reshaped to \(weights.width)×\(weights.height) and scaled on its own: "
        switch weights.colorScale {
        case .diverging: caption += "blue negative, white zero, red positive (±max|w| of the tile)."
        case .grayscale: caption += "black at the tile's minimum, white at its maximum."
        }
        if wrongSize > 0 {
            caption += " \(wrongSize) image\(wrongSize == 1 ? "" : "s") without \(weights.width * weights.height) values left blank."
        }
        if nonFinite > 0 { caption += " \(nonFinite) non-finite weight\(nonFinite == 1 ? "" : "s") shown in yellow." }
        return "<figure>\n\(svg(shown))\n<figcaption>\(caption)</figcaption>\n</figure>"
    }

    /// The color of quantized `level`: -levels...levels (diverging) or 0...levels (grayscale).
    private func color(level: Int) -> String {
        switch weights.colorScale {
        case .diverging:
            let fraction = Double(abs(level)) / Double(Self.levels)
            return ChartPalette.tint(level < 0 ? ChartPalette.negative : ChartPalette.positive, fraction)
        case .grayscale:
            let gray = Int((255 * Double(level) / Double(Self.levels)).rounded())
            return ChartPalette.hex(gray, gray, gray)
        }
    }

    /// Each pixel's level, nil for non-finite weights.
    private func levels(_ image: [Float]) -> [Int?] {
        let finite = image.filter(\.isFinite).map(Double.init)
        switch weights.colorScale {
        case .diverging:
            let scale = finite.map(abs).max() ?? 0
            return image.map { value in
                guard value.isFinite else { return nil }
                return scale > 0 ? Int((Double(value) / scale * Double(Self.levels)).rounded()) : 0
            }
        case .grayscale:
            let low = finite.min() ?? 0
            let range = (finite.max() ?? 0) - low
            return image.map { value in
                guard value.isFinite else { return nil }
                return range > 0 ? Int(((Double(value) - low) / range * Double(Self.levels)).rounded()) : Self.levels / 2
            }
        }
    }

    private func svg(_ images: [[Float]]) -> String {
        let width = weights.width
        let height = weights.height
        // Pixels per weight: tiles about 84 units on their longer side, at least 1.
        let pixel = max(1, min(40, (84 / Double(max(width, height))).rounded(.down)))
        let tileWidth = pixel * Double(width)
        let tileHeight = pixel * Double(height)
        let perRow = max(1, Int((Self.maximumWidth + Self.gap) / (tileWidth + Self.gap)))
        let rows = (images.count + perRow - 1) / perRow
        let showIndices = tileWidth >= 30
        let rowHeight = tileHeight + Self.gap + (showIndices ? 12 : 0)
        let keyTop = Double(rows) * rowHeight + 10
        let canvasWidth = max(Double(min(perRow, images.count)) * (tileWidth + Self.gap) - Self.gap, 300)
        var canvas = SVGCanvas(width: canvasWidth, height: keyTop + 34)

        for (index, image) in images.enumerated() {
            let left = Double(index % perRow) * (tileWidth + Self.gap)
            let top = Double(index / perRow) * rowHeight
            if image.count == width * height {
                var runsByColor: [String: String] = [:]
                var colorOrder: [String] = []
                let levels = levels(image)
                for row in 0..<height {
                    var start = 0
                    while start < width {
                        let level = levels[row * width + start]
                        var end = start + 1
                        while end < width, levels[row * width + end] == level { end += 1 }
                        let fill = level.map { color(level: $0) } ?? Self.nonFiniteColor
                        if runsByColor[fill] == nil { colorOrder.append(fill) }
                        runsByColor[fill, default: ""] += "M\(start) \(row)h\(end - start)v1h-\(end - start)z"
                        start = end
                    }
                }
                canvas.append("<g transform=\"translate(\(SVGCanvas.number(left)) \(SVGCanvas.number(top))) scale(\(SVGCanvas.number(pixel)))\">")
                for fill in colorOrder {
                    canvas.path(runsByColor[fill]!, fill: fill, crispEdges: true)
                }
                canvas.append("</g>")
            }
            canvas.rect(x: left, y: top, width: tileWidth, height: tileHeight, fill: "none", stroke: "#999", strokeWidth: 0.5)
            if showIndices {
                canvas.text(String(index), x: left + tileWidth / 2, y: top + tileHeight + 11, anchor: .middle, size: 9, fill: "#666")
            }
        }

        // Color key: the quantized levels left to right.
        let keyLevels = weights.colorScale == .diverging ? Array(-Self.levels...Self.levels) : Array(0...Self.levels)
        let swatch = 12.0
        let keyLeft = 56.0
        for (offset, level) in keyLevels.enumerated() {
            canvas.rect(x: keyLeft + Double(offset) * swatch, y: keyTop, width: swatch, height: 10, fill: color(level: level))
        }
        let keyWidth = Double(keyLevels.count) * swatch
        canvas.rect(x: keyLeft, y: keyTop, width: keyWidth, height: 10, fill: "none", stroke: "#999", strokeWidth: 0.5)
        let ends = weights.colorScale == .diverging ? ("−max|w|", "+max|w|") : ("min", "max")
        canvas.text(ends.0, x: keyLeft - 4, y: keyTop + 9, anchor: .end, size: 10, fill: ChartPalette.axis)
        canvas.text(ends.1, x: keyLeft + 4 + keyWidth, y: keyTop + 9, size: 10, fill: ChartPalette.axis)
        if weights.colorScale == .diverging {
            canvas.text("0", x: keyLeft + keyWidth / 2, y: keyTop + 23, anchor: .middle, size: 10, fill: ChartPalette.axis)
        }
        return canvas.svg(title: "First-layer weights")
    }
}
