extension TrainingReport {
    /// One curve of a line chart, e.g. "train" or "validation" loss per epoch.
    ///
    /// Points are drawn in the order given. Points with a NaN or infinite coordinate are
    /// left out (the line breaks there) and counted in the chart's caption.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]

        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }

        /// One value per epoch: `values[i]` is drawn at x = `firstX + i`.
        public init(name: String, values: [Double], firstX: Double = 1) {
            self.name = name
            self.points = values.enumerated().map { (x: firstX + Double($0.offset), y: $0.element) }
        }
    }
}
