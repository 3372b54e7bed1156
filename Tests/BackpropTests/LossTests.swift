import Testing
@testable import Backprop

@Suite struct LossTests {
    /// Logits far apart must not overflow: softmax([10000, 10010, 10]) ≈ (e⁻¹⁰, 1, 0)/(1 + e⁻¹⁰).
    @Test func softmaxCrossEntropyIsFiniteForHugeLogits() {
        for label in 0..<3 {
            let logits = Matrix<Float>([[10000, 10010, 10]])
            let targets = Matrix<Float>([[Float(label)]])
            var gradient = Matrix<Float>(rows: 1, columns: 3)
            let loss = LossFunction.softmaxCrossEntropy.lossAndGradient(logits: logits, targets: targets, gradient: &gradient)
            #expect(loss.isFinite)
            #expect(gradient.storage.allSatisfy { $0.isFinite })
            // log-sum-exp = 10010 + log(1 + e^−10 + e^−10000)
            let logSumExp = 10010 + (1 + Foundation_exp(-10)).logValue
            let expected = logSumExp - [10000.0, 10010, 10][label]
            #expect(abs(loss - expected) <= 1e-3 * max(1, expected))
        }
    }

    @Test func softmaxCrossEntropyMatchesDefinitionInDouble() {
        let logits = Matrix<Double>([[1, 2, 3], [0.5, -1, 2]])
        let targets = Matrix<Double>([[2], [0]])
        var gradient = Matrix<Double>(rows: 2, columns: 3)
        let loss = LossFunction.softmaxCrossEntropy.lossAndGradient(logits: logits, targets: targets, gradient: &gradient)
        func softmax(_ z: [Double]) -> [Double] { let e = z.map { Foundation_exp($0) }; let s = e.reduce(0, +); return e.map { $0 / s } }
        let p0 = softmax([1, 2, 3]), p1 = softmax([0.5, -1, 2])
        let expected = (-(p0[2]).logValue - (p1[0]).logValue) / 2
        #expect(abs(loss - expected) < 1e-12)
        // δ = (ŷ − y)/n
        #expect(abs(gradient[0, 2] - (p0[2] - 1) / 2) < 1e-12)
        #expect(abs(gradient[1, 1] - p1[1] / 2) < 1e-12)
    }

    @Test func oneHotTargetsEqualClassIndexTargets() {
        let logits = Matrix<Double>([[1, 2, 3], [0.5, -1, 2]])
        var g1 = Matrix<Double>(rows: 2, columns: 3), g2 = g1
        let a = LossFunction.softmaxCrossEntropy.lossAndGradient(logits: logits, targets: Matrix([[2], [0]]), gradient: &g1)
        let b = LossFunction.softmaxCrossEntropy.lossAndGradient(logits: logits, targets: Matrix([[0, 0, 1], [1, 0, 0]]), gradient: &g2)
        #expect(abs(a - b) < 1e-12)
        #expect(zip(g1.storage, g2.storage).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    /// BCE from logits is stable for |z| = 1000, where σ(z) rounds to exactly 0 or 1.
    @Test func binaryCrossEntropyFromLogitsIsStable() {
        let logits = Matrix<Float>([[1000], [-1000], [0]])
        let targets = Matrix<Float>([[0], [1], [1]])
        var gradient = Matrix<Float>(rows: 3, columns: 1)
        let loss = LossFunction.binaryCrossEntropy.lossAndGradient(logits: logits, targets: targets, gradient: &gradient)
        // (1000 + 1000 + log 2) / 3
        #expect(abs(loss - (2000 + 0.6931471805599453) / 3) < 1e-3)
        #expect(abs(gradient[0, 0] - 1.0 / 3) < 1e-6)
        #expect(abs(gradient[1, 0] - -1.0 / 3) < 1e-6)
        #expect(abs(gradient[2, 0] - -0.5 / 3) < 1e-6)
    }

    /// Seed 002's definition: sum over outputs, mean over examples; δ = 2(ŷ − y)/n.
    @Test func meanSquaredErrorIsSeed002s() {
        let outputs = Matrix<Double>([[0.4075, 0.2925], [1, 1]])
        let targets = Matrix<Double>([[0.9, 0.8], [1, 3]])
        var gradient = Matrix<Double>(rows: 2, columns: 2)
        let loss = LossFunction.meanSquaredError.lossAndGradient(logits: outputs, targets: targets, gradient: &gradient)
        #expect(abs(loss - (0.5001125 + 4) / 2) < 1e-12)
        #expect(abs(gradient[1, 1] - 2 * (1 - 3) / 2) < 1e-12)
    }

    /// The Float path takes every e^(zⱼ − m) from the vectorized exp (relative error ≤ 2·10⁻⁷):
    /// its loss and δ stay within a few Float roundings of the same computation in Double, for
    /// class-index and soft targets, and for sizes whose value count is no multiple of a vector.
    @Test(arguments: [(rows: 37, classes: 10), (rows: 1, classes: 3), (rows: 5, classes: 17)])
    func softmaxCrossEntropyInFloatMatchesDouble(rows: Int, classes: Int) {
        var generator = SeededGenerator(seed: UInt64(rows * 100 + classes))
        let logits = (0..<rows).map { _ in (0..<classes).map { _ in 60 * generator.nextUnitDouble() - 30 } }
        let labels = (0..<rows).map { _ in [Double(generator.nextIndex(below: classes))] }
        let soft = (0..<rows).map { _ -> [Double] in
            let weights = (0..<classes).map { _ in generator.nextUnitDouble() }
            let total = weights.reduce(0, +)
            return weights.map { $0 / total }
        }
        for targets in [labels, soft] {
            let floatLogits = Matrix<Float>(logits.map { $0.map(Float.init) })
            // The reference sees exactly the Float logits and targets.
            let doubleLogits = Matrix<Double>(rows: rows, columns: classes, elements: floatLogits.storage.map(Double.init))
            let floatTargets = Matrix<Float>(targets.map { $0.map(Float.init) })
            let doubleTargets = Matrix<Double>(rows: rows, columns: floatTargets.columns, elements: floatTargets.storage.map(Double.init))
            var floatGradient = Matrix<Float>(rows: rows, columns: classes)
            var doubleGradient = Matrix<Double>(rows: rows, columns: classes)
            let floatLoss = LossFunction.softmaxCrossEntropy.lossAndGradient(
                logits: floatLogits, targets: floatTargets, gradient: &floatGradient)
            let doubleLoss = LossFunction.softmaxCrossEntropy.lossAndGradient(
                logits: doubleLogits, targets: doubleTargets, gradient: &doubleGradient)
            #expect(abs(floatLoss - doubleLoss) <= 1e-5 * max(1, abs(doubleLoss)))
            for (f, d) in zip(floatGradient.storage, doubleGradient.storage) {
                #expect(abs(Double(f) - d) <= 2e-6 * abs(d) + 1e-7 / Double(rows))
            }
        }
    }

    /// Accuracy counts: arg-max logit against a class index or a one-hot row, and for a single
    /// sigmoid output, logit > 0 against a target ≥ 0.5.
    @Test func correctCountComparesPredictedAndTargetClasses() {
        let logits = Matrix<Float>([[0.1, 2, -1], [3, 1, 0], [0, 0, 5], [-2, -1, -3]])
        // Predicted classes 1, 0, 2, 1.
        let softmax = LossFunction.softmaxCrossEntropy
        #expect(softmax.correctCount(logits: logits, targets: Matrix([[1], [0], [1], [1]])) == 3)
        #expect(softmax.correctCount(logits: logits, targets: Matrix([[0, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0]])) == 2)
        #expect((0..<4).map { softmax.predictedClass(logits: logits, row: $0) } == [1, 0, 2, 1])
        let binary = LossFunction.binaryCrossEntropy
        let single = Matrix<Double>([[0.3], [-0.2], [0], [4]])
        // Predicted 1, 0, 0, 1 against targets 1, 0, 1, 0.
        #expect(binary.correctCount(logits: single, targets: Matrix([[0.9], [0.1], [0.5], [0.4]])) == 2)
        #expect((0..<4).map { binary.targetClass(targets: Matrix<Double>([[0.9], [0.1], [0.5], [0.4]]), row: $0) } == [1, 0, 1, 0])
    }

    @Test func targetValidationNamesTheRow() {
        #expect(throws: ShapeError.self) {
            try LossFunction.softmaxCrossEntropy.validate(targets: Matrix<Float>([[0], [3]]), outputSize: 3)
        }
        do {
            try LossFunction.softmaxCrossEntropy.validate(targets: Matrix<Float>([[0], [3]]), outputSize: 3)
        } catch {
            #expect(error.description.contains("row 2"))
        }
        #expect(throws: ShapeError.self) {
            try LossFunction.binaryCrossEntropy.validate(targets: Matrix<Float>([[0.5], [2]]), outputSize: 1)
        }
    }
}

import Foundation
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }
extension Double { var logValue: Double { Foundation.log(self) } }
