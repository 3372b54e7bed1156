/// CRC-32C (Castagnoli), the checksum TFRecord files use.
///
/// Reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF,
/// table-driven one byte at a time: `crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)`.
/// Check value: `CRC32C.checksum("123456789".utf8) == 0xE3069283`.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// `table[b]` is the CRC of the single byte `b` with no initial or final XOR.
    static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
        }
        return crc
    }

    /// The CRC-32C of `bytes`; with `previous`, of the bytes whose checksum it is followed by
    /// `bytes`, so that chunks can be checksummed in turn (0: nothing came before).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, continuing previous: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        var crc = previous ^ 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// TensorFlow's masked CRC, stored in TFRecord files so that a CRC of data that itself
    /// contains CRCs stays well distributed: rotate right by 15 bits, then add 0xA282EAD8
    /// (wrapping UInt32 arithmetic): `((crc >> 15) | (crc << 17)) &+ 0xA282EAD8`.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// The inverse of `masked(_:)`.
    public static func unmasked(_ maskedCRC: UInt32) -> UInt32 {
        let rotated = maskedCRC &- 0xA282_EAD8
        return (rotated << 15) | (rotated >> 17)
    }

    /// `masked(checksum(bytes))`, the value a TFRecord stores.
    public static func maskedChecksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        masked(checksum(bytes))
    }
}
