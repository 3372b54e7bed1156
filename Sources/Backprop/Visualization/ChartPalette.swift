/// Colors shared by the report's charts.
///
/// Categorical colors are the Okabe-Ito palette (distinguishable with the common color
/// vision deficiencies); the diverging scale is ColorBrewer's RdBu end points.
enum ChartPalette {
    static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#000000"]

    /// Dash patterns paired with series so that lines differ without color too.
    static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3"]

    static let axis = "#444"
    static let grid = "#e2e2e2"
    static let negative = (red: 33, green: 102, blue: 172)   // #2166AC
    static let positive = (red: 178, green: 24, blue: 43)    // #B2182B
    static let sequential = (red: 8, green: 81, blue: 156)   // #08519C

    /// Class or series `index` (any integer, negative included) mapped onto the palette.
    static func color(_ index: Int) -> String {
        let count = categorical.count
        return categorical[((index % count) + count) % count]
    }

    static func dash(_ index: Int) -> String? {
        dashes[index % dashes.count]
    }

    /// `fraction` of the way from white to `color` (fraction clamped to 0...1).
    static func tint(_ color: (red: Int, green: Int, blue: Int), _ fraction: Double) -> String {
        let t = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        func channel(_ value: Int) -> Int { Int((255 - Double(255 - value) * t).rounded()) }
        return hex(channel(color.red), channel(color.green), channel(color.blue))
    }

    /// `tint(_:_:)` for a palette color given as "#RRGGBB".
    static func tint(_ color: String, _ fraction: Double) -> String {
        tint(rgb(color), fraction)
    }

    static func rgb(_ color: String) -> (red: Int, green: Int, blue: Int) {
        let digits = Array(color.dropFirst())
        func channel(_ start: Int) -> Int { Int(String(digits[start..<start + 2]), radix: 16) ?? 0 }
        return (channel(0), channel(2), channel(4))
    }

    static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
        "#" + [red, green, blue].map { value in
            let digits = String(min(max(value, 0), 255), radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
