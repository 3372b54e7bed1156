extension TrainingReport {
    /// The incoming weights of the first layer's units shown as small images, one tile per
    /// unit: unit i's weights (one per input) reshaped row-major to `height` x `width`
    /// (for 28x28 images, what each hidden unit "looks for").
    public struct WeightImages: Sendable {
        /// How weights become colors. Each tile is scaled on its own.
        public enum ColorScale: Sendable {
            /// Blue for negative, white for zero, red for positive; ±max|w| of the tile
            /// at the ends.
            case diverging
            /// Black at the tile's minimum, white at its maximum.
            case grayscale
        }

        /// `images[i]` holds `width * height` weights, row-major.
        public var images: [[Float]]
        public var width: Int
        public var height: Int
        /// How many tiles to draw at most (the first units).
        public var maximumCount: Int
        public var colorScale: ColorScale
        /// Units in the layer (more than `images` holds when only the first were taken).
        public var unitCount: Int

        public init(images: [[Float]], width: Int, height: Int, maximumCount: Int = 64, colorScale: ColorScale = .diverging,
                    unitCount: Int? = nil) {
            self.images = images
            self.unitCount = max(unitCount ?? images.count, images.count)
            self.width = width
            self.height = height
            self.maximumCount = maximumCount
            self.colorScale = colorScale
        }

        /// Tiles from a dense layer's weight matrix W (outputs x inputs, one unit per row, as
        /// `Dense` stores it): row i becomes image i.
        public init<Scalar: NetworkScalar>(
            weights: Matrix<Scalar>, width: Int, height: Int, maximumCount: Int = 64, colorScale: ColorScale = .diverging
        ) {
            let units = min(weights.rows, max(maximumCount, 0))
            self.init(
                images: (0..<units).map { weights.row($0).map { Float($0) } },
                width: width, height: height, maximumCount: maximumCount, colorScale: colorScale, unitCount: weights.rows)
        }
    }
}
