import ArgumentParser
import Backprop
import Foundation

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one prediction per row: the class and its probabilities, or the regression outputs.",
        discussion: """
            A CSV row may hold only the features, or the features followed by the target \
            column(s), which are ignored. The model's stored input scaling is applied first. The \
            first line names the columns: class,p0,p1,… for classification (the predicted class, \
            then the softmax probabilities, or σ of each output for binary cross-entropy; with \
            the class names the model was trained with in place of indices), y0,y1,… for \
            regression.
            """)

    @Option(help: "A model file written by `backprop train`.")
    var model: String

    @OptionGroup var plain: PlainModelOptions

    @Option(help: "Rows to predict: csv:PATH or csv:- for standard input (features, optionally followed by targets), or any other data set (its test split when it has one).")
    var data: String

    @Flag(help: "Do not say on standard error how the rows were read.")
    var quiet = false

    @Option(help: "Seed for built-in data sets.")
    var seed: UInt64 = 0

    @Option(help: "Write the predictions to this CSV file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var overwrite = false

    func run() throws {
        let text = try csvText()
        guard let path = output else {
            print(text, terminator: "")
            return
        }
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) already exists; pass --overwrite to replace it or choose another --output")
        }
        try AtomicFile.write(text, to: path, replacing: overwrite)
    }

    /// Standard error, for what predict assumed about its input (standard output holds the CSV).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data(("predict: " + text + "\n").utf8))
    }

    /// The header line and one line per row, as printed.
    func csvText() throws -> String {
        let (network, scaling): (Network<Float>, InputScaling) = try plain.load(model)
        let (classNames, csvColumns) = try ModelFile.dataReading(path: model)
        var inputs: Matrix<Float>
        switch try DataSource(parsing: data) {
        case .csv(let path):
            let (header, lines) = path == "-"
                ? try CSVReader.table(data: FileHandle.standardInput.readDataToEndOfFile(), source: "standard input")
                : try CSVReader.table(path: path)
            let source = path == "-" ? "standard input" : path
            let width = lines[0].fields.count
            let targetColumns = network.loss.targetColumns(outputSize: network.outputSize)
            var features = Array(0..<min(width, network.inputSize))
            if let columns = csvColumns {
                // The model's own choice of targets and ignored columns, where the file has them.
                features = try columns.resolve(
                    header: header, width: width, defaultTargetCount: targetColumns, source: source, requiringTargets: false).features
                guard features.count == network.inputSize else {
                    throw CommandFailure("\(source): \(features.count) feature columns once \(columns.description) are set aside, but \(model) expects \(network.inputSize)")
                }
                if !quiet { Self.note("\(source): \(lines.count) rows; features: columns \(features.map { String($0 + 1) }.joined(separator: ", ")) (\(columns.description) as in training)") }
            } else {
                guard width == network.inputSize || width == network.inputSize + targetColumns else {
                    throw CommandFailure("\(source): rows have \(width) columns, but \(model) expects \(network.inputSize) features (optionally followed by \(targetColumns) target column(s))")
                }
                if !quiet {
                    Self.note(width == network.inputSize
                        ? "\(source): \(lines.count) rows of \(width) features"
                        : "\(source): \(lines.count) rows of \(network.inputSize) features and \(targetColumns) target column(s), ignored")
                }
            }
            var matrix = Matrix<Float>(rows: lines.count, columns: network.inputSize)
            for (r, line) in lines.enumerated() {
                for (c, column) in features.enumerated() {
                    matrix[r, c] = Float(try CSVReader.finiteNumber(line.fields[column], path: source, line: line.number, column: column))
                }
            }
            inputs = matrix
        case let source:
            let loaded: LoadedData<Float> = try source.load(
                loss: network.loss, outputSize: network.outputSize, seed: seed, classNames: classNames)
            inputs = (loaded.test ?? loaded.training).inputs
        }
        do {
            try scaling.apply(to: &inputs)
        } catch {
            throw CommandFailure("\(model)'s \(error.description) (data: \(data))")
        }
        let outputs = try network.predict(inputs)
        let logits = try network.logits(inputs)
        let names = classNames.flatMap { $0.count == network.outputSize ? $0 : nil }
        var lines = [Self.header(loss: network.loss, outputs: network.outputSize, classNames: names)]
        for r in 0..<outputs.rows {
            let values = outputs.row(r).map { String(format: "%.6g", Double($0)) }.joined(separator: ",")
            if network.loss.isClassification {
                let predicted = network.loss.predictedClass(logits: logits, row: r)
                let label = names.map { Self.csvField($0[predicted]) } ?? String(predicted)
                lines.append("\(label),\(values)")
            } else {
                lines.append(values)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// class,p0,…,p(k-1) for the classification losses (the classes' names instead of p0, …
    /// when the model has them); y0,…,y(k-1) for mse.
    static func header(loss: LossFunction, outputs: Int, classNames: [String]? = nil) -> String {
        guard loss.isClassification else { return (0..<outputs).map { "y\($0)" }.joined(separator: ",") }
        return (["class"] + (classNames?.map(csvField) ?? (0..<outputs).map { "p\($0)" })).joined(separator: ",")
    }

    /// A field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote
    /// or a line break.
    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
