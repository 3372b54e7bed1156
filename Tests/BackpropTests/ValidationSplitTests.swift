import Testing
@testable import Backprop

@Suite struct ValidationSplitTests {
    /// Row r has input r and target r % 3 (three classes).
    func dataset(count: Int) -> Dataset<Float> {
        Dataset(
            inputs: Matrix(rows: count, columns: 2, elements: (0..<count).flatMap { [Float($0), Float(-$0)] }),
            targets: Matrix(rows: count, columns: 1, elements: (0..<count).map { Float($0 % 3) }),
            classNames: ["a", "b", "c"])
    }

    /// ⌈f · n⌉, with products that are integers up to rounding taken as integers.
    @Test func validationCount() throws {
        #expect(try ValidationSplit(fraction: 0.3).validationCount(of: 10) == 3)
        #expect(try ValidationSplit(fraction: 0.7).validationCount(of: 10) == 7)  // 0.7 · 10 = 7.000000000000001
        #expect(try ValidationSplit(fraction: 0.25).validationCount(of: 10) == 3)  // ⌈2.5⌉
        #expect(try ValidationSplit(fraction: 0.1).validationCount(of: 60000) == 6000)
        #expect(try ValidationSplit(fraction: 1e-6).validationCount(of: 10) == 1)
    }

    /// Disjoint, complete, each part increasing, the validation part of size ⌈f · n⌉.
    @Test(arguments: [(UInt64(0), 0.2, 50), (1, 0.5, 7), (42, 0.9, 11), (7, 0.01, 300)])
    func disjointAndComplete(seed: UInt64, fraction: Double, count: Int) throws {
        let split = try ValidationSplit(fraction: fraction, seed: seed)
        let (training, validation) = try split.indices(count: count)
        #expect(validation.count == split.validationCount(of: count))
        #expect((training + validation).sorted() == Array(0..<count))
        #expect(Set(training).isDisjoint(with: validation))
        #expect(training == training.sorted() && validation == validation.sorted())
    }

    /// Same seed, same split; other seeds give other splits.
    @Test func deterministicPerSeed() throws {
        let first = try ValidationSplit(fraction: 0.2, seed: 5).indices(count: 100)
        let again = try ValidationSplit(fraction: 0.2, seed: 5).indices(count: 100)
        #expect(first == again)
        let others = try (6..<10).map { try ValidationSplit(fraction: 0.2, seed: UInt64($0)).indices(count: 100).validation }
        #expect(others.allSatisfy { $0 != first.validation })
    }

    /// The last v indices of the shuffled order are the validation rows: the split is a
    /// function of `SeededGenerator(seed:).shuffle` alone.
    @Test func validationIsTheShuffleTail() throws {
        var order = Array(0..<20)
        var generator = SeededGenerator(seed: 3)
        generator.shuffle(&order)
        let (training, validation) = try ValidationSplit(fraction: 0.25, seed: 3).indices(count: 20)
        #expect(validation == order.suffix(5).sorted())
        #expect(training == order.prefix(15).sorted())
    }

    /// Datasets: rows and targets follow the indices, class names are kept.
    @Test func splitsDataset() throws {
        let data = dataset(count: 12)
        let split = try ValidationSplit(fraction: 0.25, seed: 9)
        let (trainingRows, validationRows) = try split.indices(count: 12)
        let (training, validation) = try split.split(data)
        #expect(training.count == 9 && validation.count == 3)
        #expect(training.inputs.storage == trainingRows.flatMap { [Float($0), Float(-$0)] })
        #expect(validation.inputs.storage == validationRows.flatMap { [Float($0), Float(-$0)] })
        #expect(validation.targets.storage == validationRows.map { Float($0 % 3) })
        #expect(training.classNames == ["a", "b", "c"])
    }

    /// Classes of 5, 3 and 2 examples with f = 0.3: quotas 1.5, 0.9, 0.6, floors 1, 0, 0;
    /// the 2 left over of ⌈3⌉ = 3 go to the largest remainders (0.9, 0.6): one of each.
    @Test func stratified() throws {
        let classes = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2]
        let split = try ValidationSplit(fraction: 0.3, seed: 1, stratified: true)
        let (training, validation) = try split.indices(count: 10, classes: classes)
        #expect(validation.map { classes[$0] }.sorted() == [0, 1, 2])
        #expect((training + validation).sorted() == Array(0..<10))

        // 60 rows, classes 0, 1, 2 in turn, f = 0.5: exactly 10 of each class held out.
        let (_, heldOut) = try ValidationSplit(fraction: 0.5, seed: 4, stratified: true).split(dataset(count: 60))
        for label in 0..<3 {
            #expect(heldOut.targets.storage.filter { $0 == Float(label) }.count == 10)
        }
    }

    @Test func rejects() throws {
        for fraction in [0, 1, -0.1, 1.5, .nan] {
            #expect(throws: ValidationSplit.SplitError.self) { _ = try ValidationSplit(fraction: fraction) }
        }
        // ⌈0.5 · 1⌉ = 1 leaves no training example; 0 examples leave nothing at all.
        #expect(throws: ValidationSplit.SplitError.self) { _ = try ValidationSplit(fraction: 0.5).indices(count: 1) }
        #expect(throws: ValidationSplit.SplitError.self) { _ = try ValidationSplit(fraction: 0.5).indices(count: 0) }
        // Stratifying needs class indices.
        let regression = Dataset<Float>(inputs: Matrix([[1], [2]]), targets: Matrix([[0.5], [1.5]]))
        #expect(throws: ValidationSplit.SplitError.self) {
            _ = try ValidationSplit(fraction: 0.5, stratified: true).split(regression)
        }
        #expect(throws: ValidationSplit.SplitError.self) {
            _ = try ValidationSplit(fraction: 0.5, stratified: true).indices(count: 4)
        }
    }
}
