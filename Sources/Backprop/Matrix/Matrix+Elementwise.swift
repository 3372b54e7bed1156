import CBackpropKernels

extension Matrix {
    /// Adds the 1 x columns row vector `row` to every row (the bias broadcast of Z = X·Wᵀ + b).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func addRowVector(_ row: Matrix) {
        precondition(row.rows == 1 && row.columns == columns, "addRowVector: shape mismatch")
        let columns = columns
        let rows = rows
        row.storage.withUnsafeBufferPointer { rowPointer in
            storage.withUnsafeMutableBufferPointer { pointer in
                if Scalar.self == Float.self, let x = pointer.baseAddress, let b = rowPointer.baseAddress {
                    // The same additions vectorized in C (bitwise equal).
                    return bp_add_row_vector(x.floats, rows, columns, UnsafePointer(b).floats, Backend.kernelLevel)
                }
                for r in 0..<rows {
                    let base = r * columns
                    for c in 0..<columns { pointer[base + c] += rowPointer[c] }
                }
            }
        }
    }

    /// result ← 1ᵀ·self, the 1 x columns vector of column sums (BP3's ∂J/∂b = 1ᵀ·δ).
    /// Rows are added in order 0, 1, …, n−1 for every column, independent of threading.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sumColumns(into result: inout Matrix) {
        precondition(result.rows == 1 && result.columns == columns, "sumColumns: shape mismatch")
        let columns = columns
        let rows = rows
        storage.withUnsafeBufferPointer { pointer in
            result.storage.withUnsafeMutableBufferPointer { sums in
                if Scalar.self == Float.self, let x = pointer.baseAddress, let s = sums.baseAddress {
                    // The same sums, in the same order, vectorized across columns in C.
                    return bp_sum_columns(x.floats, rows, columns, s.floats, Backend.kernelLevel)
                }
                for c in 0..<columns { sums[c] = 0 }
                for r in 0..<rows {
                    let base = r * columns
                    for c in 0..<columns { sums[c] += pointer[base + c] }
                }
            }
        }
    }
}
