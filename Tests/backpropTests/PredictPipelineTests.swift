import Foundation
import Testing
@testable import BackpropCLI
import Backprop

/// `backprop predict` as a tool in a pipeline, run as a process: rows on standard input
/// (`csv:-`), predictions to standard output or `--output FILE`, what it assumed on standard
/// error, and never over an existing file without `--overwrite`.
@Suite struct PredictPipelineTests {
    /// Runs `backprop` with `arguments` and `input` on standard input: status, stdout, stderr.
    static func run(_ arguments: [String], input: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ResumeTests.executable))
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func standardInToStandardOutAndToAFile() throws {
        try ScaledModelTests.withScaledModel { csv, model in
            let rows = try String(contentsOfFile: csv, encoding: .utf8)
            let expected = try Predict.parse(["--model", model, "--data", "csv:\(csv)", "--quiet"]).csvText()

            let (status, out, err) = try Self.run(["predict", "--model", model, "--data", "csv:-"], input: rows)
            #expect(status == 0, "\(err)")
            #expect(out == expected)
            #expect(err.contains("standard input: 150 rows of 2 features and 1 target column(s), ignored"), "\(err)")

            // Features only, without a header.
            let features = rows.split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
            let (_, fromFeatures, note) = try Self.run(["predict", "--model", model, "--data", "csv:-"], input: features.joined(separator: "\n"))
            #expect(fromFeatures == expected)
            #expect(note.contains("150 rows of 2 features\n"), "\(note)")

            let path = (csv as NSString).deletingLastPathComponent + "/predictions.csv"
            let (written, quiet, _) = try Self.run(["predict", "--model", model, "--data", "csv:-", "--output", path], input: rows)
            #expect(written == 0 && quiet.isEmpty)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
            let (refused, _, message) = try Self.run(["predict", "--model", model, "--data", "csv:-", "--output", path], input: rows)
            #expect(refused != 0 && message.contains("already exists; pass --overwrite"), "\(message)")
            let (replaced, _, _) = try Self.run(["predict", "--model", model, "--data", "csv:-", "--output", path, "--overwrite"], input: rows)
            #expect(replaced == 0)
        }
    }
}
