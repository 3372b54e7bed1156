import Foundation

/// A training run saved so it can continue exactly: a safetensors file holding the
/// parameters (state-dict names), the optimizer's per-parameter slots
/// (`optimizer.<name>.<slot>`), the best-weights snapshot when early stopping keeps one
/// (`best.<name>`), and in `__metadata__` the architecture and a JSON `CheckpointState`:
/// recipe, position (epoch, step, shuffle generator, partial-epoch sums), optimizer
/// hyper-parameters and step count, schedule, early stopping, fitted input scaling, history.
///
/// Written atomically (temporary file, fsync, rename, fsync of the directory): a kill at
/// any moment leaves the previous checkpoint intact. `__metadata__` also holds the file's
/// CRC32C (`SafeTensors.checksumKey`), so a flipped bit in tensors or metadata is refused on
/// reading, and the restored recipe is validated as the command line validates flags.
public struct Checkpoint<Scalar: NetworkScalar> {
    public static var fileName: String { "checkpoint.safetensors" }
    static var stateKey: String { "backprop.checkpoint" }

    public var state: CheckpointState
    public var network: Network<Scalar>
    /// The best-weights snapshot (`restoreBestWeights`), if any.
    public var best: Network<Scalar>?

    public init(state: CheckpointState, network: Network<Scalar>, best: Network<Scalar>?) {
        self.state = state
        self.network = network
        self.best = best
    }

    /// The checkpoint file inside `directory`.
    public static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Writes the checkpoint to `directory` (created if needed), with its metrics history
    /// in `history` (appended to, O(new epochs)), or, without one, in a new history file.
    public func write(to directory: String, history log: CheckpointHistory? = nil) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelFile.Error("\(directory): cannot create the checkpoint directory (\(error.localizedDescription))")
        }
        var tensors: [SafeTensor] = []
        for (name, parameter) in network.parameters {
            let shape = parameter.tensorShape
            tensors.append(try SafeTensor(name: name, shape: shape, values: parameter.value.storage))
            for (slot, matrix) in parameter.optimizerSlots.enumerated() {
                tensors.append(try SafeTensor(name: "optimizer.\(name).\(slot)", shape: shape, values: matrix.storage))
            }
        }
        if let best {
            for (name, parameter) in best.parameters {
                let shape = parameter.tensorShape
                tensors.append(try SafeTensor(name: "best.\(name)", shape: shape, values: parameter.value.storage))
            }
        }
        let log = try log ?? CheckpointHistory(directory: directory)
        try log.append(state.history)
        var state = state
        state.history = []
        state.historyCount = log.count
        state.historyChecksum = log.checksum
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "format": "pt",
            ModelFile.architectureKey: try ModelFile.encodeArchitecture(network.architecture),
            Self.stateKey: String(decoding: try encoder.encode(state), as: UTF8.self),
        ]
        let bytes = try SafeTensors(tensors: tensors, metadata: metadata).checksummed()
        // What is written must be readable: the reader's caps apply before anything is written.
        let headerSize = SafeTensors.headerSize(of: bytes) ?? 0
        guard bytes.count <= SafeTensors.defaultMaximumFileSize, headerSize <= SafeTensors.defaultMaximumHeaderSize else {
            throw ModelFile.Error("\(Self.path(in: directory)): the checkpoint would be \(bytes.count) bytes with a \(headerSize)-byte header, more than can be read back (\(SafeTensors.defaultMaximumFileSize) and \(SafeTensors.defaultMaximumHeaderSize) bytes); nothing was written")
        }
        try AtomicFile.write(bytes, to: Self.path(in: directory))
    }

    /// Throws unless a checkpoint of `parameterCount` parameters with an optimizer of `slots`
    /// tensors per parameter (and a best-weights snapshot) can be read back: its tensors, 4
    /// bytes per value, plus 16 MiB for the metadata, within `SafeTensors.defaultMaximumFileSize`.
    /// For a run to check before its first step what `write(to:)` would refuse at its first
    /// checkpoint.
    public static func checkFits(parameterCount: Int, slots: Int, keepsBest: Bool) throws {
        let copies = 1 + slots + (keepsBest ? 1 : 0)
        let (bytes, overflow) = parameterCount.multipliedReportingOverflow(by: 4 * copies)
        guard !overflow, bytes < SafeTensors.defaultMaximumFileSize - (1 << 24) else {
            throw ModelFile.Error("a checkpoint of this \(parameterCount)-parameter network would hold about \(overflow ? Int.max : bytes) bytes, more than the \(SafeTensors.defaultMaximumFileSize) a checkpoint can have to be read back; train without --checkpoint-dir")
        }
    }

    /// Reads the checkpoint in `directory`, checking every tensor against the architecture.
    public static func read(from directory: String) throws -> Checkpoint {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelFile.Error("\(path): no checkpoint here (was the run started with --checkpoint-dir \(directory)?)")
        }
        return try read(path: path)
    }

    /// Reads the checkpoint file at `path`; errors start with `path`.
    static func read(path: String) throws -> Checkpoint {
        let file = try SafeTensors.read(from: path)
        let network: Network<Scalar> = try ModelFile.network(from: file, path: path, ignoringPrefixes: ["optimizer.", "best."])
        guard let json = file.metadata[stateKey] else {
            throw ModelFile.Error("\(path): not a checkpoint ('\(stateKey)' metadata is missing)")
        }
        var state: CheckpointState
        do {
            state = try JSONDecoder().decode(CheckpointState.self, from: Data(json.utf8))
        } catch {
            throw ModelFile.Error("\(path): '\(stateKey)' metadata is not a valid checkpoint state")
        }
        let generatorState = state.position.epochStartGenerator.state
        guard generatorState != (0, 0, 0, 0) else {
            // xoshiro's all-zero state only ever yields zeros (a shuffle would never end).
            throw ModelFile.Error("\(path): the checkpoint's shuffle generator state is all zeros, which no run produces")
        }
        guard state.position.completedEpochs >= 0, state.position.completedSteps >= 0, state.position.batchesIntoEpoch >= 0 else {
            throw ModelFile.Error("\(path): the checkpoint's epoch and step counters are negative")
        }
        do {
            try state.recipe.validate()
        } catch {
            throw ModelFile.Error("\(path): the checkpoint's recipe is invalid: \(error.description)")
        }
        let slotCount = state.optimizer.slotCount
        for (name, parameter) in network.parameters {
            var slots: [Matrix<Scalar>] = []
            for slot in 0..<slotCount {
                guard let tensor = file["optimizer.\(name).\(slot)"] else {
                    throw ModelFile.Error("\(path): missing optimizer state 'optimizer.\(name).\(slot)'")
                }
                guard tensor.elementCount == parameter.count else {
                    throw ModelFile.Error("\(path): optimizer.\(name).\(slot) has \(tensor.elementCount) values, expected \(parameter.count)")
                }
                slots.append(Matrix(rows: parameter.value.rows, columns: parameter.value.columns, elements: try tensor.values()))
            }
            parameter.optimizerSlots = slots
        }
        var best: Network<Scalar>?
        if file.tensors.contains(where: { $0.name.hasPrefix("best.") }) {
            let snapshot = network.copy()
            for (name, parameter) in snapshot.parameters {
                guard let tensor = file["best.\(name)"], tensor.elementCount == parameter.count else {
                    throw ModelFile.Error("\(path): best-weights snapshot 'best.\(name)' is missing or has the wrong size")
                }
                parameter.value.storage = try tensor.values()
            }
            best = snapshot
        }
        if let count = state.historyCount, let checksum = state.historyChecksum {
            do {
                let (directory, _) = try AtomicFile.directoryAndName(of: path)
                state.history = try CheckpointHistory(directory: directory, count: count, checksum: checksum).metrics()
            } catch {
                throw ModelFile.Error("\(path): \(error)")
            }
        }
        return Checkpoint(state: state, network: network, best: best)
    }
}

/// The non-tensor part of a checkpoint.
public struct CheckpointState: Codable, Equatable, Sendable {
    public var recipe: TrainingRecipe
    public var position: TrainingPosition
    public var optimizer: OptimizerConfiguration
    public var scheduler: LearningRateScheduler?
    public var earlyStopping: EarlyStopping?
    public var inputScaling: InputScaling
    /// The epochs so far. In the file, empty: they are in `CheckpointHistory`'s file, whose
    /// first `historyCount` lines have CRC32C `historyChecksum` (checkpoints written before
    /// that file existed hold them here).
    public var history: [EpochMetrics]
    public var historyCount: Int?
    public var historyChecksum: UInt32?
    /// The training data the run saw (nil in checkpoints written before it was recorded).
    public var trainingData: DataDigest?
    /// Where the run saves its model (`--output`), so that a resumed run writes there too.
    public var output: String?

    public init(recipe: TrainingRecipe, position: TrainingPosition, optimizer: OptimizerConfiguration,
                scheduler: LearningRateScheduler?, earlyStopping: EarlyStopping?, inputScaling: InputScaling,
                history: [EpochMetrics], trainingData: DataDigest? = nil, output: String? = nil) {
        self.trainingData = trainingData
        self.output = output
        self.recipe = recipe
        self.position = position
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.earlyStopping = earlyStopping
        self.inputScaling = inputScaling
        self.history = history
    }
}
