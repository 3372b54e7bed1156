/// A seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64) whose
/// stream depends only on the seed: the same seed gives the same network initialization,
/// the same shuffles and the same synthetic data on every machine.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded; everything random in Backprop
/// draws from this generator instead.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The four words of xoshiro256** state; exposed so that checkpoints can save and
    /// restore the exact position in the stream.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next()
        s1 = next()
        s2 = next()
        s3 = next()
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform integer in 0..<bound (Lemire's nearly-divisionless method, unbiased).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw, N(0, 1), by Marsaglia's polar method. Uses only +, ×, ÷, √
    /// and `portableLog`, all of which round identically on every IEEE-754 machine.
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUnitDouble() - 1
            let v = 2 * nextUnitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                // Only one of the pair is used, so every draw consumes the same kind of work.
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// Fisher-Yates shuffle of `indices` in place.
    public mutating func shuffle(_ indices: inout [Int]) {
        var i = indices.count - 1
        while i > 0 {
            let j = nextIndex(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state == rhs.state
    }

    enum CodingKeys: CodingKey { case state }
    public init(from decoder: any Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .state)
        guard words.count == 4 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.state], debugDescription: "expected 4 state words"))
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([s0, s1, s2, s3], forKey: .state)
    }
}

@inline(__always)
private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

/// ln x for x in (0, 1], computed with arithmetic only (no libm), so that it rounds the
/// same way on every machine: x = m·2ᵉ with m in [√½, √2), ln x = e·ln 2 + 2·atanh(t),
/// t = (m − 1)/(m + 1), |t| < 0.172, summed to 1e-17.
func portableLog(_ x: Double) -> Double {
    precondition(x > 0 && x.isFinite)
    var exponent = Double(x.exponent)
    var mantissa = x.significand  // in [1, 2)
    if mantissa > 1.4142135623730951 {
        mantissa /= 2
        exponent += 1
    }
    let t = (mantissa - 1) / (mantissa + 1)
    let t2 = t * t
    var term = t
    var sum = 0.0
    var k = 1.0
    while k < 40 {
        sum += term / k
        term *= t2
        k += 2
    }
    return exponent * 0.6931471805599453 + 2 * sum
}
