/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss or a gradient became NaN or infinite. `location` says where it first
    /// appeared: the first layer (in forward order) whose output was not finite, else the
    /// loss itself when it was not finite, else the first parameter whose gradient was not.
    case diverged(epoch: Int, step: Int, loss: Double, location: String?)
    /// The data set does not fit the network.
    case shape(String)
    /// A training setting is out of range (a batch size of 0, a negative epoch count).
    case configuration(String)

    public var description: String {
        switch self {
        case .diverged(let epoch, let step, let loss, let location):
            let place = location.map { "; first non-finite values in \($0)" } ?? ""
            return "training diverged at epoch \(epoch), step \(step): loss is \(loss)\(place). Try a smaller learning rate."
        case .shape(let message), .configuration(let message):
            return message
        }
    }
}
