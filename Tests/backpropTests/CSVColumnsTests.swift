import Foundation
import Testing
@testable import BackpropCLI
import Backprop

/// `--target` and `--ignore`: the target column anywhere, an id column left out, by header
/// name or column number; the choice is stored in the model, so evaluate and predict read
/// the same columns (predict from files without the target).
@Suite struct CSVColumnsTests {
    static let table = """
        id,sepal,species,petal
        101,5.1,setosa,1.4
        102,4.9,setosa,1.3
        103,7.0,versicolor,4.7
        104,6.4,versicolor,4.5
        105,6.3,virginica,6.0
        106,5.8,virginica,5.1
        """

    @Test func aTargetColumnAnywhereAndAnIgnoredId() throws {
        try inTemporaryDirectory { directory in
            let csv = directory + "/flowers.csv"
            try Self.table.write(toFile: csv, atomically: true, encoding: .utf8)
            let data: Dataset<Double> = try CSVReader.dataset(
                path: csv, targetColumns: 1, columns: CSVColumns(targets: ["species"], ignored: ["id"]))
            #expect(data.inputs.storage == [5.1, 1.4, 4.9, 1.3, 7.0, 4.7, 6.4, 4.5, 6.3, 6.0, 5.8, 5.1])
            #expect(data.classNames == ["setosa", "versicolor", "virginica"])
            #expect(data.targets.storage == [0, 0, 1, 1, 2, 2])
            // Column numbers name the same columns.
            let numbered: Dataset<Double> = try CSVReader.dataset(
                path: csv, targetColumns: 1, columns: CSVColumns(targets: ["3"], ignored: ["1"]))
            #expect(numbered.inputs == data.inputs && numbered.targets == data.targets)

            let model = directory + "/flowers.safetensors"
            try Train.parse(["--data", "csv:\(csv)", "--target", "species", "--ignore", "id", "--layers", "2,4,3",
                             "--no-validation", "--epochs", "5", "--output", model, "--quiet"]).run()
            #expect(try ModelFile.csvColumns(path: model) == CSVColumns(targets: ["species"], ignored: ["id"]))
            let evaluation = try Evaluate.parse(["--model", model, "--data", "csv:\(csv)"]).output()
            #expect(evaluation.contains("(6 examples)"), "\(evaluation)")

            // Rows to predict: the same columns by name, the target absent, in another file.
            let rows = directory + "/new.csv"
            try "id,sepal,petal\n201,5.0,1.4\n202,6.5,5.5\n".write(toFile: rows, atomically: true, encoding: .utf8)
            let lines = try Predict.parse(["--model", model, "--data", "csv:\(rows)", "--quiet"]).csvText().split(separator: "\n")
            #expect(lines.count == 3 && lines[0] == "class,setosa,versicolor,virginica")
            let withTarget = try Predict.parse(["--model", model, "--data", "csv:\(csv)", "--quiet"]).csvText()
            #expect(withTarget.split(separator: "\n").count == 7)
            // explain and gradcheck read the same columns.
            let trace = try Explain.parse(["--model", model, "--data", "csv:\(csv)", "--row", "3", "--format", "json"]).output()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any])
            let given = try #require(object["given_input"] as? [Double])
            #expect(given.count == 2 && abs(given[0] - 7.0) < 1e-6 && abs(given[1] - 4.7) < 1e-6, "\(given)")
            let (_, check) = try Gradcheck.parse(["--model", model, "--data", "csv:\(csv)", "--batch-size", "6"]).check()
            #expect(check.passes(threshold: 1e-6))
        }
    }

    @Test func unknownColumnsAndMisuseAreNamed() throws {
        try inTemporaryDirectory { directory in
            let csv = directory + "/flowers.csv"
            try Self.table.write(toFile: csv, atomically: true, encoding: .utf8)
            let unknown = failure { try Train.parse(["--data", "csv:\(csv)", "--target", "kind", "--quiet"]).run() }
            #expect(unknown?.contains("no column 'kind' for --target: the columns are 'id', 'sepal', 'species', 'petal'") == true, "\(unknown ?? "")")
            let both = failure { try Train.parse(["--data", "csv:\(csv)", "--target", "species", "--ignore", "species", "--quiet"]).run() }
            #expect(both?.contains("is both a target and ignored") == true, "\(both ?? "")")
            let notCSV = failure { try Train.parse(["--data", "moons", "--target", "x", "--quiet"]).run() }
            #expect(notCSV?.contains("--target and --ignore choose columns of csv: data") == true, "\(notCSV ?? "")")
        }
    }
}
