#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Finds and loads Fashion-MNIST (Zalando's 28×28 grey clothing images, 60000 training and
/// 10000 test examples in 10 classes), stored in the MNIST IDX layout read by ``IDXDataset``.
public enum FashionMNIST {
    /// The environment variable naming the directory that holds the four IDX files.
    public static let environmentVariable = "FASHION_MNIST_DIR"
    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let systemDirectory = "/usr/share/datasets/fashion-mnist"

    /// The class names, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The data directory: `FASHION_MNIST_DIR` if it is set (and not empty) in `environment`,
    /// else ``systemDirectory``.
    ///
    /// - Throws: ``DataFileError`` (`.missingFile`) when the directory does not exist, saying
    ///   how to install the data or point to it.
    public static func locate(environment: [String: String]) throws(DataFileError) -> String {
        if let configured = environment[environmentVariable], !configured.isEmpty {
            guard DataFileBytes.isDirectory(configured) else {
                throw DataFileError(
                    path: configured, kind: .missingFile,
                    message: "\(environmentVariable) names this directory, which does not exist")
            }
            return configured
        }
        guard DataFileBytes.isDirectory(systemDirectory) else {
            throw DataFileError(
                path: systemDirectory, kind: .missingFile,
                message: "Fashion-MNIST not found; install it with `apt-get install dataset-fashion-mnist` "
                    + "or set \(environmentVariable) to a directory holding its four IDX files")
        }
        return systemDirectory
    }

    /// ``locate(environment:)`` with this process's environment.
    public static func locate() throws(DataFileError) -> String {
        var environment: [String: String] = [:]
        if let value = getenv(environmentVariable) {
            environment[environmentVariable] = String(cString: value)
        }
        return try locate(environment: environment)
    }

    /// Locates and loads the data set: 60000 training and 10000 test images, raw pixel
    /// values 0...255, 10 classes.
    public static func load(environment: [String: String]) throws(DataFileError) -> ImageClassificationData {
        try IDXDataset.load(directory: locate(environment: environment))
    }

    /// ``load(environment:)`` with this process's environment.
    public static func load() throws(DataFileError) -> ImageClassificationData {
        try IDXDataset.load(directory: locate())
    }
}
