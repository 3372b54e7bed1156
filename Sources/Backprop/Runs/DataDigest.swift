/// A fingerprint of a training set, stored in checkpoints so that `--resume` notices data
/// that changed since (edited labels, a file cut short): the example and feature counts and
/// the CRC32C of the inputs' and targets' bytes as the trainer sees them (after the
/// validation split and the input scaling, which a resumed run repeats exactly).
public struct DataDigest: Codable, Equatable, Sendable {
    public var examples: Int
    public var features: Int
    public var crc32c: UInt32

    public init<Scalar: NetworkScalar>(_ dataset: Dataset<Scalar>) {
        examples = dataset.count
        features = dataset.featureCount
        var crc: UInt32 = 0
        for matrix in [dataset.inputs, dataset.targets] {
            crc = matrix.storage.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }  // the Float bytes
        }
        crc32c = crc
    }

    /// Why `current` is not the data this digest was taken of, in words; nil when it is.
    public func mismatch(with current: DataDigest) -> String? {
        if examples != current.examples || features != current.features {
            return "it had \(examples) training examples of \(features) features, now \(current.examples) of \(current.features)"
        }
        if crc32c != current.crc32c {
            return "it had the same number of examples, but their values or labels differ"
        }
        return nil
    }
}
