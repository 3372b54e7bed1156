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
            then the softmax probabilities, or σ of each output for binary cross-entropy), \
            y0,y1,… for regression.
            """)

    @Option(help: "A model file written by `backprop train`.")
    var model: String

    @Option(help: "Rows to predict: csv:PATH (features, optionally followed by targets), or any other data set (its test split when it has one).")
    var data: String

    @Option(help: "Seed for built-in data sets.")
    var seed: UInt64 = 0

    func run() throws {
        print(try output(), terminator: "")
    }

    /// The header line and one line per row, as printed.
    func output() throws -> String {
        let (network, scaling): (Network<Float>, InputScaling) = try ModelFile.loadWithInputScaling(path: model)
        var inputs: Matrix<Float>
        switch try DataSource(parsing: data) {
        case .csv(let path):
            let rows = try CSVReader.read(path: path).rows
            let width = rows[0].count
            let targetColumns = network.loss.targetColumns(outputSize: network.outputSize)
            guard width == network.inputSize || width == network.inputSize + targetColumns else {
                throw CommandFailure("\(path): rows have \(width) columns, but \(model) expects \(network.inputSize) features (optionally followed by \(targetColumns) target column(s))")
            }
            var matrix = Matrix<Float>(rows: rows.count, columns: network.inputSize)
            for (r, row) in rows.enumerated() {
                for c in 0..<network.inputSize { matrix[r, c] = Float(row[c]) }
            }
            inputs = matrix
        case let source:
            let loaded: LoadedData<Float> = try source.load(loss: network.loss, outputSize: network.outputSize, seed: seed)
            inputs = (loaded.test ?? loaded.training).inputs
        }
        do {
            try scaling.apply(to: &inputs)
        } catch {
            throw CommandFailure("\(model)'s \(error.description) (data: \(data))")
        }
        let outputs = try network.predict(inputs)
        let logits = try network.logits(inputs)
        var lines = [Self.header(loss: network.loss, outputs: network.outputSize)]
        for r in 0..<outputs.rows {
            let values = outputs.row(r).map { String(format: "%.6g", Double($0)) }.joined(separator: ",")
            if network.loss.isClassification {
                lines.append("\(network.loss.predictedClass(logits: logits, row: r)),\(values)")
            } else {
                lines.append(values)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// class,p0,…,p(k-1) for the classification losses; y0,…,y(k-1) for mse.
    static func header(loss: LossFunction, outputs: Int) -> String {
        loss.isClassification
            ? (["class"] + (0..<outputs).map { "p\($0)" }).joined(separator: ",")
            : (0..<outputs).map { "y\($0)" }.joined(separator: ",")
    }
}
