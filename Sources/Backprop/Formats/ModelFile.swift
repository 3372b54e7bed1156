import Foundation

/// Model files: safetensors holding the dense layers' tensors under PyTorch's
/// `nn.Sequential` state-dict names (`0.weight` [outputs, inputs], `0.bias` [outputs],
/// `2.weight`, …), so `torch.nn.Sequential(...).load_state_dict(safetensors.torch.load_file(path))`
/// takes them as they are. The output activation is fused into the loss, so the file holds
/// the layers up to the logits.
///
/// `__metadata__` carries `backprop.architecture` (the `NetworkArchitecture` as JSON) so
/// that a model loads without being told its shape, plus `format: pt`.
public enum ModelFile {
    public static let architectureKey = "backprop.architecture"
    public static let inputScalingKey = "backprop.input_scaling"
    /// The classes' names as a JSON array of strings, class 0 first (from a CSV's label
    /// column, or a data set's own names), when the training data had them.
    public static let classNamesKey = "backprop.class_names"
    /// The CSV columns the model was trained on (`CSVColumns` as JSON), when they were chosen
    /// (`--target`, `--ignore`): evaluate and predict read CSV files the same way.
    public static let csvColumnsKey = "backprop.csv_columns"

    /// The CSV column choice stored in the model file at `path`, nil when it has none.
    public static func csvColumns(path: String) throws -> CSVColumns? {
        try csvColumns(from: SafeTensors.read(from: path), path: path)
    }

    /// What reading data for the model at `path` needs besides its network, from one read of
    /// the file: its classes' names and its CSV column choice (either nil when it has none).
    public static func dataReading(path: String) throws -> (classNames: [String]?, csvColumns: CSVColumns?) {
        let file = try SafeTensors.read(from: path)
        return (try classNames(from: file, path: path), try csvColumns(from: file, path: path))
    }

    /// The CSV column choice stored in an already-read model file, nil when it has none.
    static func csvColumns(from file: SafeTensors, path: String) throws -> CSVColumns? {
        guard let text = file.metadata[csvColumnsKey] else { return nil }
        guard let columns = try? JSONDecoder().decode(CSVColumns.self, from: Data(text.utf8)) else {
            throw Error("\(path): '\(csvColumnsKey)' metadata is not a column choice")
        }
        return columns
    }

    /// The names of the model's classes stored in the file at `path`, nil when it has none.
    public static func classNames(path: String) throws -> [String]? {
        try classNames(from: SafeTensors.read(from: path), path: path)
    }

    /// The names of the classes stored in an already-read model file, nil when it has none.
    static func classNames(from file: SafeTensors, path: String) throws -> [String]? {
        guard let text = file.metadata[classNamesKey] else { return nil }
        guard let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw Error("\(path): '\(classNamesKey)' metadata is not a JSON array of strings")
        }
        return names
    }

    /// A model and the input scaling it was trained with, from one read of the file.
    public static func loadWithInputScaling<Scalar: NetworkScalar>(
        path: String, as: Scalar.Type = Scalar.self
    ) throws -> (network: Network<Scalar>, inputScaling: InputScaling) {
        let file = try SafeTensors.read(from: path)
        return (try network(from: file, path: path), try inputScaling(from: file, path: path))
    }

    /// A model file, or, when `specification` is given and the file has no architecture
    /// metadata, a plain PyTorch state dict read as `initialNetwork` reads it (shapes from the
    /// tensors, or from `specification.sizes`; activation, loss and biases from it). A plain
    /// state dict has no input scaling.
    public static func loadWithInputScaling<Scalar: NetworkScalar>(
        path: String, as: Scalar.Type = Scalar.self, plainSpecification specification: NetworkSpecification?
    ) throws -> (network: Network<Scalar>, inputScaling: InputScaling) {
        let file = try SafeTensors.read(from: path)
        if file.metadata[architectureKey] == nil, let specification {
            return (try initialNetwork(path: path, specification: specification, as: Scalar.self), .none)
        }
        return (try network(from: file, path: path), try inputScaling(from: file, path: path))
    }

    /// The input scaling stored in an already-read model file (`.none` when there is none).
    static func inputScaling(from file: SafeTensors, path: String) throws -> InputScaling {
        guard let text = file.metadata[inputScalingKey] else { return .none }
        do {
            return try InputScaling(metadata: text)
        } catch {
            throw Error("\(path): '\(inputScalingKey)' metadata is invalid: \(error.description)")
        }
    }

    /// A model file that cannot be read or does not fit.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description.escapingControlCharacters }
    }

    /// Writes `network` to `path` atomically (temporary file, fsync, rename), as F32, or
    /// F64 with `fullPrecision` for a `Double` network.
    ///
    /// `inputScaling` is stored under `backprop.input_scaling`, so `evaluate` and `predict`
    /// transform inputs as training did.
    public static func save<Scalar: NetworkScalar>(
        _ network: Network<Scalar>, to path: String, inputScaling: InputScaling = .none,
        extraMetadata: [String: String] = [:], fullPrecision: Bool = false, replacing: Bool = true,
        classNames: [String]? = nil, csvColumns: CSVColumns? = nil
    ) throws {
        var tensors: [SafeTensor] = []
        for (name, parameter) in network.parameters {
            let shape = parameter.tensorShape
            if fullPrecision {
                tensors.append(try SafeTensor(name: name, shape: shape, values: parameter.value.storage))
            } else {
                tensors.append(try SafeTensor(name: name, shape: shape, floats: parameter.value.storage.map { Float($0) }))
            }
        }
        var metadata = extraMetadata
        metadata["format"] = "pt"
        metadata[architectureKey] = try encodeArchitecture(network.architecture)
        if inputScaling != .none { metadata[inputScalingKey] = inputScaling.encodedMetadata }
        if let csvColumns, !csvColumns.isDefault {
            metadata[csvColumnsKey] = String(decoding: try JSONEncoder().encode(csvColumns), as: UTF8.self)
        }
        if let classNames {
            metadata[classNamesKey] = String(decoding: try JSONEncoder().encode(classNames), as: UTF8.self)
        }
        try SafeTensors(tensors: tensors, metadata: metadata).write(to: path, replacing: replacing, checksum: true)
    }

    /// Reads a model written by `save`, rebuilding the network from its metadata.
    public static func load<Scalar: NetworkScalar>(path: String, as: Scalar.Type = Scalar.self) throws -> Network<Scalar> {
        try network(from: SafeTensors.read(from: path), path: path)
    }

    /// The network described by an already-read model file (`path` names it in errors).
    ///
    /// Tensors whose names start with one of `ignoringPrefixes` are skipped (checkpoints
    /// keep optimizer state beside the parameters).
    public static func network<Scalar: NetworkScalar>(
        from file: SafeTensors, path: String, as: Scalar.Type = Scalar.self, ignoringPrefixes: [String] = []
    ) throws -> Network<Scalar> {
        guard let json = file.metadata[architectureKey] else {
            throw Error("\(path): no '\(architectureKey)' metadata, so the network's shape is unknown; for plain PyTorch weights give --activation and --loss (and --layers if you like), or start training from them with `backprop train --init-weights \(path)`")
        }
        let architecture: NetworkArchitecture
        do {
            architecture = try JSONDecoder().decode(NetworkArchitecture.self, from: Data(json.utf8))
        } catch {
            throw Error("\(path): '\(architectureKey)' metadata is not a valid architecture description")
        }
        // Check the described shapes against the tensors actually present before building
        // anything, so metadata that claims huge layers cannot make us allocate them.
        var expectedShapes: [String: [Int]] = [:]
        var width = architecture.inputSize
        for (index, kind) in architecture.layers.enumerated() {
            guard case .dense(let inputs, let outputs, let bias) = kind else { continue }
            guard inputs > 0, outputs > 0 else {
                throw Error("\(path): architecture metadata is inconsistent: layer \(index) has \(inputs) inputs and \(outputs) outputs (at least one of each is needed)")
            }
            guard inputs == width else {
                throw Error("\(path): architecture metadata is inconsistent: layer \(index) takes \(inputs) inputs after a layer of width \(width)")
            }
            expectedShapes["\(index).weight"] = [outputs, inputs]
            if bias { expectedShapes["\(index).bias"] = [outputs] }
            width = outputs
        }
        for (name, shape) in expectedShapes.sorted(by: { $0.key < $1.key }) {
            guard let tensor = file[name] else { throw Error("\(path): missing tensor '\(name)'") }
            guard tensor.shape == shape else {
                throw Error("\(path): \(name) has shape \(tensor.shape), but the architecture metadata says \(shape)")
            }
        }
        let network: Network<Scalar>
        do {
            network = try architecture.makeNetwork(Scalar.self)
        } catch {
            throw Error("\(path): architecture metadata is inconsistent: \(error.description)")
        }
        try assign(file, to: network, path: path, ignoringPrefixes: ignoringPrefixes)
        return network
    }

    /// A network whose parameters come from a state-dict file (ours or PyTorch's), shaped
    /// by the tensors themselves: dense layers at `nn.Sequential` indices 0, 2, 4, … with
    /// the specification's activation between them; a layer without a `.bias` tensor has
    /// no bias. Declared `sizes`, if any, must agree with the tensors.
    public static func initialNetwork<Scalar: NetworkScalar>(
        path: String, specification: NetworkSpecification, as: Scalar.Type = Scalar.self
    ) throws -> Network<Scalar> {
        let file = try SafeTensors.read(from: path)
        var weights: [Int: SafeTensor] = [:]
        var biases: [Int: SafeTensor] = [:]
        for tensor in file.tensors {
            let parts = tensor.name.split(separator: ".")
            guard parts.count == 2, let index = Int(parts[0]), index >= 0, parts[1] == "weight" || parts[1] == "bias" else {
                throw Error("\(path): tensor '\(tensor.name)' is not a state-dict name of the form N.weight or N.bias")
            }
            if parts[1] == "weight" { weights[index] = tensor } else { biases[index] = tensor }
        }
        let indices = weights.keys.sorted()
        guard !indices.isEmpty else { throw Error("\(path): no N.weight tensors") }
        for (position, index) in indices.enumerated() where index != 2 * position {
            throw Error("\(path): dense layers must sit at nn.Sequential indices 0, 2, 4, … (activation between), found \(index).weight where \(2 * position).weight was expected")
        }
        for index in biases.keys where weights[index] == nil {
            throw Error("\(path): \(index).bias has no matching \(index).weight")
        }
        var sizes: [Int] = []
        var layers: [any Layer<Scalar>] = []
        for (position, index) in indices.enumerated() {
            let weight = weights[index]!
            guard weight.shape.count == 2 else {
                throw Error("\(path): \(index).weight has shape \(weight.shape), expected [outputs, inputs]")
            }
            let (outputs, inputs) = (weight.shape[0], weight.shape[1])
            guard outputs > 0, inputs > 0 else {
                throw Error("\(path): \(index).weight has shape \(weight.shape); a dense layer needs at least one input and one output")
            }
            if position == 0 { sizes.append(inputs) }
            guard inputs == sizes.last else {
                throw Error("\(path): \(index).weight takes \(inputs) inputs but the layer before it has \(sizes.last!) outputs")
            }
            sizes.append(outputs)
            let dense = Dense<Scalar>(inputSize: inputs, outputSize: outputs, hasBias: biases[index] != nil)
            layers.append(dense)
            if position < indices.count - 1 { layers.append(specification.activation.makeLayer(Scalar.self)) }
        }
        if let declared = specification.sizes, declared != sizes {
            throw Error("\(path): the tensors describe layer sizes \(sizes.map(String.init).joined(separator: ",")), but --layers says \(declared.map(String.init).joined(separator: ","))")
        }
        let network = try Network(inputSize: sizes[0], layers: layers, loss: specification.loss)
        try assign(file, to: network, path: path)
        return network
    }

    /// Copies every tensor of `file` into the parameter of the same name, checking that the
    /// names and shapes match exactly and that every value is finite.
    static func assign<Scalar: NetworkScalar>(
        _ file: SafeTensors, to network: Network<Scalar>, path: String, ignoringPrefixes: [String] = []
    ) throws {
        let expected = Set(network.parameters.map(\.name))
        for tensor in file.tensors where !expected.contains(tensor.name) && !ignoringPrefixes.contains(where: { tensor.name.hasPrefix($0) }) {
            throw Error("\(path): unexpected tensor '\(tensor.name)' (the network has \(network.parameters.map(\.name).joined(separator: ", ")))")
        }
        for (name, parameter) in network.parameters {
            guard let tensor = file[name] else {
                throw Error("\(path): missing tensor '\(name)'")
            }
            let expectedShape = parameter.tensorShape
            guard tensor.shape == expectedShape else {
                throw Error("\(path): \(name) has shape \(tensor.shape), expected \(expectedShape)")
            }
            let values: [Scalar]
            do {
                values = try tensor.values()
            } catch {
                throw Error("\(path): \(name): \(error.problem)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw Error("\(path): \(name) element \(bad) is \(values[bad]), not a finite number")
            }
            parameter.value.storage = values
        }
    }

    static func encodeArchitecture(_ architecture: NetworkArchitecture) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(architecture), as: UTF8.self)
    }
}
