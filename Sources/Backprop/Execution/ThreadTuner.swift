import Foundation

/// Picks the faster of several thread counts for training steps whose size leaves it open,
/// by timing them on the run's own first steps.
///
/// Between about 1 and 50 MFLOP per step (784-30 on batches of 10 does 1.4) the second
/// thread's gain and its hand-offs' cost are close, and which wins depends on the machine: on
/// one VM two threads ran 784-30 faster than one; on another, slower, unless the host placed
/// the two vCPUs well (figures in docs/performance.md, "Design measurements"). The native
/// backend's splits keep each sum's order, so its results are bitwise the same for any thread
/// count and switching between counts while measuring changes nothing but the time (`Trainer`
/// uses a tuner with the native backend only).
///
/// After `warmUpSteps` steps the tuner runs blocks of `blockSteps` steps, cycling through
/// `candidates`, `rounds` blocks each, and then keeps the count whose median block was
/// fastest. Its samples go into an array reserved at the start; only the step that chooses
/// (once per run) allocates, to sort each candidate's blocks.
public struct ThreadTuner: Sendable {
    /// The thread counts compared, e.g. [1, 2].
    public let candidates: [Int]
    /// Steps run before measuring (on the last candidate), so caches and the thread pool are warm.
    public let warmUpSteps: Int
    /// Steps per timed block.
    public let blockSteps: Int
    /// Timed blocks per candidate.
    public let rounds: Int
    /// The count kept, once every block has run.
    public private(set) var chosen: Int?
    /// Seconds per step of each timed block, in the order run.
    public private(set) var blockSeconds: [Double] = []

    private var stepsSeen = 0
    private var blockStarted = 0.0

    public init(candidates: [Int], warmUpSteps: Int = 20, blockSteps: Int = 25, rounds: Int = 4) {
        precondition(!candidates.isEmpty && candidates.allSatisfy { $0 >= 1 }, "ThreadTuner: candidates must be positive")
        precondition(warmUpSteps >= 0 && blockSteps >= 1 && rounds >= 1, "ThreadTuner: invalid schedule")
        self.candidates = candidates
        self.warmUpSteps = warmUpSteps
        self.blockSteps = blockSteps
        self.rounds = rounds
        blockSeconds.reserveCapacity(candidates.count * rounds)
        if candidates.count == 1 { chosen = candidates[0] }
    }

    /// The thread count for the next step, given the clock (seconds) before it starts.
    public mutating func threadsForNextStep(now: Double) -> Int {
        if let chosen { return chosen }
        defer { stepsSeen += 1 }
        let measured = stepsSeen - warmUpSteps
        if measured < 0 { return candidates[candidates.count - 1] }
        if measured % blockSteps == 0 {
            if measured > 0 { blockSeconds.append((now - blockStarted) / Double(blockSteps)) }
            blockStarted = now
            if blockSeconds.count == candidates.count * rounds {
                // The smallest median (the first candidate on a tie).
                let best = medians.min { $0.secondsPerStep < $1.secondsPerStep }!.threads
                chosen = best
                return best
            }
        }
        return candidates[(measured / blockSteps) % candidates.count]
    }

    /// Each candidate's median seconds per step over its timed blocks (empty before any).
    public var medians: [(threads: Int, secondsPerStep: Double)] {
        candidates.enumerated().compactMap { index, threads in
            let own = stride(from: index, to: blockSeconds.count, by: candidates.count).map { blockSeconds[$0] }.sorted()
            return own.isEmpty ? nil : (threads, own[own.count / 2])
        }
    }

    /// "1 thread (median step: 1 thread 34.1 µs, 2 threads 40.2 µs)" once a count is chosen.
    public var report: String? {
        guard let chosen else { return nil }
        func threadsText(_ count: Int) -> String { count == 1 ? "1 thread" : "\(count) threads" }
        let timings = medians.map { "\(threadsText($0.threads)) \(String(format: "%.1f", $0.secondsPerStep * 1e6)) µs" }
        return timings.isEmpty ? threadsText(chosen) : "\(threadsText(chosen)) (median step: \(timings.joined(separator: ", ")))"
    }
}
