/// One decoded TensorBoard `Event` (the fields `TensorBoardWriter` writes; others are
/// skipped).
public struct TensorBoardEvent: Equatable, Sendable {
    /// Seconds since 1970.
    public var wallTime: Double
    public var step: Int
    /// "brain.Event:2" on a file's first event, nil on the others.
    public var fileVersion: String?
    /// The `simple_value` entries of the event's summary, in order.
    public var scalars: [Scalar]

    public struct Scalar: Equatable, Sendable {
        public var tag: String
        public var value: Float

        public init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    public init(wallTime: Double = 0, step: Int = 0, fileVersion: String? = nil, scalars: [Scalar] = []) {
        self.wallTime = wallTime
        self.step = step
        self.fileVersion = fileVersion
        self.scalars = scalars
    }
}
