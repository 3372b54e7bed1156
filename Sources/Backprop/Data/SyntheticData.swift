#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Built-in 2-D classification sets that need no download, generated from a seed.
///
/// Every set has two input columns and one target column holding the class index.
public enum SyntheticData: String, CaseIterable, Sendable {
    /// Two interleaving half circles (scikit-learn's `make_moons`), noise σ = 0.1; 2 classes.
    case moons
    /// Three Gaussian blobs (σ = 0.5) around the corners of a triangle; 3 classes.
    case blobs
    /// The XOR quadrants: class = (x > 0) ≠ (y > 0), points uniform in [−1, 1]²; 2 classes.
    case xor
    /// Three interleaved spiral arms (CS231n's spiral set), noise σ = 0.2; 3 classes.
    case spiral

    /// The number of classes.
    public var classCount: Int {
        switch self {
        case .moons, .xor: 2
        case .blobs, .spiral: 3
        }
    }

    /// `count` examples, classes balanced and interleaved (row i has class i mod k), from
    /// a generator seeded with `seed`.
    public func generate<Scalar: NetworkScalar>(count: Int = 400, seed: UInt64 = 0, as: Scalar.Type = Scalar.self) -> Dataset<Scalar> {
        var generator = SeededGenerator(seed: seed)
        var inputs = Matrix<Scalar>(rows: count, columns: 2)
        var targets = Matrix<Scalar>(rows: count, columns: 1)
        for row in 0..<count {
            let label = row % classCount
            let (x, y) = point(label: label, index: row / classCount, perClass: (count + classCount - 1) / classCount, generator: &generator)
            inputs[row, 0] = Scalar(x)
            inputs[row, 1] = Scalar(y)
            targets[row, 0] = Scalar(label)
        }
        return Dataset(inputs: inputs, targets: targets, classNames: (0..<classCount).map { "class \($0)" })
    }

    private func point(label: Int, index: Int, perClass: Int, generator: inout SeededGenerator) -> (Double, Double) {
        switch self {
        case .moons:
            let t = Double.pi * generator.nextUnitDouble()
            let (x, y) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            return (x + 0.1 * generator.nextNormal(), y + 0.1 * generator.nextNormal())
        case .blobs:
            let centers = [(0.0, 2.0), (-1.8, -1.0), (1.8, -1.0)]
            return (centers[label].0 + 0.5 * generator.nextNormal(), centers[label].1 + 0.5 * generator.nextNormal())
        case .xor:
            // Uniform in the two quadrants of the class, away from the axes by nothing.
            let x = generator.nextUnitDouble()
            let y = generator.nextUnitDouble()
            let flip = generator.nextIndex(below: 2) == 0
            return label == 0 ? (flip ? (x, y) : (-x, -y)) : (flip ? (-x, y) : (x, -y))
        case .spiral:
            let r = Double(index) / Double(max(perClass - 1, 1))
            let t = Double(label) * 4 + r * 4 + 0.2 * generator.nextNormal()
            return (r * sin(t), r * cos(t))
        }
    }
}
