#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Decimal numbers read straight from bytes, for large numeric CSV files.
///
/// ``scan(_:from:to:)`` reads `[+-]digits[.digits][(e|E)[+-]digits]` into a 19-digit
/// mantissa m and a decimal exponent k. When m ≤ 2⁵³ and |k| ≤ 22 the `Double` m·10ᵏ is one
/// correctly rounded operation on exact operands (Clinger's fast path). With more digits
/// (NumPy's `%.18e` writes 19) the result is within 2 units in the last place of `Double`;
/// ``correctlyRoundedFloat(_:_:)`` accepts such a value for `Float` only when every `Double`
/// within 4 ulps of it rounds to the same `Float`. Everything else (`1e300`, `nan`, `inf`,
/// hexadecimal, ambiguous roundings) goes to the C library's `strtod` or `strtof`.
enum NumericFieldParser {
    /// How far a scanned value can be trusted.
    enum Precision {
        /// The correctly rounded `Double`.
        case exact
        /// Within 2 `Double` ulps of the true value.
        case approximate
        /// No usable value: parse the field with ``parseField(_:from:to:asFloat:)``.
        case none
    }

    /// The number at the start of `bytes[start..<end]`, and where it stops; nil when no
    /// digits start there.
    @inline(__always)
    static func scan(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int
    ) -> (value: Double, end: Int, precision: Precision)? {
        var index = start
        var negative = false
        if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        // value ≈ mantissa · 10^(pendingZeros + exponent). Zeros are held back in pendingZeros
        // so that "255.000000000000000000" keeps a 3-digit mantissa; once 19 digits are used,
        // further digits only scale (truncated).
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var pendingZeros = 0
        var exponent = 0
        var digitCount = 0
        var truncated = false

        @inline(__always) func append(_ digit: UInt64) {
            if truncated { pendingZeros += 1; return }
            if digit == 0 {
                if mantissa != 0 { pendingZeros += 1 }
                return
            }
            let needed = significantDigits + pendingZeros + 1
            guard needed <= 19 else { truncated = true; pendingZeros += 1; return }
            for _ in 0..<pendingZeros { mantissa &*= 10 }
            mantissa = mantissa &* 10 &+ digit
            significantDigits = needed
            pendingZeros = 0
        }

        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            append(UInt64(digit))
            digitCount += 1
            index += 1
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                append(UInt64(digit))
                exponent -= 1
                digitCount += 1
                index += 1
            }
        }
        guard digitCount > 0 else { return nil }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            var cursor = index + 1
            var exponentNegative = false
            if cursor < end && (bytes[cursor] == UInt8(ascii: "-") || bytes[cursor] == UInt8(ascii: "+")) {
                exponentNegative = bytes[cursor] == UInt8(ascii: "-")
                cursor += 1
            }
            var written = 0
            var exponentDigits = 0
            while cursor < end {
                let digit = bytes[cursor] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if written < 100_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                cursor += 1
            }
            if exponentDigits > 0 {
                index = cursor
                exponent += exponentNegative ? -written : written
            }
        }
        exponent += pendingZeros
        if mantissa == 0 { return (negative ? -0.0 : 0.0, index, .exact) }
        guard exponent >= -22, exponent <= 22 else { return (0, index, .none) }
        var value = Double(mantissa)
        if exponent != 0 {
            // 10^k for k ≤ 22 is exact in Double (5^22 < 2^53), and so is every partial product.
            var scale = 1.0
            for _ in 0..<abs(exponent) { scale *= 10 }
            value = exponent > 0 ? value * scale : value / scale
        }
        let precision: Precision = !truncated && mantissa <= 1 << 53 ? .exact : .approximate
        return (negative ? -value : value, index, precision)
    }

    /// The correctly rounded `Float` of a scanned value, or nil when it cannot be told from
    /// `value` alone. Exact integers below 2⁵³ convert directly; otherwise every `Double`
    /// within 4 ulps of `value` (more than its error) must round to the same `Float`, which
    /// also rules out double rounding through `Double`.
    @inline(__always)
    static func correctlyRoundedFloat(_ value: Double, _ precision: Precision) -> Float? {
        if precision == .exact && value.rounded(.towardZero) == value { return Float(value) }
        guard precision != .none else { return nil }
        var low = value
        var high = value
        for _ in 0..<4 {
            low = low.nextDown
            high = high.nextUp
        }
        let rounded = Float(value)
        return Float(low) == rounded && Float(high) == rounded ? rounded : nil
    }

    /// `strtod` (or `strtof`, correctly rounded to `Float`, when `asFloat`) over exactly
    /// `bytes[start..<end]`; nil unless the whole range is one number.
    static func parseField(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, asFloat: Bool) -> Double? {
        let length = end - start
        guard length > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = asFloat ? Double(strtof(buffer.baseAddress!, &stop)) : strtod(buffer.baseAddress!, &stop)
            guard let stop, stop - buffer.baseAddress! == length else { return nil }
            return value
        }
    }
}
