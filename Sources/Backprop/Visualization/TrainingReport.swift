import Foundation

/// A training run summarized as one self-contained HTML page: configuration table, loss and
/// accuracy curves, confusion matrix, decision boundary and first-layer weight images.
///
/// The page uses inline SVG and inline CSS only: no JavaScript, no fonts, images or
/// stylesheets to fetch, so it opens offline and can be attached or archived as one file.
/// Sections whose data is absent are left out. All user text (title, configuration, series
/// and class names) is HTML-escaped. Non-finite values never reach SVG coordinates: they
/// are skipped and counted in captions.
///
///     var report = TrainingReport(title: "XOR, 2-4-1 sigmoid")
///     report.configuration = [(key: "learning rate", value: "0.5")]
///     report.lossCurves = [.init(name: "train", values: [0.7, 0.4, 0.1])]
///     try report.write(toFile: "report.html")
public struct TrainingReport: Sendable {
    public var title: String
    /// Shown as a two-column table, in order.
    public var configuration: [(key: String, value: String)]
    /// Drawn together in the "Loss" chart (e.g. train and validation loss per epoch).
    public var lossCurves: [Series]
    /// Drawn together in the "Accuracy" chart; on a 0-1 axis when every value lies in 0...1.
    public var accuracyCurves: [Series]
    /// Title of the curves' x axis.
    public var curveXTitle: String
    /// `confusionMatrix[trueClass][predictedClass]` = count; must be square.
    public var confusionMatrix: [[Int]]?
    /// Which examples the confusion matrix counts, e.g. "the test set (400 examples)".
    public var confusionMatrixSet: String?
    /// The final metrics per data set ("train", "loss 0.0123, accuracy 99.50%"), shown
    /// first.
    public var finalMetrics: [(key: String, value: String)] = []
    /// Names of classes 0, 1, ... for the confusion matrix and the decision boundary legend;
    /// indices are shown where absent.
    public var classNames: [String]?
    public var decisionBoundary: DecisionBoundary?
    public var firstLayerWeights: WeightImages?

    public init(
        title: String,
        configuration: [(key: String, value: String)] = [],
        lossCurves: [Series] = [],
        accuracyCurves: [Series] = [],
        curveXTitle: String = "Epoch",
        confusionMatrix: [[Int]]? = nil,
        classNames: [String]? = nil,
        decisionBoundary: DecisionBoundary? = nil,
        firstLayerWeights: WeightImages? = nil
    ) {
        self.title = title
        self.configuration = configuration
        self.lossCurves = lossCurves
        self.accuracyCurves = accuracyCurves
        self.curveXTitle = curveXTitle
        self.confusionMatrix = confusionMatrix
        self.classNames = classNames
        self.decisionBoundary = decisionBoundary
        self.firstLayerWeights = firstLayerWeights
    }

    /// The complete HTML document.
    public func html() -> String {
        var sections: [String] = []
        /// A two-column table, one row per pair.
        func table(_ pairs: [(key: String, value: String)]) -> String {
            let rows = pairs.map {
                "<tr><th scope=\"row\">\(HTMLEscaping.escaped($0.key))</th><td>\(HTMLEscaping.escaped($0.value))</td></tr>"
            }
            return "<table>\n\(rows.joined(separator: "\n"))\n</table>"
        }
        if !finalMetrics.isEmpty { sections.append(section("Final metrics", table(finalMetrics))) }
        if !configuration.isEmpty { sections.append(section("Configuration", table(configuration))) }
        if !lossCurves.isEmpty {
            let chart = LineChart(title: "Loss", series: lossCurves, xTitle: curveXTitle, yTitle: "Loss", better: .lower,
                                  nonNegative: true)
            sections.append(section("Loss", chart.html()))
        }
        if !accuracyCurves.isEmpty {
            let chart = LineChart(
                title: "Accuracy", series: accuracyCurves, xTitle: curveXTitle, yTitle: "Accuracy", better: .higher,
                preferredYRange: 0...1)
            sections.append(section("Accuracy", chart.html()))
        }
        if let confusionMatrix {
            let caption = confusionMatrixSet.map { "<p class=\"lead\">Counted on \(HTMLEscaping.escaped($0)).</p>\n" } ?? ""
            sections.append(section("Confusion matrix", caption + ConfusionMatrixView(counts: confusionMatrix, classNames: classNames).html()))
        }
        if let decisionBoundary {
            sections.append(section("Decision boundary", DecisionBoundaryView(boundary: decisionBoundary, classNames: classNames).html()))
        }
        if let firstLayerWeights {
            sections.append(section("First-layer weights", WeightImagesView(weights: firstLayerWeights).html()))
        }
        let escapedTitle = HTMLEscaping.escaped(title)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escapedTitle)</title>
            <style>
            \(ReportStylesheet.css)
            </style>
            </head>
            <body>
            <main>
            <h1>\(escapedTitle)</h1>
            \(sections.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    /// Writes `html()` to `path` (UTF-8) atomically, replacing any existing file.
    public func write(toFile path: String) throws {
        do {
            try AtomicFile.write(html(), to: path)
        } catch {
            throw TrainingReportError.cannotWrite(path: path, reason: "\(error.step)\(error.errorNumber.map { ": " + String(cString: strerror($0)) } ?? "")")
        }
    }

    private func section(_ heading: String, _ body: String) -> String {
        "<section>\n<h2>\(HTMLEscaping.escaped(heading))</h2>\n\(body)\n</section>"
    }
}

/// Why a training report could not be saved.
public enum TrainingReportError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write the training report: \(reason)"
        }
    }
}
