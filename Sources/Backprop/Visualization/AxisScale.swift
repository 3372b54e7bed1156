import Foundation

/// A linear axis: the data interval shown and its tick values.
///
/// Ticks are "nice" steps, 1, 2 or 5 times a power of ten, about `targetTickCount` of them.
/// Degenerate input (an empty, constant or non-finite interval) is widened to a usable
/// interval, so mapping onto the axis never divides by zero.
struct AxisScale {
    private(set) var lower: Double
    private(set) var upper: Double
    private(set) var ticks: [Double]
    private(set) var step: Double
    /// The values are log₁₀ of the data (a logarithmic axis): ticks fall on whole decades
    /// and are labelled with 10^tick.
    var logarithmic = false

    /// A scale over `lower...upper`. With `extendToTicks`, the interval grows to the
    /// enclosing ticks (for line charts); without, it is kept as given (for grids whose
    /// extent is fixed) and only ticks inside it are returned. `integerTicks` keeps steps
    /// at whole numbers (epochs).
    init(lower: Double, upper: Double, targetTickCount: Int = 6, extendToTicks: Bool = true, integerTicks: Bool = false) {
        var low = lower.isFinite ? lower : 0
        var high = upper.isFinite ? upper : low + 1
        if high < low { swap(&low, &high) }
        if high - low <= Swift.max(Swift.abs(low), Swift.abs(high)) * 1e-12 || high == low {
            let padding = low == 0 ? 1 : Swift.abs(low) * 0.1
            low -= padding
            high += padding
        }
        let rawStep = (high - low) / Double(Swift.max(targetTickCount - 1, 1))
        let magnitude = pow(10, floor(log10(rawStep)))
        let residual = rawStep / magnitude
        var step = (residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10) * magnitude
        if integerTicks { step = Swift.max(step.rounded(), 1) }
        if extendToTicks {
            low = floor(low / step + 1e-9) * step
            high = ceil(high / step - 1e-9) * step
        }
        var ticks: [Double] = []
        var index = ceil(low / step - 1e-9)
        while index * step <= high + step * 1e-9, ticks.count < 100 {
            ticks.append(index * step)
            index += 1
        }
        self.lower = low
        self.upper = high
        self.ticks = ticks
        self.step = step
    }

    /// `value`'s position along the axis: 0 at `lower`, 1 at `upper`.
    func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }

    /// A tick label with as many decimals as the step needs; scientific notation for very
    /// large or very small magnitudes.
    func label(_ value: Double) -> String {
        logarithmic ? Self.format(pow(10, value)) : Self.format(value, step: step)
    }

    static func format(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return "" }
        let magnitude = Swift.max(Swift.abs(value), step)
        if magnitude >= 1e6 || (step < 1e-4 && step > 0) {
            return clean(String(format: "%.2e", value))
        }
        let decimals = step > 0 ? Swift.min(Swift.max(0, Int(-floor(log10(step) + 1e-9))), 6) : 2
        return clean(String(format: "%.\(decimals)f", value))
    }

    /// Formats a value for a caption: four significant digits.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        return clean(String(format: "%.4g", value))
    }

    private static func clean(_ text: String) -> String {
        let negativeZero = text.hasPrefix("-") && text.dropFirst().allSatisfy { $0 == "0" || $0 == "." }
        return negativeZero ? String(text.dropFirst()) : text
    }
}
