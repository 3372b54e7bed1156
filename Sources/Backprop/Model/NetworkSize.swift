#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// What a network of given widths costs before any of it is allocated, in overflow-safe
/// arithmetic, so that absurd widths are refused with a message instead of trapping on an
/// overflowing product or growing until the kernel kills the process.
public struct NetworkSize: Equatable, Sendable {
    /// The widths, input first, and the batch size the estimate is for.
    public var sizes: [Int]
    public var batchSize: Int
    /// Weights and biases: Σₗ (nₗ₋₁ + 1)·nₗ over the dense layers.
    public var parameters: Int
    /// Bytes a `Trainer` needs, estimated: per parameter, its value and gradient, two
    /// optimizer moments and the session's copy of the last finite epoch (each value and
    /// gradient), 7 × 4 bytes in Float; per example in a batch and unit of every layer, the
    /// layer's Z, A and δ plus one scratch value, 4 × 4 bytes, twice for the activations.
    public var trainingBytes: Int

    /// The most parameters a network may have: tensors are indexed with 32-bit offsets by the
    /// safetensors readers people use with model files, and 2³¹ Float parameters are 8 GiB.
    public static let maximumParameters = Int(Int32.max)

    /// The sizes of a network of dense layers `sizes` (input first) trained in batches of
    /// `batchSize`.
    /// - Throws: `ShapeError` when a width is not positive, or the parameter count exceeds
    ///   `maximumParameters` (or Int) .
    public init(sizes: [Int], batchSize: Int) throws(ShapeError) {
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }), batchSize >= 0 else {
            throw ShapeError("network: layer sizes must be at least two positive numbers (input and output), got \(sizes)")
        }
        let text = sizes.map(String.init).joined(separator: ",")
        var parameters = 0
        var units = 0
        var overflow = false
        for index in 1..<sizes.count {
            let (fanIn, o1) = sizes[index - 1].addingReportingOverflow(1)
            let (tensor, o2) = fanIn.multipliedReportingOverflow(by: sizes[index])
            let (sum, o3) = parameters.addingReportingOverflow(tensor)
            let (unitSum, o4) = units.addingReportingOverflow(sizes[index])
            overflow = overflow || o1 || o2 || o3 || o4
            parameters = sum
            units = unitSum
        }
        guard !overflow, parameters <= Self.maximumParameters else {
            throw ShapeError("layers \(text): more than \(Self.maximumParameters) parameters (2³¹ − 1, 8 GiB of Float), the most a network may have")
        }
        // Both bounded by 2³¹ · 2⁶, far below Int.max once multiplied by the batch below.
        let perParameter = parameters * 28
        let (activationBytes, o5) = units.multipliedReportingOverflow(by: 32)
        let (batchBytes, o6) = activationBytes.multipliedReportingOverflow(by: max(batchSize, 1))
        let (total, o7) = perParameter.addingReportingOverflow(batchBytes)
        self.sizes = sizes
        self.batchSize = batchSize
        self.parameters = parameters
        self.trainingBytes = o5 || o6 || o7 ? Int.max : total
    }

    /// This machine's physical memory in bytes (nil when it cannot be read).
    public static var physicalMemory: Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : bytes
    }

    /// Throws when training would need more than `available` bytes (the physical memory by
    /// default): a one-line message with the size needed.
    public func checkFits(available: Int? = NetworkSize.physicalMemory) throws(ShapeError) {
        guard let available, trainingBytes > available else { return }
        let text = sizes.map(String.init).joined(separator: ",")
        throw ShapeError("layers \(text) with batches of \(batchSize): \(parameters) parameters; training needs about \(Self.gigabytes(trainingBytes)), more than this machine's \(Self.gigabytes(available)) of memory")
    }

    /// "12.3 GB"; "more than 9.2 EB" for `Int.max`.
    static func gigabytes(_ bytes: Int) -> String {
        bytes == Int.max ? "more than 9.2 EB" : String(format: "%.1f GB", Double(bytes) / 1e9)
    }
}
