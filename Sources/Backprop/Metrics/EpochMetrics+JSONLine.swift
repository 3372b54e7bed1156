import Foundation

extension EpochMetrics {
    /// One line of a JSON Lines file (`--metrics`, a checkpoint's history): the object with
    /// sorted keys and a line feed; NaN and ±∞ written as "nan", "inf", "-inf".
    public func jsonLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Reads what `jsonLine()` writes (without or with its line feed).
    public init(jsonLine: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self = try decoder.decode(EpochMetrics.self, from: jsonLine)
    }
}
