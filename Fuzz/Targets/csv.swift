@testable import Backprop

/// CSVReader.read and CSVReader.dataset through a file (the reader takes only a path): every
/// input must load or throw a one-line error naming the file, with rows all as wide as the
/// first and all finite.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzInput.write(data, size, to: path)
    do {
        let (_, rows) = try CSVReader.read(path: path)
        FuzzInput.require(
            !rows.isEmpty && rows.allSatisfy { $0.count == rows[0].count },
            "CSV rows of different widths")
        FuzzInput.require(rows.allSatisfy { $0.allSatisfy(\.isFinite) }, "CSV reader let a non-finite value through")
        _ = try CSVReader.dataset(path: path, targetColumns: 1, as: Float.self)
    } catch {
        FuzzInput.check(error, source: path)
    }
    return 0
}

private let path = FuzzInput.path(extension: "csv")
