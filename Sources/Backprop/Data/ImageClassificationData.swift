/// A labelled image data set split into training and test parts, as MNIST-style IDX
/// directories hold it.
///
/// Images are flattened row-major, one example per row: `trainImages` is
/// n × (imageHeight·imageWidth) and holds the raw pixel values 0...255 as `Float` (scaling to
/// 0...1 or standardizing is left to the caller). Labels are class indices in
/// `0..<classCount`.
public struct ImageClassificationData: Equatable, Sendable {
    public var trainImages: Matrix<Float>
    public var trainLabels: [Int]
    public var testImages: Matrix<Float>
    public var testLabels: [Int]
    public var imageHeight: Int
    public var imageWidth: Int
    /// One more than the largest label in either split.
    public var classCount: Int

    public init(
        trainImages: Matrix<Float>, trainLabels: [Int], testImages: Matrix<Float>, testLabels: [Int],
        imageHeight: Int, imageWidth: Int, classCount: Int
    ) {
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.classCount = classCount
    }
}
