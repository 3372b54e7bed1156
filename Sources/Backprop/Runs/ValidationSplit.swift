/// Holds out a seeded random fraction of a data set for validation.
///
/// With n examples and fraction f, the validation part has v = ⌈f · n⌉ examples (a product
/// within 1e-9 of an integer counts as that integer, so 0.7 · 10 gives 7, not 8). The row
/// indices 0..<n are shuffled (Fisher-Yates, `SeededGenerator(seed:)`), the LAST v of them
/// form the validation part and the rest the training part; each part then keeps the rows
/// in their original order. The same seed, fraction and n give the same split everywhere.
///
/// Stratified: the same per class, so that each class keeps its proportion. Class c with nᶜ
/// examples gives ⌊f · nᶜ⌋ to validation, and the v − Σ⌊f · nᶜ⌋ examples left over go one
/// each to the classes with the largest remainders f · nᶜ − ⌊f · nᶜ⌋ (ties: lower class
/// first), so the validation part has exactly v examples in total. Each class's rows are
/// shuffled with one generator, in class order, and the last ones taken.
public struct ValidationSplit: Codable, Equatable, Sendable {
    /// Why a split was rejected; `description` is one line.
    public struct SplitError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The fraction f held out, in (0, 1).
    public let fraction: Double
    /// The shuffle's seed.
    public let seed: UInt64
    /// Whether each class keeps its proportion (class-index or one-hot targets).
    public let stratified: Bool

    /// - Throws: `SplitError` unless 0 < fraction < 1.
    public init(fraction: Double, seed: UInt64 = 0, stratified: Bool = false) throws(SplitError) {
        guard fraction > 0, fraction < 1 else {
            throw SplitError("validation split: the fraction must be strictly between 0 and 1, got \(fraction)")
        }
        self.fraction = fraction
        self.seed = seed
        self.stratified = stratified
    }

    /// v = ⌈f · n⌉, the validation size for n examples.
    public func validationCount(of count: Int) -> Int {
        Self.ceilingCount(fraction * Double(count))
    }

    /// The row indices of each part, each in increasing order. `classes[i]` is row i's class
    /// (required when `stratified`, ignored otherwise).
    /// - Throws: `SplitError` if either part would be empty, or labels are missing.
    public func indices(count: Int, classes: [Int]? = nil) throws(SplitError) -> (training: [Int], validation: [Int]) {
        let validationCount = validationCount(of: count)
        guard validationCount < count else {
            throw SplitError("validation split: holding out \(fraction) of \(count) examples leaves no training examples")
        }
        var generator = SeededGenerator(seed: seed)
        var isValidation = [Bool](repeating: false, count: count)
        if stratified {
            guard let classes, classes.count == count else {
                throw SplitError("validation split: a stratified split needs one class label per example (\(count)), got \(classes?.count ?? 0)")
            }
            var members: [Int: [Int]] = [:]
            for (row, label) in classes.enumerated() { members[label, default: []].append(row) }
            let labels = members.keys.sorted()
            let quotas = labels.map { fraction * Double(members[$0]!.count) }
            var takes = quotas.map { Self.floorCount($0) }
            let leftOver = validationCount - takes.reduce(0, +)
            let byRemainder = labels.indices.sorted { a, b in
                let (ra, rb) = (quotas[a] - Double(takes[a]), quotas[b] - Double(takes[b]))
                return ra != rb ? ra > rb : a < b
            }
            for position in byRemainder.prefix(max(leftOver, 0)) { takes[position] += 1 }
            for (position, label) in labels.enumerated() {
                var rows = members[label]!
                generator.shuffle(&rows)
                for row in rows.suffix(takes[position]) { isValidation[row] = true }
            }
        } else {
            var order = Array(0..<count)
            generator.shuffle(&order)
            for row in order.suffix(validationCount) { isValidation[row] = true }
        }
        var training: [Int] = []
        var validation: [Int] = []
        training.reserveCapacity(count - validationCount)
        validation.reserveCapacity(validationCount)
        for row in 0..<count {
            if isValidation[row] { validation.append(row) } else { training.append(row) }
        }
        guard !validation.isEmpty else {
            throw SplitError("validation split: holding out \(fraction) of \(count) examples leaves no validation examples")
        }
        return (training, validation)
    }

    /// The training and validation parts of `dataset` (class names carried over).
    ///
    /// Stratified splits read each row's class from the targets: a class index (one
    /// column of non-negative integers) or the arg-max of several columns.
    /// - Throws: `SplitError` if either part would be empty, or a stratified split's
    ///   one-column targets are not class indices.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func split<Scalar: NetworkScalar>(_ dataset: Dataset<Scalar>) throws(SplitError)
        -> (training: Dataset<Scalar>, validation: Dataset<Scalar>)
    {
        let classes = stratified ? try Self.classes(of: dataset.targets) : nil
        let (training, validation) = try indices(count: dataset.count, classes: classes)
        return (Self.gather(training, of: dataset), Self.gather(validation, of: dataset))
    }

    /// Each row's class: the value of a one-column class-index target, else the arg-max.
    static func classes<Scalar: NetworkScalar>(of targets: Matrix<Scalar>) throws(SplitError) -> [Int] {
        if targets.columns == 1 {
            var classes: [Int] = []
            classes.reserveCapacity(targets.rows)
            for (row, value) in targets.storage.enumerated() {
                guard value >= 0, value.rounded() == value, value < 1e9 else {
                    throw SplitError("validation split: stratifying needs class-index targets, but row \(row + 1) has target \(value)")
                }
                classes.append(Int(value))
            }
            return classes
        }
        return (0..<targets.rows).map { row in
            let base = row * targets.columns
            var best = 0
            for c in 1..<max(targets.columns, 1) where targets.storage[base + c] > targets.storage[base + best] { best = c }
            return best
        }
    }

    /// The rows `rows` of `dataset`, in that order, copied a row at a time into storage
    /// that is not zero-filled first.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gather<Scalar: NetworkScalar>(_ rows: [Int], of dataset: Dataset<Scalar>) -> Dataset<Scalar> {
        func copyRows(_ source: Matrix<Scalar>) -> Matrix<Scalar> {
            let width = source.columns
            let elements = source.withUnsafeBufferPointer { from in
                [Scalar](unsafeUninitializedCapacity: rows.count * width) { to, initialized in
                    if width > 0 {
                        for (index, row) in rows.enumerated() {
                            (to.baseAddress! + index * width).initialize(from: from.baseAddress! + row * width, count: width)
                        }
                    }
                    initialized = rows.count * width
                }
            }
            return Matrix(rows: rows.count, columns: width, elements: elements)
        }
        return Dataset(inputs: copyRows(dataset.inputs), targets: copyRows(dataset.targets), classNames: dataset.classNames)
    }

    /// ⌈x⌉, with x within 1e-9 of an integer taken as that integer.
    static func ceilingCount(_ x: Double) -> Int {
        let nearest = x.rounded()
        return Int(abs(x - nearest) <= 1e-9 ? nearest : x.rounded(.up))
    }

    /// ⌊x⌋, with x within 1e-9 of an integer taken as that integer.
    static func floorCount(_ x: Double) -> Int {
        let nearest = x.rounded()
        return Int(abs(x - nearest) <= 1e-9 ? nearest : x.rounded(.down))
    }
}
