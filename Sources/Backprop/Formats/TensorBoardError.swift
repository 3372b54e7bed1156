/// Why a TensorBoard event file could not be written or decoded.
public enum TensorBoardError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    /// Record `record` of the file at `path` is not a valid `Event` message.
    case malformedEvent(path: String, record: Int, problem: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "\(path): cannot create the TensorBoard log directory: \(reason)"
        case .malformedEvent(let path, let record, let problem):
            return "\(path): TensorBoard event \(record) is malformed: \(problem)"
        }
    }
}
