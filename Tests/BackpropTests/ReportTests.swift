import Foundation
import Testing
@testable import Backprop
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The `<svg>...</svg>` chunks of an HTML document, in order.
private func svgChunks(_ html: String) -> [String] {
    var chunks: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
        chunks.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return chunks
}

/// Parses one SVG chunk as XML and collects every number in its geometry attributes
/// (including path data), so tests can check they are all finite.
private final class SVGInspector: NSObject, XMLParserDelegate {
    static let numericAttributes: Set<String> = [
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "font-size", "stroke-width",
    ]
    var numbers: [String] = []
    var elementNames: [String] = []
    var texts: [String] = []
    private var currentText = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elementNames.append(elementName)
        currentText = ""
        for (name, value) in attributes {
            if Self.numericAttributes.contains(name) {
                numbers.append(value)
            } else if name == "d" || name == "viewBox" || name == "transform" {
                numbers += value
                    .split { "MmLlHhVvZzCcQqAaSsTt ,()".contains($0) || $0.isLetter }
                    .map(String.init)
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" || elementName == "title" { texts.append(currentText) }
        currentText = ""
    }
}

/// Parses `svg` as XML; nil when it is not well-formed.
private func inspect(_ svg: String) -> SVGInspector? {
    let inspector = SVGInspector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = inspector
    return parser.parse() ? inspector : nil
}

/// Every SVG in `html` is well-formed XML whose coordinates are all finite numbers.
private func expectWellFormedSVG(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!html.contains("NaN"), sourceLocation: sourceLocation)
    for (index, svg) in svgChunks(html).enumerated() {
        guard let inspector = inspect(svg) else {
            Issue.record("svg \(index) is not well-formed XML", sourceLocation: sourceLocation)
            continue
        }
        let bad = inspector.numbers.filter { Double($0).map { !$0.isFinite } ?? true }
        #expect(bad.isEmpty, "svg \(index) has non-numeric or non-finite coordinates: \(bad.prefix(5))", sourceLocation: sourceLocation)
        #expect(inspector.elementNames.first == "svg", sourceLocation: sourceLocation)
    }
}

private func sampleReport() -> TrainingReport {
    let grid: [[Int]] = (0..<20).map { row in (0..<20).map { column in column > row ? 1 : 0 } }
    return TrainingReport(
        title: "Sample <run> & \"friends\"",
        configuration: [(key: "learning rate", value: "0.1"), (key: "layers", value: "2 → 8 → 2 <tanh>")],
        lossCurves: [
            .init(name: "train", values: [0.9, 0.6, 0.4, 0.3]),
            .init(name: "validation", values: [1.0, .nan, 0.5, 0.45]),
        ],
        accuracyCurves: [.init(name: "train", values: [0.5, 0.7, 0.8, 0.9])],
        confusionMatrix: [[5, 1], [2, 7]],
        classNames: ["negative", "positive"],
        decisionBoundary: .init(
            xRange: -1...1, yRange: -1...1, gridClasses: grid,
            points: [(x: -0.5, y: 0.5, label: 1), (x: 0.5, y: -0.5, label: 0), (x: 5, y: 5, label: 0)]),
        firstLayerWeights: .init(images: [[1, -1, 0.5, 0], [0, 0, 0, 0], [-2, 1, 1, 1]], width: 2, height: 2))
}

@Suite struct TrainingReportTests {
    @Test func oneSVGPerChartAllWellFormed() {
        let html = sampleReport().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(svgChunks(html).count == 5)  // loss, accuracy, confusion matrix, decision boundary, weights
        for heading in ["Configuration", "Loss", "Accuracy", "Confusion matrix", "Decision boundary", "First-layer weights"] {
            #expect(html.contains("<h2>\(heading)</h2>"), "missing section \(heading)")
        }
        expectWellFormedSVG(html)
    }

    @Test func userTextIsEscaped() throws {
        var report = sampleReport()
        report.title = "<script>alert('x')</script>"
        report.lossCurves[0].name = "<b>train</b>"
        report.configuration.append((key: "note\u{1}", value: "a & b"))
        let html = report.html()
        #expect(!html.contains("<script"))
        #expect(html.contains("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"))
        #expect(html.contains("<h1>&lt;script&gt;"))
        #expect(!html.contains("<b>train</b>"))
        #expect(html.contains("&lt;b&gt;train&lt;/b&gt;"))
        #expect(html.contains("<td>a &amp; b</td>"))
        #expect(html.contains("note\u{FFFD}"))
        // The legend text survives XML parsing as the original name.
        let loss = try #require(svgChunks(html).first.flatMap(inspect))
        #expect(loss.texts.contains("<b>train</b>"))
    }

    @Test func selfContained() {
        let html = sampleReport().html()
        for forbidden in ["<script", "<link", "src=", "url(", "@import", "<img", "https://"] {
            #expect(!html.contains(forbidden), "report contains \(forbidden)")
        }
        // The only URL is the SVG namespace name, which is never fetched.
        #expect(html.components(separatedBy: "http://").count - 1 == svgChunks(html).count)
    }

    @Test func absentDataLeavesSectionsOut() {
        let html = TrainingReport(title: "empty").html()
        #expect(svgChunks(html).isEmpty)
        #expect(!html.contains("<section>"))
        #expect(html.contains("<h1>empty</h1>"))
    }

    /// One epoch, a constant series, a series of only NaN and infinity, an empty series:
    /// every chart still draws, with no NaN in any coordinate.
    @Test func degenerateCurvesStayFinite() throws {
        let report = TrainingReport(
            title: "degenerate",
            lossCurves: [
                .init(name: "one epoch", values: [0.5]),
                .init(name: "constant", values: [1, 1, 1]),
                .init(name: "broken", values: [.nan, .infinity, -.infinity]),
            ],
            accuracyCurves: [.init(name: "", values: [])],
            confusionMatrix: [[0, 0], [0, 0]],
            decisionBoundary: .init(xRange: 0...1, yRange: 0...1, gridClasses: [[3]], points: [(x: .nan, y: 0, label: 0)]),
            firstLayerWeights: .init(images: [[.nan, 0, 0, 0], [0, 0, 0, 0]], width: 2, height: 2))
        let html = report.html()
        #expect(svgChunks(html).count == 5)
        expectWellFormedSVG(html)
        #expect(html.contains("3 non-finite values not drawn"))
        #expect(html.contains("No finite values to plot"))
        // The single point of "one epoch" is drawn as a marker, not lost as a one-point line.
        let loss = try #require(svgChunks(html).first.flatMap(inspect))
        #expect(loss.elementNames.filter { $0 == "circle" }.count == 1 + 3)
    }

    @Test func invalidShapesBecomeNotesNotBrokenSVG() {
        let report = TrainingReport(
            title: "invalid",
            confusionMatrix: [[1, 2], [3]],
            decisionBoundary: .init(xRange: 0...1, yRange: 0...1, gridClasses: [[0, 1], [1]], points: []),
            firstLayerWeights: .init(images: [[1, 2]], width: 0, height: 2))
        let html = report.html()
        #expect(svgChunks(html).isEmpty)
        #expect(html.contains("Confusion matrix not shown: it must be square, but row 1 has 1 entries for 2 rows."))
        #expect(html.contains("Decision boundary not shown: grid row 1 has 1 cells, row 0 has 2."))
        #expect(html.contains("Weight images not shown: width and height must be positive, got 0x2."))
    }

    /// Counts, class names and the caption's accuracy: (5 + 7) / 15 = 80.0%; recall of
    /// "positive" is 7 / 9 = 77.8%.
    @Test func confusionMatrixShowsCountsAndRates() throws {
        let view = ConfusionMatrixView(counts: [[5, 1], [2, 7]], classNames: ["negative", "positive"])
        let html = view.html()
        #expect(html.contains("Accuracy 80.0% (12 of 15)"))
        let svg = try #require(inspect(view.svg()))
        for text in ["5", "1", "2", "7", "negative", "positive", "83.3%", "77.8%", "Predicted class", "True class"] {
            #expect(svg.texts.contains(text), "missing text \(text)")
        }
    }

    /// Runs of equal cells merge: a 20x20 two-class grid makes one path per class.
    @Test func decisionBoundaryMergesCells() throws {
        let html = sampleReport().html()
        let boundary = try #require(inspect(svgChunks(html)[3]))
        #expect(boundary.elementNames.filter { $0 == "path" }.count == 2)
        #expect(boundary.elementNames.filter { $0 == "circle" }.count == 2 + 2)  // 2 legend dots + 2 points in range
        #expect(html.contains("1 outside the plotted range not drawn"))
    }

    /// Cell centers are row-major with row 0 at the bottom.
    @Test func cellCentersOrder() {
        let centers = TrainingReport.DecisionBoundary.cellCenters(xRange: 0...1, yRange: 0...2, rows: 2, columns: 2)
        #expect(centers.map(\.x) == [0.25, 0.75, 0.25, 0.75])
        #expect(centers.map(\.y) == [0.5, 0.5, 1.5, 1.5])
        #expect(TrainingReport.DecisionBoundary.cellCenters(xRange: 0...1, yRange: 0...1, rows: 0, columns: 3).isEmpty)
    }

    @Test func weightImagesFromADenseWeightMatrix() {
        let weights = Matrix<Double>([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
        let images = TrainingReport.WeightImages(weights: weights, width: 2, height: 2, maximumCount: 2)
        #expect(images.images == [[1, 2, 3, 4], [5, 6, 7, 8]])
    }

    @Test func seriesFromValuesNumbersEpochsFromOne() {
        let series = TrainingReport.Series(name: "loss", values: [3, 2, 1])
        #expect(series.points.map(\.x) == [1, 2, 3])
        #expect(series.points.map(\.y) == [3, 2, 1])
    }

    /// Twin of the example in `TrainingReport`'s doc comment.
    @Test func docExample() throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("backprop-doc-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var report = TrainingReport(title: "XOR, 2-4-1 sigmoid")
        report.configuration = [(key: "learning rate", value: "0.5")]
        report.lossCurves = [.init(name: "train", values: [0.7, 0.4, 0.1])]
        try report.write(toFile: path)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svgChunks(html).count == 1)
        #expect(html.contains("<th scope=\"row\">learning rate</th><td>0.5</td>"))
        #expect(html.contains("last 0.1 (epoch 3)"))
    }

    @Test func writesTheFile() throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("backprop-report-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = sampleReport()
        try report.write(toFile: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == report.html())
        #expect(throws: TrainingReportError.self) { try report.write(toFile: "/nonexistent-directory/report.html") }
    }
}

@Suite struct ChartHelperTests {
    @Test func niceTicks() {
        let unit = AxisScale(lower: 0, upper: 1, targetTickCount: 6)
        #expect(unit.ticks.map { ($0 * 10).rounded() } == [0, 2, 4, 6, 8, 10])
        #expect(unit.ticks.map(unit.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        let loss = AxisScale(lower: 0.083, upper: 2.31, targetTickCount: 6)
        #expect(loss.lower == 0 && loss.upper == 2.5 && loss.step == 0.5)

        let epochs = AxisScale(lower: 1, upper: 3, targetTickCount: 8, integerTicks: true)
        #expect(epochs.ticks == [1, 2, 3])

        let fixed = AxisScale(lower: -1.5, upper: 1.5, targetTickCount: 6, extendToTicks: false)
        #expect(fixed.lower == -1.5 && fixed.upper == 1.5)
        #expect(fixed.ticks.first == -1.5 && fixed.ticks.last == 1.5)
    }

    @Test func degenerateIntervalsAreWidened() {
        for (lower, upper) in [(5.0, 5.0), (0.0, 0.0), (Double.nan, Double.nan), (2.0, 1.0), (-Double.infinity, 3.0)] {
            let scale = AxisScale(lower: lower, upper: upper)
            #expect(scale.upper > scale.lower, "\(lower)...\(upper)")
            #expect(scale.fraction(scale.lower) == 0 && scale.fraction(scale.upper) == 1)
            #expect(!scale.ticks.isEmpty && scale.ticks.allSatisfy(\.isFinite))
        }
        #expect(AxisScale(lower: 5, upper: 5).ticks.contains(5))
    }

    @Test func labelsNeverShowNegativeZero() {
        let scale = AxisScale(lower: -1, upper: 1, targetTickCount: 5)
        #expect(scale.label(-1e-17) == "0.0")
        #expect(!scale.ticks.map(scale.label).contains { $0.hasPrefix("-0") && Double($0) == 0 })
    }

    @Test func svgNumbersAreFiniteAndShort() {
        #expect(SVGCanvas.number(.nan) == "0")
        #expect(SVGCanvas.number(.infinity) == "0")
        #expect(SVGCanvas.number(-0.001) == "0")
        #expect(SVGCanvas.number(12) == "12")
        #expect(SVGCanvas.number(1.23456) == "1.23")
    }

    @Test func escaping() {
        #expect(HTMLEscaping.escaped("<a href=\"x\">Tom & Jerry's</a>")
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTMLEscaping.escaped("bell\u{7}") == "bell\u{FFFD}")
        #expect(HTMLEscaping.truncated("abcdef", maximumLength: 4) == "abc…")
    }

    @Test func paletteHandlesAnyClassIndex() {
        #expect(ChartPalette.color(-1) == ChartPalette.categorical.last)
        #expect(ChartPalette.color(ChartPalette.categorical.count) == ChartPalette.categorical[0])
        #expect(ChartPalette.tint("#0072B2", 0) == "#FFFFFF")
        #expect(ChartPalette.tint("#0072B2", 1) == "#0072B2")
        #expect(ChartPalette.tint("#0072B2", .nan) == "#FFFFFF")
    }
}
