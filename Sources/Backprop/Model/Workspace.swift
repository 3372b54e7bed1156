import CBackpropKernels

/// The buffers one training step works in, sized once per batch size and reused, so the
/// steady-state step allocates nothing.
///
/// For a network of L layers: `input` (n x inputs) and `targets` hold the batch;
/// `outputs[l]` holds layer l's output (the A⁽ˡ⁾ or Z⁽ˡ⁾ the backward pass needs) and
/// `gradients[l]` holds ∂J/∂outputs[l]; `gradients[L − 1]` is δ⁽ᴸ⁾ from the loss. (For
/// networks on the fused `SmallNetworkPath`, only `outputs` and `gradients[L − 1]` are
/// written, and in a `Trainer` step only the last of the `outputs`; the intermediate values
/// stay inside the kernel, and the other buffers keep whatever an earlier step left there.)
///
/// The buffers are `@exclusivity(unchecked)` (SE-0176), like `Parameter`'s tensors: a step
/// takes a pointer to each of them, and a small network's step would otherwise spend a
/// sizeable part of its time in the run-time exclusivity check.
public final class Workspace<Scalar: NetworkScalar> {
    @exclusivity(unchecked) public internal(set) var input: Matrix<Scalar>
    @exclusivity(unchecked) public internal(set) var targets: Matrix<Scalar>
    @exclusivity(unchecked) public internal(set) var outputs: [Matrix<Scalar>]
    @exclusivity(unchecked) public internal(set) var gradients: [Matrix<Scalar>]
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

    /// Copies rows `rows` of `dataset` (inputs and targets) into the batch, in that order.
    public func loadRows(_ rows: ArraySlice<Int>, of dataset: Dataset<Scalar>) {
        rows.withUnsafeBufferPointer { indices in
            gather(count: rows.count, of: dataset, indices: indices.baseAddress, firstRow: 0)
        }
    }

    /// Copies the consecutive rows `rows` of `dataset` into the batch.
    public func loadRows(_ rows: Range<Int>, of dataset: Dataset<Scalar>) {
        gather(count: rows.count, of: dataset, indices: nil, firstRow: rows.lowerBound)
    }

    /// Batches with at least this many bytes of inputs are copied by two threads (when the
    /// backend has them): the rows of a shuffled batch come from memory, and two threads wait
    /// for them side by side (784-30, batches of 10 rows = 31 KB, measured faster; figures in
    /// docs/performance.md, "Design measurements").
    static var parallelGatherBytes: Int { 16 * 1024 }

    /// Batch row r ← dataset row `indices[r]` (or `firstRow + r` without indices).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gather(count: Int, of dataset: Dataset<Scalar>, indices: UnsafePointer<Int>?, firstRow: Int) {
        resize(rows: count)
        let inputWidth = input.columns
        let targetWidth = targets.columns
        precondition(dataset.inputs.columns == inputWidth && dataset.targets.columns == targetWidth,
                     "Workspace: data set shape does not fit the network")
        guard count > 0, inputWidth > 0, targetWidth > 0 else { return }
        let bytes = count * inputWidth * MemoryLayout<Scalar>.stride
        let workers = splitWorkers(bytes >= Self.parallelGatherBytes)
        dataset.inputs.storage.withUnsafeBufferPointer { sourceInputs in
            dataset.targets.storage.withUnsafeBufferPointer { sourceTargets in
                input.storage.withUnsafeMutableBufferPointer { destinationInputs in
                    targets.storage.withUnsafeMutableBufferPointer { destinationTargets in
                        let scalar = MemoryLayout<Scalar>.stride
                        parallelFor(workers: workers, RowGatherJob(
                            count: count, workers: workers, indices: indices, firstRow: firstRow,
                            sourceInputs: UnsafeRawPointer(sourceInputs.baseAddress!),
                            sourceTargets: UnsafeRawPointer(sourceTargets.baseAddress!),
                            inputs: UnsafeMutableRawPointer(destinationInputs.baseAddress!),
                            targets: UnsafeMutableRawPointer(destinationTargets.baseAddress!),
                            inputBytes: inputWidth * scalar, targetBytes: targetWidth * scalar))
                    }
                }
            }
        }
    }

    public func load(inputs: Matrix<Scalar>, targets newTargets: Matrix<Scalar>) {
        precondition(inputs.columns == input.columns && newTargets.columns == targets.columns && inputs.rows == newTargets.rows,
                     "Workspace: batch shape does not fit the network")
        resize(rows: inputs.rows)
        input.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: inputs.storage, count: inputs.storage.count) }
        targets.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: newTargets.storage, count: newTargets.storage.count) }
    }
}

/// Copies a share of a batch's rows: worker w takes batch rows [w·⌈count/workers⌉, …). Pure
/// byte copies into disjoint rows, so the batch is the same whichever thread copies which row.
struct RowGatherJob: ParallelJob {
    var count, workers: Int
    var indices: UnsafePointer<Int>?
    var firstRow: Int
    var sourceInputs, sourceTargets: UnsafeRawPointer
    var inputs, targets: UnsafeMutableRawPointer
    /// Bytes per row of inputs and of targets.
    var inputBytes, targetBytes: Int

    func run(worker: Int) {
        let chunk = (count + workers - 1) / workers
        let start = min(worker * chunk, count)
        let end = min(start + chunk, count)
        guard start < end else { return }
        let rows = indices.map { $0 + start }
        bp_gather_rows(inputs + start * inputBytes, sourceInputs, rows, firstRow + start, end - start, inputBytes)
        bp_gather_rows(targets + start * targetBytes, sourceTargets, rows, firstRow + start, end - start, targetBytes)
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: RowGatherJob.self).pointee.run(worker: worker)
    }
}
