extension TrainingReport {
    /// A classifier's predictions over a rectangle of a two-dimensional input space, with
    /// labelled examples drawn on top.
    ///
    /// The rectangle `xRange` x `yRange` is cut into `rows` x `columns` equal cells; the grid
    /// is row-major with **row 0 at the bottom** (y = `yRange.lowerBound`) and column 0 at the
    /// left (x = `xRange.lowerBound`). `cellCenters(...)` lists the cell centers in exactly
    /// that order, ready to be fed to a network as one batch. Points outside the rectangle
    /// are not drawn.
    public struct DecisionBoundary: Sendable {
        /// What the network predicted in each cell.
        public enum Grid: Sendable {
            /// The predicted class per cell: `classes[row][column]`.
            case classes([[Int]])
            /// Class probabilities per cell: `probabilities[row][column][class]`. Cells are
            /// colored by the most probable class, paler where the network is less sure.
            case probabilities([[[Double]]])
        }

        public var xRange: ClosedRange<Double>
        public var yRange: ClosedRange<Double>
        public var grid: Grid
        public var points: [(x: Double, y: Double, label: Int)]
        /// Axis titles.
        public var xTitle = "x₁"
        public var yTitle = "x₂"

        public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, grid: Grid, points: [(x: Double, y: Double, label: Int)]) {
            self.xRange = xRange
            self.yRange = yRange
            self.grid = grid
            self.points = points
        }

        public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, gridClasses: [[Int]], points: [(x: Double, y: Double, label: Int)]) {
            self.init(xRange: xRange, yRange: yRange, grid: .classes(gridClasses), points: points)
        }

        public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, gridProbabilities: [[[Double]]], points: [(x: Double, y: Double, label: Int)]) {
            self.init(xRange: xRange, yRange: yRange, grid: .probabilities(gridProbabilities), points: points)
        }

        /// The grid's size: `rows` along y, `columns` along x (the first row's length).
        public var resolution: (rows: Int, columns: Int) {
            switch grid {
            case .classes(let classes): return (classes.count, classes.first?.count ?? 0)
            case .probabilities(let probabilities): return (probabilities.count, probabilities.first?.count ?? 0)
            }
        }

        /// The centers of a `rows` x `columns` grid over `xRange` x `yRange`, row-major,
        /// row 0 at the bottom: center (row r, column c) is
        /// (xLower + (c + ½)·Δx, yLower + (r + ½)·Δy) with Δx = width / columns,
        /// Δy = height / rows.
        public static func cellCenters(
            xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, rows: Int, columns: Int
        ) -> [(x: Double, y: Double)] {
            guard rows > 0, columns > 0 else { return [] }
            let cellWidth = (xRange.upperBound - xRange.lowerBound) / Double(columns)
            let cellHeight = (yRange.upperBound - yRange.lowerBound) / Double(rows)
            var centers: [(x: Double, y: Double)] = []
            centers.reserveCapacity(rows * columns)
            for row in 0..<rows {
                for column in 0..<columns {
                    centers.append((
                        x: xRange.lowerBound + (Double(column) + 0.5) * cellWidth,
                        y: yRange.lowerBound + (Double(row) + 0.5) * cellHeight))
                }
            }
            return centers
        }
    }
}
