import Foundation

/// How explanations print numbers: up to 10 significant digits with trailing zeros
/// dropped, so the seed's hand arithmetic reads back as written (−0.985, not
/// −0.9850000000000001), ASCII minus signs so values can be copied, and no negative zero.
enum ExplainNumber {
    static func format(_ value: Double, digits: Int = 10) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        return String(format: "%.\(digits)g", value)
    }

    /// A relative error or a step, e.g. `3.4e-11`.
    static func short(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.2g", value)
    }
}
