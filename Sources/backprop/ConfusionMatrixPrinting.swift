import Backprop

/// Prints a confusion matrix and its classification report under one heading; `set` names
/// the data set in the heading when there is a choice ("test", "validation", "training").
func printConfusionMatrix(_ matrix: ConfusionMatrix, classNames: [String]?, set: String? = nil) {
    let which = set.map { "\($0) set; " } ?? ""
    print("\nconfusion matrix (\(which)rows: true class, columns: predicted)")
    print(matrix.text(classNames: classNames))
    print(ClassificationReport(matrix).text(classNames: classNames))
}
