#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Decimal numbers read straight from bytes, for large numeric CSV files.
///
/// The fast path handles `[+-]digits[.digits][(e|E)[+-]digits]` whose significant digits
/// (trailing zeros dropped) fit 2⁵³ and whose decimal exponent is within ±22: then the value
/// is one exact `Double` multiplied or divided by an exact power of ten, which IEEE
/// arithmetic rounds correctly (Clinger's fast path). Everything else (`1e300`, 20-digit
/// mantissas, `nan`, `inf`, hexadecimal) goes to the C library's `strtod`.
enum NumericFieldParser {
    /// 10⁰ ... 10²², all exact in `Double`.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// The number at the start of `bytes[start..<end]`, and where it stops.
    ///
    /// Returns nil when no digits start there; `exact` is false when the fast path cannot
    /// give a correctly rounded value, and the caller then parses the field with ``strtodField``.
    @inline(__always)
    static func scan(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int
    ) -> (value: Double, end: Int, exact: Bool)? {
        var index = start
        var negative = false
        if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        // value = mantissa · 10^(pendingZeros + exponent); zeros are held back in pendingZeros
        // so that "255.000000000000000000" keeps a 3-digit mantissa.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var pendingZeros = 0
        var exponent = 0
        var digitCount = 0
        var exact = true

        @inline(__always) func append(_ digit: UInt64) {
            if digit == 0 {
                if mantissa != 0 { pendingZeros += 1 }
                return
            }
            significantDigits += pendingZeros + 1
            guard significantDigits <= 19 else { exact = false; return }
            for _ in 0..<pendingZeros { mantissa &*= 10 }
            mantissa = mantissa &* 10 &+ digit
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
        if mantissa == 0 && exact { return (negative ? -0.0 : 0.0, index, true) }
        guard exact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return (0, index, false) }
        var value = Double(mantissa)
        value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
        return (negative ? -value : value, index, true)
    }

    /// `strtod` over exactly `bytes[start..<end]`; nil unless the whole range is one number.
    static func strtodField(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        let length = end - start
        guard length > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &stop)
            guard let stop, stop - buffer.baseAddress! == length else { return nil }
            return value
        }
    }
}
