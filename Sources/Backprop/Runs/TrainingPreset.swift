/// Textbook training setups in one flag (`--preset NAME`); explicit options given with a
/// preset override its values.
public enum TrainingPreset: String, CaseIterable, Sendable {
    /// CS229's problem set: 784-300-10, sigmoid, softmax + cross-entropy, W ~ N(0, 1), b = 0,
    /// SGD α = 5, batch 1000, 30 epochs, file order, inputs standardized with one mean and
    /// one standard deviation, 10,000 examples held out for validation.
    case cs229
    /// Nielsen's `network.py`: 784-30-10 sigmoid, W and b ~ N(0, 1), SGD α = 3, batch 10,
    /// 30 epochs, shuffled, inputs / 255.
    case nielsen
    /// 784-256-128-10 ReLU, He initialization, Adam α = 1e-3 annealed to 0 by a cosine
    /// schedule over the run, batch 128, 10 epochs, shuffled, inputs / 255.
    case modern

    /// The recipe with this preset's values for the given data.
    public func recipe(data: String = "fashion-mnist") -> TrainingRecipe {
        var recipe = TrainingRecipe()
        recipe.data = data
        switch self {
        case .cs229:
            recipe.layers = [784, 300, 10]
            recipe.activation = .sigmoid
            recipe.initializer = .normal
            recipe.optimizer = "sgd"
            recipe.learningRate = 5
            recipe.batchSize = 1000
            recipe.epochs = 30
            recipe.shuffle = false
            recipe.inputScaling = .standardize(scope: .global)
            recipe.validationSplit = 10_000.0 / 60_000.0
        case .nielsen:
            recipe.layers = [784, 30, 10]
            recipe.activation = .sigmoid
            recipe.initializer = .normalWithBias
            recipe.optimizer = "sgd"
            recipe.learningRate = 3
            recipe.batchSize = 10
            recipe.epochs = 30
            recipe.inputScaling = .divide(by: 255)
        case .modern:
            recipe.layers = [784, 256, 128, 10]
            recipe.activation = .relu
            recipe.initializer = .he
            recipe.optimizer = "adam"
            recipe.learningRate = 1e-3
            recipe.schedule = .cosine(totalEpochs: 10, minimum: 0)
            recipe.batchSize = 128
            recipe.epochs = 10
            recipe.inputScaling = .divide(by: 255)
        }
        recipe.loss = .softmaxCrossEntropy
        return recipe
    }
}
