import Foundation
import Testing
@testable import BackpropCLI
@testable import Backprop

/// `backprop explain`, `gradcheck` and `graph`: argument arrays that parse and ones that
/// must fail, and end-to-end runs on seed 002's network saved at full precision.
@Suite struct ExplainCLITests {
    /// Seed 002's network (hand-picked weights), saved as F64 so 0.1 stays the Double 0.1.
    func withSeedModel(_ body: (String, String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "backprop-explain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hidden = Dense<Double>(weight: Matrix([[0.1, 0.2, -0.1], [-0.2, 0.1, 0.3]]), bias: [0.1, -0.1])
        let output = Dense<Double>(weight: Matrix([[0.2, -0.1], [0.1, 0.2]]), bias: [0.05, 0.1])
        let network = try Network(inputSize: 3, layers: [hidden, ReLU(), output], loss: .meanSquaredError)
        let model = directory + "/seed002.safetensors"
        try ModelFile.save(network, to: model, fullPrecision: true)
        try body(directory, model)
    }

    @Test func subcommandsAreRegistered() throws {
        #expect(try BackpropCommand.parseAsRoot(["explain", "--model", "m", "--input", "1,2", "--target", "1"]) is Explain)
        #expect(try BackpropCommand.parseAsRoot(["gradcheck"]) is Gradcheck)
        #expect(try BackpropCommand.parseAsRoot(["graph", "--model", "m"]) is Graph)
    }

    @Test func explainOptions() throws {
        let explain = try Explain.parse([
            "--model", "m", "--input", "4,7,0.85", "--target", "0.9,0.8", "--parameter", "w11(1)", "--parameter", "0.bias[1]",
            "--all", "--format", "markdown", "--notation", "ascii", "--max-paths", "8", "--step", "1e-6",
        ])
        #expect(explain.parameters == ["w11(1)", "0.bias[1]"])
        #expect(explain.all && explain.format == .markdown && explain.notation == .ascii)
        #expect(explain.maximumPaths == 8 && explain.step == 1e-6)
        let fromData = try Explain.parse(["--model", "m", "--data", "csv:d.csv", "--row", "3"])
        #expect(fromData.row == 3 && fromData.data == "csv:d.csv")
    }

    @Test(arguments: [
        ["--model", "m"], ["--model", "m", "--input", "1,2"], ["--model", "m", "--data", "moons"],
        ["--model", "m", "--row", "2", "--input", "1", "--target", "1"],
        ["--model", "m", "--data", "moons", "--row", "1", "--input", "1,2"],
        ["--model", "m", "--input", "1", "--target", "1", "--max-paths", "0"],
        ["--model", "m", "--input", "1", "--target", "1", "--format", "html"],
        ["--input", "1", "--target", "1"],
    ])
    func badExplainArgumentsAreRejected(_ arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try Explain.parse(arguments) }
    }

    @Test func explainReproducesSeed002() throws {
        try withSeedModel { _, model in
            let text = try Explain.parse(["--model", model, "--input", "4,7,0.85", "--target", "0.9,0.8", "--parameter", "w11(1)"]).output()
            for fragment in ["= 1.815", "= 0.055", "= 0.4075", "= 0.2925", "= 0.5001125", "= -0.985", "= -1.015",
                             "∂L/∂w₁₁⁽¹⁾ = -0.985 · 0.2 · 1 · 4 + -1.015 · 0.1 · 1 · 4 = -1.194",
                             "backpropagation (BP1-BP4)     -1.194"] {
                #expect(text.contains(fragment), "missing '\(fragment)' in\n\(text)")
            }
            #expect(!text.contains("Gradients of L for every parameter"), "no table unless --all")
            let ascii = try Explain.parse(["--model", model, "--input", "4,7,0.85", "--target", "0.9,0.8",
                                           "--parameter", "0.weight[0,0]", "--notation", "ascii"]).output()
            #expect(ascii.contains("dL/dw11(1) = -0.985 * 0.2 * 1 * 4 + -1.015 * 0.1 * 1 * 4 = -1.194"), "\(ascii)")
        }
    }

    @Test func explainTableFromACSVRow() throws {
        try withSeedModel { directory, model in
            let csv = directory + "/scores.csv"
            try "studied,slept,prior,math,reading\n1,2,3,0.5,0.5\n4,7,0.85,0.9,0.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let text = try Explain.parse(["--model", model, "--data", "csv:\(csv)", "--row", "2", "--all", "--notation", "ascii"]).output()
            let rows: [(String, String)] = [
                ("0.weight[0,0]", "-1.194"), ("0.weight[0,1]", "-2.0895"), ("0.weight[0,2]", "-0.253725"),
                ("0.weight[1,0]", "-0.418"), ("0.weight[1,1]", "-0.7315"), ("0.weight[1,2]", "-0.088825"),
                ("0.bias[0]", "-0.2985"), ("0.bias[1]", "-0.1045"), ("2.weight[0,0]", "-1.787775"),
                ("2.weight[0,1]", "-0.054175"), ("2.weight[1,0]", "-1.842225"), ("2.weight[1,1]", "-0.055825"),
                ("2.bias[0]", "-0.985"), ("2.bias[1]", "-1.015"),
            ]
            for (name, value) in rows {
                let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(name) in\n\(text)")
                #expect(line.components(separatedBy: " " + value).count - 1 == 3, "\(line)")
            }
            let json = try Explain.parse(["--model", model, "--data", "csv:\(csv)", "--row", "2", "--parameter", "b2(2)", "--format", "json"]).output()
            let parsed = try JSONValue.parse(Array(json.utf8))
            #expect(parsed["loss"] == .number(0.5001125) || {
                if case .number(let loss) = parsed["loss"] { return abs(loss - 0.5001125) < 1e-12 }
                return false
            }())
        }
    }

    @Test func explainFailuresAreOneLine() throws {
        try withSeedModel { directory, model in
            let cases: [([String], String)] = [
                (["--input", "4,7,0.85", "--target", "0.9,0.8", "--parameter", "w31(1)"], "valid parameters: 0.weight[j,i]"),
                (["--input", "4,7", "--target", "0.9,0.8", "--parameter", "w11(1)"], "the network takes 3"),
                (["--input", "4,x,0.85", "--target", "0.9,0.8"], "'x' is not a number"),
                (["--input", "4,7,0.85", "--target", "0.9"], "2 value(s), one per output"),
                (["--data", "csv:\(directory)/none.csv", "--row", "1"], "none.csv"),
            ]
            for (arguments, expected) in cases {
                do {
                    _ = try Explain.parse(["--model", model] + arguments).output()
                    Issue.record("\(arguments) should fail")
                } catch {
                    #expect("\(error)".contains(expected), "\(arguments): \(error)")
                    #expect(!"\(error)".contains("\n"), "one line: \(error)")
                }
            }
        }
    }

    @Test func gradcheckPassesOnEveryLossAndReportsTheFormula() throws {
        for loss in LossFunction.allCases {
            let (text, result) = try Gradcheck.parse(["--layers", "3,4,3,2", "--activation", "sigmoid", "--loss", loss.rawValue, "--seed", "2"]).check()
            #expect(result.passes(threshold: 1e-6), "\(loss): \(text)")
            #expect(result.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
            #expect(text.contains("error = max(0, |backprop - numeric| - 4u) / max(|backprop| + |numeric|, 1e-8)"))
            #expect(text.contains("passed"))
        }
        try Gradcheck.parse(["--layers", "2,3,2", "--batch-size", "2"]).run()
    }

    /// A failing tensor stops the command with a one-line message naming it (exit status 1).
    @Test func gradcheckFailsNamingTheTensor() throws {
        let passing = GradientCheckResult.Tensor(name: "0.weight", shape: [3, 2], checkedCount: 6, maximumRelativeError: 1e-9,
                                                  worstIndex: 1, analytic: 0.5, numeric: 0.5)
        var failing = passing
        failing.name = "2.bias"
        failing.maximumRelativeError = 3e-4
        try Gradcheck.verdict(GradientCheckResult(tensors: [passing], step: 1e-5), threshold: 1e-6)
        do {
            try Gradcheck.verdict(GradientCheckResult(tensors: [passing, failing], step: 1e-5), threshold: 1e-6)
            Issue.record("a tensor above the threshold must fail")
        } catch let failure as CommandFailure {
            #expect("\(failure)".contains("error above 1.00e-06 in 2.bias 3.00e-04"), "\(failure)")
            #expect(!"\(failure)".contains("0.weight"))
        }
    }

    @Test func gradcheckOnAModelFileSamplesBigTensors() throws {
        try withSeedModel { _, model in
            let (_, result) = try Gradcheck.parse(["--model", model, "--samples", "3"]).check()
            #expect(result.tensors.map(\.checkedCount) == [3, 2, 3, 2])
            #expect(result.passes(threshold: 1e-6))
        }
        #expect(throws: (any Error).self) { _ = try Gradcheck.parse(["--batch-size", "0"]) }
        #expect(throws: (any Error).self) { _ = try Gradcheck.parse(["--layers", "3"]) }
    }

    @Test func graphPrintsDOT() throws {
        try withSeedModel { _, model in
            let layers = try Graph.parse(["--model", model]).output()
            #expect(layers.hasPrefix("digraph network {") && layers.hasSuffix("}\n"))
            #expect(layers.contains("X -> linear1 [label=\"n×3\"]"))
            #expect(layers.contains("linear2 -> Z2 [label=\"n×2\"]"))
            let neurons = try Graph.parse(["--model", model, "--neurons"]).output()
            #expect(neurons.contains("x1 -> n1_1 [label=\"w₁₁⁽¹⁾ = 0.1\"]"))
            #expect(neurons.contains("n1_1 -> n2_2 [label=\"w₂₁⁽²⁾ = 0.1\"]"))
            #expect(throws: CommandFailure.self) { _ = try Graph.parse(["--model", model, "--neurons", "--max-edges", "5"]).output() }
        }
    }
}
