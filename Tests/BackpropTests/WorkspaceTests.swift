import Testing
@testable import Backprop

/// Batches are exact copies of the data set's rows, in the order asked for: scattered rows
/// (copied in groups, line by line, with a tail that is not a whole line), consecutive rows,
/// and batches large enough to be copied by two threads.
@Suite struct WorkspaceTests {
    static func dataset<Scalar: NetworkScalar>(rows: Int, columns: Int, as: Scalar.Type) -> Dataset<Scalar> {
        Dataset(
            inputs: Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { Scalar($0) + Scalar(0.25) }),
            targets: Matrix(rows: rows, columns: 1, elements: (0..<rows).map { Scalar($0 % 3) }))
    }

    static func expectRows<Scalar: NetworkScalar>(_ workspace: Workspace<Scalar>, _ data: Dataset<Scalar>, _ order: [Int]) {
        let columns = data.inputs.columns
        #expect(workspace.input.rows == order.count)
        for (batchRow, row) in order.enumerated() {
            #expect(Array(workspace.input.storage[batchRow * columns..<(batchRow + 1) * columns])
                    == Array(data.inputs.storage[row * columns..<(row + 1) * columns]), "batch row \(batchRow)")
            #expect(workspace.targets[batchRow, 0] == data.targets[row, 0])
        }
    }

    @Test func scatteredAndConsecutiveRowsAreCopiedExactly() throws {
        let data = Self.dataset(rows: 50, columns: 70, as: Float.self)  // 280-byte rows
        let network = try Network<Float>(sizes: [70, 3, 3], activation: .relu, loss: .softmaxCrossEntropy)
        let workspace = Workspace(network: network, batchSize: 37)
        var generator = SeededGenerator(seed: 5)
        var order = Array(0..<50)
        generator.shuffle(&order)
        let batch = Array(order.prefix(37))
        workspace.loadRows(batch[...], of: data)
        Self.expectRows(workspace, data, batch)
        workspace.loadRows(11..<29, of: data)
        Self.expectRows(workspace, data, Array(11..<29))

        let doubles = Self.dataset(rows: 50, columns: 70, as: Double.self)
        let doubleWorkspace = Workspace(network: try Network<Double>(sizes: [70, 3, 3], activation: .relu, loss: .softmaxCrossEntropy), batchSize: 37)
        doubleWorkspace.loadRows(batch[...], of: doubles)
        Self.expectRows(doubleWorkspace, doubles, batch)
    }

    @Test func largeBatchesCopiedByTwoThreadsAreExact() throws {
        let data = Self.dataset(rows: 400, columns: 300, as: Float.self)
        let network = try Network<Float>(sizes: [300, 2, 3], activation: .relu, loss: .softmaxCrossEntropy)
        let workspace = Workspace(network: network, batchSize: 301)
        #expect(301 * 300 * 4 >= Workspace<Float>.parallelGatherBytes)
        let saved = Backend.current.threads
        Backend.current.threads = 2
        defer { Backend.current.threads = saved }
        let batch = (0..<301).map { ($0 * 7) % 400 }
        workspace.loadRows(batch[...], of: data)
        Self.expectRows(workspace, data, batch)
    }
}
