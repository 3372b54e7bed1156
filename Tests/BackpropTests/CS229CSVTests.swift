import Foundation
import Testing
@testable import Backprop

@Suite struct CS229CSVTests {
    /// Loads `images` and `labels` written to a fresh directory.
    private func load(images: String, labels: String, classCount: Int? = nil) throws -> (images: Matrix<Float>, labels: [Int]) {
        try TemporaryDirectory.with { directory in
            try CS229CSV.load(
                imagesPath: directory.write(images, to: "images_train.csv"),
                labelsPath: directory.write(labels, to: "labels_train.csv"), classCount: classCount)
        }
    }

    /// The error loading `images` and `labels` throws, with the directory stripped from its path.
    private func loadError(images: String, labels: String = "0\n1\n", classCount: Int? = nil) -> (DataFileError, String)? {
        do {
            _ = try load(images: images, labels: labels, classCount: classCount)
            Issue.record("no error for images \(images.debugDescription), labels \(labels.debugDescription)")
            return nil
        } catch let error as DataFileError {
            let name = String(error.path.split(separator: "/").last ?? "")
            return (error, "\(name): " + (error.row.map { "row \($0): " } ?? "") + error.message)
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func readsIntegerRows() throws {
        let (images, labels) = try load(images: "0,255,3\n1,2,3\n", labels: "7\n2\n")
        #expect(images == Matrix([[0, 255, 3], [1, 2, 3]]))
        #expect(labels == [7, 2])
    }

    /// NumPy's `savetxt` default format (`%.18e`), CRLF line ends, spaces, a byte-order mark
    /// and trailing blank lines.
    @Test func readsSavetxtOutput() throws {
        let images = "\u{FEFF}0.000000000000000000e+00,2.550000000000000000e+02, 1.25\r\n"
            + "-3.5e-1 ,1e2,+7.\r\n\r\n\n"
        let labels = "7.000000000000000000e+00\n0.000000000000000000e+00\n\n"
        let (matrix, parsedLabels) = try load(images: images, labels: labels)
        #expect(matrix == Matrix([[0, 255, 1.25], [-0.35, 100, 7]]))
        #expect(parsedLabels == [7, 0])
    }

    /// Parses `text` as the table reader does, to `Double` or to `Float`.
    private func parse(_ text: String, asFloat: Bool) -> Double? {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { buffer -> Double? in
            let base = buffer.baseAddress!
            if let scanned = NumericFieldParser.scan(base, from: 0, to: buffer.count), scanned.end == buffer.count {
                if asFloat, let rounded = NumericFieldParser.correctlyRoundedFloat(scanned.value, scanned.precision) {
                    return Double(rounded)
                }
                if !asFloat && scanned.precision == .exact { return scanned.value }
            }
            return NumericFieldParser.parseField(base, from: 0, to: buffer.count, asFloat: asFloat)
        }
    }

    /// The scanner agrees bit for bit with `strtod` (Swift's `Double(_:)`) and `strtof`
    /// (`Float(_:)`), including on inputs it hands to them. 1 + 2⁻²⁴ is the midpoint between
    /// two Floats: one more digit decides the rounding, which a detour through `Double` loses.
    @Test func numberParserMatchesTheCLibrary() throws {
        var texts = [
            "0", "-0", "7", "0.1", "123.456e-7", "2.550000000000000000e+02", "1e22", "1e23", "9007199254740993",
            "12345678901234567890123", "1.7976931348623157e308", "4.9e-324", "-2.5E+3", ".5", "5.", "0.000001",
            "3.141592653589793238462643", "1e-400", "100000000000000000000000000", "7.098039215686274606e-01",
            "1.000000059604644775390625", "1.000000059604644775390626", "1.0000000596046447753906249",
        ]
        // 19-digit mantissas as `%.18e` writes them, from a fixed linear congruential sequence.
        var state: UInt64 = 229
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let digits = String(1_000_000_000_000_000_000 + state % 9_000_000_000_000_000_000)
            texts.append("\(digits.prefix(1)).\(digits.dropFirst())e\(Int(state >> 59) - 16)")
        }
        for text in texts {
            #expect(parse(text, asFloat: false)?.bitPattern == Double(text)?.bitPattern, "\(text)")
            #expect(parse(text, asFloat: true).map { Float($0).bitPattern } == Float(text)?.bitPattern, "\(text)")
        }
    }

    @Test func raggedRowsNameTheRow() {
        #expect(loadError(images: "1,2,3\n4,5\n")?.1 == "images_train.csv: row 2: expected 3 fields (as in row 1) but found 2")
        #expect(loadError(images: "1,2,3\n4,5,6,7,8\n")?.1 == "images_train.csv: row 2: expected 3 fields (as in row 1) but found 5")
        #expect(loadError(images: "1,2\n\n3,4\n")?.1 == "images_train.csv: row 2: row is empty")
        #expect(loadError(images: "1,2\n3,4\n", labels: "1,2\n3,4\n")?.0.kind == .raggedRow)
    }

    @Test func nonNumericFieldsNameRowAndColumn() {
        #expect(loadError(images: "1,2,3\n4,abc,6\n")?.1 == "images_train.csv: row 2: column 2: 'abc' is not a number")
        #expect(loadError(images: "1,2,3\n4,5x,6\n")?.1 == "images_train.csv: row 2: column 2: '5x' is not a number")
        #expect(loadError(images: "1,,3\n4,5,6\n")?.1 == "images_train.csv: row 1: column 2 is empty")
        #expect(loadError(images: "1,2,3\n4,5,6\n", labels: "0\nseven\n")?.1 == "labels_train.csv: row 2: column 1: 'seven' is not a number")
    }

    @Test func nonFiniteValuesAreRefused() {
        #expect(loadError(images: "1,nan\n3,4\n")?.1 == "images_train.csv: row 1: column 2: 'nan' is not a finite Float")
        #expect(loadError(images: "1,2\n-inf,4\n")?.0.kind == .nonFiniteValue)
        #expect(loadError(images: "1,2\n3,1e39\n")?.1 == "images_train.csv: row 2: column 2: '1e39' is not a finite Float")
    }

    @Test func labelsMustBeNonNegativeIntegers() throws {
        let images = "1,2\n3,4\n"
        #expect(loadError(images: images, labels: "1\n-1\n")?.1 == "labels_train.csv: row 2: label -1 is negative")
        #expect(loadError(images: images, labels: "2.5\n1\n")?.1 == "labels_train.csv: row 1: label 2.5 is not an integer")
        #expect(loadError(images: images, labels: "1\n10\n", classCount: 10)?.1 == "labels_train.csv: row 2: label 10 is not below the class count 10")
        #expect(try load(images: images, labels: "1\n9\n", classCount: 10).labels == [1, 9])
    }

    @Test func rowCountsMustMatch() {
        let error = loadError(images: "1,2\n3,4\n5,6\n", labels: "0\n1\n")
        #expect(error?.0.kind == .countMismatch)
        #expect(error?.1.hasPrefix("images_train.csv: holds 3 images but ") == true)
        #expect(error?.1.hasSuffix("labels_train.csv holds 2 labels") == true)
    }

    @Test func emptyFilesHoldNoRows() throws {
        let (images, labels) = try load(images: "", labels: "\n")
        #expect(images.rows == 0)
        #expect(labels.isEmpty)
    }
}
