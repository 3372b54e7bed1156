extension Matrix {
    /// Calls `body` with the storage of `input` and `output` (same count) as raw pointers.
    @inlinable
    static func map(
        _ input: Matrix, into output: inout Matrix,
        _ body: (UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void
    ) {
        precondition(input.storage.count == output.storage.count, "Elementwise map: shape mismatch")
        input.storage.withUnsafeBufferPointer { source in
            output.storage.withUnsafeMutableBufferPointer { destination in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                body(s, d, source.count)
            }
        }
    }

    /// Calls `body` with the storage of three same-count matrices, the last one writable.
    @inlinable
    static func zip(
        _ first: Matrix, _ second: Matrix, into output: inout Matrix,
        _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void
    ) {
        precondition(
            first.storage.count == second.storage.count && first.storage.count == output.storage.count,
            "Elementwise zip: shape mismatch")
        first.storage.withUnsafeBufferPointer { a in
            second.storage.withUnsafeBufferPointer { b in
                output.storage.withUnsafeMutableBufferPointer { c in
                    guard let a0 = a.baseAddress, let b0 = b.baseAddress, let c0 = c.baseAddress else { return }
                    body(a0, b0, c0, a.count)
                }
            }
        }
    }
}
