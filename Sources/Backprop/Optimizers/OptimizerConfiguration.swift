/// An optimizer with its hyper-parameters and state, in a form that can be written to a
/// checkpoint and read back (`Codable`), and named on the command line.
public enum OptimizerConfiguration: Codable, Equatable, Sendable {
    case sgd(SGD)
    case adam(Adam)
    case rmsProp(RMSProp)

    /// The names `--optimizer` accepts.
    public static let names = ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"]

    /// An optimizer named as on the command line. `momentum` is SGD with momentum
    /// (0.9 unless given), `nesterov` SGD with Nesterov momentum; `adamw` defaults to weight
    /// decay 0.01 as PyTorch's does.
    public init(
        name: String, learningRate: Double, momentum: Double? = nil, weightDecay: Double? = nil,
        beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8
    ) throws(TrainingError) {
        switch name {
        case "sgd":
            self = .sgd(SGD(learningRate: learningRate, momentum: momentum ?? 0, weightDecay: weightDecay ?? 0))
        case "momentum":
            self = .sgd(SGD(learningRate: learningRate, momentum: momentum ?? 0.9, weightDecay: weightDecay ?? 0))
        case "nesterov":
            let mu = momentum ?? 0.9
            guard mu > 0 else { throw .configuration("--optimizer nesterov needs --momentum > 0") }
            self = .sgd(SGD(learningRate: learningRate, momentum: mu, nesterov: true, weightDecay: weightDecay ?? 0))
        case "adam":
            self = .adam(Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay ?? 0))
        case "adamw":
            self = .adam(Adam.adamW(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay ?? 0.01))
        case "rmsprop":
            self = .rmsProp(RMSProp(learningRate: learningRate, epsilon: epsilon, momentum: momentum ?? 0, weightDecay: weightDecay ?? 0))
        default:
            throw .configuration("unknown optimizer '\(name)': expected one of \(Self.names.joined(separator: ", "))")
        }
    }

    /// The optimizer itself.
    public var optimizer: any Optimizer {
        switch self {
        case .sgd(let sgd): sgd
        case .adam(let adam): adam
        case .rmsProp(let rmsProp): rmsProp
        }
    }

    /// Wraps an optimizer (with its current state) for a checkpoint.
    public init?(_ optimizer: any Optimizer) {
        switch optimizer {
        case let sgd as SGD: self = .sgd(sgd)
        case let adam as Adam: self = .adam(adam)
        case let rmsProp as RMSProp: self = .rmsProp(rmsProp)
        default: return nil
        }
    }

    /// The number of state slots per parameter the optimizer keeps.
    public var slotCount: Int {
        switch self {
        case .sgd(let sgd): sgd.momentum == 0 ? 0 : 1
        case .adam, .rmsProp: 2
        }
    }
}
