import Backprop

/// A confusion matrix and its classification report under one heading; `set` names the data
/// set in the heading when there is a choice ("test", "validation", "training").
func confusionMatrixText(_ matrix: ConfusionMatrix, classNames: [String]?, set: String? = nil) -> String {
    let which = set.map { "\($0) set; " } ?? ""
    return "\nconfusion matrix (\(which)rows: true class, columns: predicted)\n"
        + matrix.text(classNames: classNames) + "\n"
        + ClassificationReport(matrix).text(classNames: classNames) + "\n"
}

/// Prints `confusionMatrixText`.
func printConfusionMatrix(_ matrix: ConfusionMatrix, classNames: [String]?, set: String? = nil) {
    print(confusionMatrixText(matrix, classNames: classNames, set: set), terminator: "")
}
