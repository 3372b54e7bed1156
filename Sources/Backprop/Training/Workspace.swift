/// The buffers one training step works in, sized once per batch size and reused, so the
/// steady-state step allocates nothing.
///
/// For a network of L layers: `input` (n x inputs) and `targets` hold the batch;
/// `outputs[l]` holds layer l's output (the A⁽ˡ⁾ or Z⁽ˡ⁾ the backward pass needs) and
/// `gradients[l]` holds ∂J/∂outputs[l]; `gradients[L − 1]` is δ⁽ᴸ⁾ from the loss. (For
/// networks on the fused `SmallNetworkPath`, only `outputs` and `gradients[L − 1]` are
/// written; the intermediate gradients stay in the kernel's registers.)
public final class Workspace<Scalar: NetworkScalar> {
    public internal(set) var input: Matrix<Scalar>
    public internal(set) var targets: Matrix<Scalar>
    public internal(set) var outputs: [Matrix<Scalar>]
    public internal(set) var gradients: [Matrix<Scalar>]
    /// Receives nothing: the first layer's input gradient is never computed.
    var unusedGradient = Matrix<Scalar>(rows: 0, columns: 0)
    /// The current batch size.
    public private(set) var batchSize: Int

    /// Buffers for `network`, with capacity for `batchSize` rows.
    public init(network: Network<Scalar>, batchSize: Int) {
        self.batchSize = batchSize
        input = Matrix(rows: batchSize, columns: network.inputSize)
        targets = Matrix(rows: batchSize, columns: network.loss.targetColumns(outputSize: network.outputSize))
        outputs = network.widths.dropFirst().map { Matrix(rows: batchSize, columns: $0) }
        gradients = network.widths.dropFirst().map { Matrix(rows: batchSize, columns: $0) }
    }

    /// Sets the batch size to `rows` (allocation-free up to the largest size used so far).
    public func resize(rows: Int) {
        guard rows != batchSize else { return }
        batchSize = rows
        input.resize(rows: rows)
        targets.resize(rows: rows)
        for index in outputs.indices {
            outputs[index].resize(rows: rows)
            gradients[index].resize(rows: rows)
        }
    }

    /// Copies the given rows of `dataset` into `input` and `targets`, in the given order.
    public func loadRows(_ rows: ArraySlice<Int>, of dataset: Dataset<Scalar>) {
        let start = rows.startIndex
        loadRows(count: rows.count, of: dataset) { rows[start + $0] }
    }

    /// Copies the rows `rows` of `dataset` into `input` and `targets`.
    public func loadRows(_ rows: Range<Int>, of dataset: Dataset<Scalar>) {
        let start = rows.lowerBound
        loadRows(count: rows.count, of: dataset) { start + $0 }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func loadRows(count: Int, of dataset: Dataset<Scalar>, sourceRow: (Int) -> Int) {
        resize(rows: count)
        let inputWidth = input.columns
        let targetWidth = targets.columns
        precondition(dataset.inputs.columns == inputWidth && dataset.targets.columns == targetWidth,
                     "Workspace: data set shape does not fit the network")
        dataset.inputs.storage.withUnsafeBufferPointer { sourceInputs in
            dataset.targets.storage.withUnsafeBufferPointer { sourceTargets in
                input.storage.withUnsafeMutableBufferPointer { destinationInputs in
                    targets.storage.withUnsafeMutableBufferPointer { destinationTargets in
                        for destination in 0..<count {
                            let row = sourceRow(destination)
                            (destinationInputs.baseAddress! + destination * inputWidth).update(
                                from: sourceInputs.baseAddress! + row * inputWidth, count: inputWidth)
                            (destinationTargets.baseAddress! + destination * targetWidth).update(
                                from: sourceTargets.baseAddress! + row * targetWidth, count: targetWidth)
                        }
                    }
                }
            }
        }
    }

    /// Loads a batch given directly as matrices (copies them into the buffers).
    public func load(inputs: Matrix<Scalar>, targets newTargets: Matrix<Scalar>) {
        precondition(inputs.columns == input.columns && newTargets.columns == targets.columns && inputs.rows == newTargets.rows,
                     "Workspace: batch shape does not fit the network")
        resize(rows: inputs.rows)
        input.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: inputs.storage, count: inputs.storage.count) }
        targets.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: newTargets.storage, count: newTargets.storage.count) }
    }
}
