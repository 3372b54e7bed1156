import Dispatch
import Foundation

/// Runs `body(0) … body(workers − 1)` on up to `workers` threads and returns when all have
/// finished. One worker runs inline on the calling thread.
///
/// Callers give each worker a disjoint part of the output, so no result depends on which
/// thread ran which part; that is also why handing `body` to other threads is safe even
/// though it captures raw pointers.
@inline(__always)
func parallelFor(workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let shared = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: workers) { shared.value($0) }
    }
}

/// A value handed to other threads under the caller's guarantee that they use it safely.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The number of cores this process may run on (never less than 1).
let availableCores = max(1, ProcessInfo.processInfo.activeProcessorCount)
