import Foundation
import Testing
@testable import Backprop

/// CSV as pandas, spreadsheets and hand editors write it: RFC 4180 quoting, byte order marks,
/// other delimiters, missing values.
@Suite struct CSVReaderTests {
    /// Writes `text` to a file named `name` in a fresh directory and reads it as a data set.
    static func dataset(_ text: String, name: String = "data.csv") throws -> Dataset<Double> {
        let directory = NSTemporaryDirectory() + "csv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try CSVReader.dataset(path: path, targetColumns: 1)
    }

    static func error(_ text: String) -> String {
        do {
            _ = try dataset(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let data = try Self.dataset("""
            "length, cm",width,species
            1.5,"2",setosa
            " 3 ",4,"Iris ""virginica"", tall"
            5,6,"two
            lines"
            """)
        #expect(data.inputs.storage == [1.5, 2, 3, 4, 5, 6])
        #expect(data.classNames == ["Iris \"virginica\", tall", "setosa", "two\nlines"])
        #expect(data.targets.storage == [1, 0, 2])
    }

    @Test func aByteOrderMarkAndCRLFAreAccepted() throws {
        let data = try Self.dataset("\u{FEFF}a,b,label\r\n1,2,0\r\n3,4,1\r\n")
        #expect(data.inputs.storage == [1, 2, 3, 4])
        #expect(data.targets.storage == [0, 1])
    }

    @Test(arguments: ["\t", ";", "|"])
    func otherDelimitersAreDetected(delimiter: String) throws {
        let text = ["a,b", "x", "label"].joined(separator: delimiter) + "\n"
            + ["1.5", "2", "cat"].joined(separator: delimiter) + "\n"
            + ["3", "4", "dog"].joined(separator: delimiter) + "\n"
        // The header's "a,b" holds a comma, which splits no data line: the comma is not it.
        let data = try Self.dataset(text)
        #expect(data.inputs.storage == [1.5, 2, 3, 4])
        #expect(data.classNames == ["cat", "dog"])
    }

    @Test func tsvFilesSplitAtTabs() throws {
        // One column per line would also split at commas consistently; .tsv decides.
        let data = try Self.dataset("1,5\t2\t0\n3,5\t4\t1\n".replacingOccurrences(of: ",", with: "."), name: "data.tsv")
        #expect(data.inputs.storage == [1.5, 2, 3.5, 4])
    }

    @Test func missingValuesAreNamed() {
        for (text, shown) in [("a,b,y\n1,,0\n2,3,1\n", "an empty field"), ("a,b,y\n1,NA,0\n2,3,1\n", "'NA'"), ("a,b,y\n1,nan,0\n2,3,1\n", "'nan'")] {
            let message = Self.error(text)
            #expect(message.contains("line 2, column 2: a missing value (\(shown))"), "\(message)")
            #expect(message.contains("dropna"), "\(message)")
        }
        #expect(Self.error("a,b,y\n1,2,cat\n2,3,\n").contains("line 3, column 3: a missing value (an empty field)"))
    }

    @Test func malformedQuotingIsNamed() {
        #expect(Self.error("a,b,y\n1,\"2,0\n2,3,1\n").contains("line 2: a quoted field is not closed"))
        #expect(Self.error("a,b,y\n1,\"2\"x,0\n").contains("line 2: text after a closing quote"))
    }

    /// A file pandas wrote (`DataFrame.to_csv`, index column dropped): quoted names with
    /// commas, a label column of strings.
    @Test func aPandasStyleFileReads() throws {
        let data = try Self.dataset("""
            sepal_length,sepal_width,"petal, length",petal_width,species
            5.1,3.5,1.4,0.2,setosa
            7.0,3.2,4.7,1.4,versicolor
            6.3,3.3,6.0,2.5,"virginica, large"

            """)
        #expect(data.count == 3 && data.featureCount == 4)
        #expect(data.classNames == ["setosa", "versicolor", "virginica, large"])
    }
}
