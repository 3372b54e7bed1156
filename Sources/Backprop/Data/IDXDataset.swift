/// Loads a directory in the MNIST layout: the four IDX files `train-images-idx3-ubyte`,
/// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each
/// plain or gzip-compressed with a `.gz` suffix (the plain file is used when both exist).
///
/// Image files must be 3-dimensional (count × height × width), label files 1-dimensional,
/// each image file must hold as many images as its label file holds labels, and the test
/// images must have the training images' size.
public enum IDXDataset {
    public static let trainImagesName = "train-images-idx3-ubyte"
    public static let trainLabelsName = "train-labels-idx1-ubyte"
    public static let testImagesName = "t10k-images-idx3-ubyte"
    public static let testLabelsName = "t10k-labels-idx1-ubyte"

    /// Reads the four files under `directory`.
    ///
    /// - Throws: ``DataFileError`` naming the offending file (or, for a missing file, both
    ///   names it looked for).
    public static func load(directory: String) throws(DataFileError) -> ImageClassificationData {
        guard DataFileBytes.isDirectory(directory) else {
            throw DataFileError(path: directory, kind: .missingFile, message: "no such directory")
        }
        let (trainImages, trainHeight, trainWidth) = try images(path: resolve(directory: directory, name: trainImagesName))
        let trainLabelsPath = try resolve(directory: directory, name: trainLabelsName)
        let trainLabels = try labels(path: trainLabelsPath, matching: trainImages)
        let testImagesPath = try resolve(directory: directory, name: testImagesName)
        let (testImages, testHeight, testWidth) = try images(path: testImagesPath)
        guard (testHeight, testWidth) == (trainHeight, trainWidth) else {
            throw DataFileError(
                path: testImagesPath, kind: .sizeMismatch,
                message: "holds \(testHeight)x\(testWidth) images but the training images are \(trainHeight)x\(trainWidth)")
        }
        let testLabels = try labels(path: resolve(directory: directory, name: testLabelsName), matching: testImages)
        let largestLabel = max(trainLabels.max() ?? -1, testLabels.max() ?? -1)
        return ImageClassificationData(
            trainImages: trainImages.matrix, trainLabels: trainLabels,
            testImages: testImages.matrix, testLabels: testLabels,
            imageHeight: trainHeight, imageWidth: trainWidth, classCount: largestLabel + 1)
    }

    /// The path of `name` under `directory`: the plain file if it exists, else `name.gz`.
    static func resolve(directory: String, name: String) throws(DataFileError) -> String {
        let plain = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let compressed = plain + ".gz"
        if DataFileBytes.fileExists(plain) { return plain }
        if DataFileBytes.fileExists(compressed) { return compressed }
        throw DataFileError(
            path: plain, kind: .missingFile, message: "neither \(plain) nor \(compressed) exists")
    }

    private struct LoadedImages {
        var matrix: Matrix<Float>
        var path: String
    }

    private static func images(path: String) throws(DataFileError) -> (LoadedImages, Int, Int) {
        let array = try IDXFile.read(path: path)
        guard array.dimensions.count == 3 else {
            throw DataFileError(
                path: path, kind: .malformedHeader,
                message: "an image file must have 3 dimensions (count, height, width), this one has \(array.dimensions.count)")
        }
        let (count, height, width) = (array.dimensions[0], array.dimensions[1], array.dimensions[2])
        let matrix = Matrix(rows: count, columns: height * width, elements: floats(from: array.bytes))
        return (LoadedImages(matrix: matrix, path: path), height, width)
    }

    private static func labels(path: String, matching images: LoadedImages) throws(DataFileError) -> [Int] {
        let array = try IDXFile.read(path: path)
        guard array.dimensions.count == 1 else {
            throw DataFileError(
                path: path, kind: .malformedHeader,
                message: "a label file must have 1 dimension, this one has \(array.dimensions.count)")
        }
        guard array.bytes.count == images.matrix.rows else {
            throw DataFileError(
                path: images.path, kind: .countMismatch,
                message: "holds \(images.matrix.rows) images but \(path) holds \(array.bytes.count) labels")
        }
        // Unsigned bytes: every label is already in 0...255.
        return array.bytes.map { Int($0) }
    }

    /// The bytes as `Float`s, 0...255; a tight loop over raw buffers that the compiler
    /// vectorizes.
    static func floats(from bytes: [UInt8]) -> [Float] {
        [Float](unsafeUninitializedCapacity: bytes.count) { output, initialized in
            bytes.withUnsafeBufferPointer { input in
                for index in 0..<input.count { output[index] = Float(input[index]) }
            }
            initialized = bytes.count
        }
    }
}
