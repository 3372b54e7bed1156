/// `Float` views of `NetworkScalar` storage, for handing a generic buffer to the C kernels on
/// paths that run only when `Scalar` is `Float` (checked by the caller with
/// `Scalar.self == Float.self`).
extension UnsafePointer where Pointee: NetworkScalar {
    /// The same memory as `Float` values.
    var floats: UnsafePointer<Float> { UnsafeRawPointer(self).assumingMemoryBound(to: Float.self) }
}

extension UnsafeMutablePointer where Pointee: NetworkScalar {
    /// The same memory as `Float` values.
    var floats: UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: Float.self) }
}
