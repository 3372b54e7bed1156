/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss or a gradient became NaN or infinite. `parameter` names the first tensor
    /// (in layer order) whose gradient was not finite, when one was.
    case diverged(epoch: Int, step: Int, loss: Double, parameter: String?)
    /// The data set does not fit the network.
    case shape(String)

    public var description: String {
        switch self {
        case .diverged(let epoch, let step, let loss, let parameter):
            let location = parameter.map { "; first non-finite gradient in \($0) (layer \($0.split(separator: ".").first ?? ""))" } ?? ""
            return "training diverged at epoch \(epoch), step \(step): loss is \(loss)\(location). Parameters were left at their last finite values; try a smaller learning rate."
        case .shape(let message):
            return message
        }
    }
}
