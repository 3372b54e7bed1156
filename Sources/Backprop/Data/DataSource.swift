/// Where a data set comes from, as written on the command line:
///
/// - `moons`, `blobs`, `xor`, `spiral`: built-in 2-D sets (`SyntheticData`);
/// - `csv:PATH`: numbers, last column the class index (or the last k columns the targets);
/// - `idx:DIR` or `mnist:DIR`: the four IDX files of MNIST's layout, plain or gzip;
/// - `fashion-mnist`: Debian's `dataset-fashion-mnist`, or `$FASHION_MNIST_DIR`;
/// - `npy:INPUTS.npy,TARGETS.npy`: NumPy arrays (inputs n x …, targets n or n x k);
/// - `cs229:IMAGES.csv,LABELS.csv`: the CS229 problem set's CSV layout.
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    case synthetic(SyntheticData)
    case csv(path: String)
    case idx(directory: String)
    case fashionMNIST
    case npy(inputs: String, targets: String)
    case cs229(images: String, labels: String)

    /// Parses a `--data` value.
    public init(parsing text: String) throws(DataSourceError) {
        if let synthetic = SyntheticData(rawValue: text) {
            self = .synthetic(synthetic)
            return
        }
        if text == "fashion-mnist" {
            self = .fashionMNIST
            return
        }
        guard let colon = text.firstIndex(of: ":") else {
            let lowered = text.lowercased()
            for (suffix, form) in [(".csv", "csv:\(text)"), (".npy", "npy:INPUTS.npy,TARGETS.npy"), ("-ubyte", "idx:DIRECTORY"), ("-ubyte.gz", "idx:DIRECTORY")]
            where lowered.hasSuffix(suffix) {
                throw DataSourceError(description: "unknown data set '\(text)': for a file, name its format: --data \(form)")
            }
            throw DataSourceError(description: "unknown data set '\(text)': expected one of \(Self.known)")
        }
        let scheme = String(text[..<colon])
        let argument = String(text[text.index(after: colon)...])
        guard !argument.isEmpty else { throw DataSourceError(description: "--data \(scheme): needs a path, e.g. \(Self.example(scheme))") }
        func pair() throws(DataSourceError) -> (String, String) {
            let parts = argument.split(separator: ",", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw DataSourceError(description: "--data \(scheme): needs two comma-separated paths, e.g. \(Self.example(scheme))")
            }
            return (parts[0], parts[1])
        }
        switch scheme {
        case "csv": self = .csv(path: argument)
        case "idx", "mnist": self = .idx(directory: argument)
        case "npy":
            let (inputs, targets) = try pair()
            self = .npy(inputs: inputs, targets: targets)
        case "cs229":
            let (images, labels) = try pair()
            self = .cs229(images: images, labels: labels)
        default:
            throw DataSourceError(description: "unknown data set '\(text)': expected one of \(Self.known)")
        }
    }

    static let known = "moons, blobs, xor, spiral, fashion-mnist, csv:PATH, idx:DIR, mnist:DIR, npy:INPUTS,TARGETS, cs229:IMAGES,LABELS"

    static func example(_ scheme: String) -> String {
        switch scheme {
        case "npy": "npy:x.npy,y.npy"
        case "cs229": "cs229:images_train.csv,labels_train.csv"
        case "idx", "mnist": "\(scheme):/path/to/mnist"
        default: "csv:train.csv"
        }
    }

    public var description: String {
        switch self {
        case .synthetic(let set): set.rawValue
        case .csv(let path): "csv:\(path)"
        case .idx(let directory): "idx:\(directory)"
        case .fashionMNIST: "fashion-mnist"
        case .npy(let inputs, let targets): "npy:\(inputs),\(targets)"
        case .cs229(let images, let labels): "cs229:\(images),\(labels)"
        }
    }

    /// Loads the examples, with targets shaped for `loss` on a network with `outputSize`
    /// outputs (CSV: the last column is the class index, or the last k columns are targets).
    /// Pixel values of image sets stay raw (0…255): scaling is `InputScaling`'s job.
    /// A CSV's class names map to classes through `classNames` when given (a model's), else in
    /// sorted order; `columns` picks a CSV's targets and the columns left out.
    public func load<Scalar: NetworkScalar>(
        loss: LossFunction, outputSize: Int, seed: UInt64 = 0, classNames: [String]? = nil,
        columns: CSVColumns? = nil, as: Scalar.Type = Scalar.self
    ) throws(DataSourceError) -> LoadedData<Scalar> {
        do {
            switch self {
            case .synthetic(let set):
                return LoadedData(training: set.generate(count: 400, seed: seed), test: set.generate(count: 400, seed: seed &+ 1))
            case .csv(let path):
                return LoadedData(training: try CSVReader.dataset(
                    path: path, targetColumns: loss.targetColumns(outputSize: outputSize), classNames: classNames,
                    columns: columns ?? CSVColumns()))
            case .idx(let directory):
                return LoadedData(images: try IDXDataset.load(directory: directory), classNames: nil)
            case .fashionMNIST:
                return LoadedData(images: try FashionMNIST.load(), classNames: FashionMNIST.classNames)
            case .npy(let inputsPath, let targetsPath):
                let inputs = try NPYFile.read(path: inputsPath).matrix()
                let targets = try NPYFile.read(path: targetsPath).matrix()
                guard inputs.rows == targets.rows else {
                    throw DataSourceError(description: "\(targetsPath): \(targets.rows) targets, but \(inputsPath) has \(inputs.rows) examples")
                }
                return LoadedData(training: Dataset(inputs: inputs.converted(), targets: targets.converted()))
            case .cs229(let imagesPath, let labelsPath):
                let (images, labels) = try CS229CSV.load(imagesPath: imagesPath, labelsPath: labelsPath)
                return LoadedData(training: Dataset(
                    inputs: images.converted(),
                    targets: Matrix(rows: labels.count, columns: 1, elements: labels.map { Scalar($0) })))
            }
        } catch let error as DataSourceError {
            throw error
        } catch let error as CSVReader.Error {
            throw DataSourceError(description: error.description)
        } catch let error as DataFileError {
            throw DataSourceError(description: error.description)
        } catch {
            throw DataSourceError(description: "\(self): \(error)")
        }
    }
}

/// A training set, and a test set when the source has one.
public struct LoadedData<Scalar: NetworkScalar>: Sendable {
    public var training: Dataset<Scalar>
    public var test: Dataset<Scalar>?
    /// Height and width of image inputs (28 x 28 for MNIST), when the inputs are images.
    public var imageShape: (height: Int, width: Int)?

    public init(training: Dataset<Scalar>, test: Dataset<Scalar>? = nil, imageShape: (height: Int, width: Int)? = nil) {
        self.training = training
        self.test = test
        self.imageShape = imageShape
    }

    init(images: ImageClassificationData, classNames: [String]?) {
        func dataset(_ pixels: Matrix<Float>, _ labels: [Int]) -> Dataset<Scalar> {
            Dataset(inputs: pixels.converted(),
                    targets: Matrix(rows: labels.count, columns: 1, elements: labels.map { Scalar($0) }),
                    classNames: classNames)
        }
        self.init(training: dataset(images.trainImages, images.trainLabels),
                  test: dataset(images.testImages, images.testLabels),
                  imageShape: (images.imageHeight, images.imageWidth))
    }
}

/// A data source that cannot be parsed or loaded; the message names the file.
public struct DataSourceError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(description: String) { self.description = description }
}
