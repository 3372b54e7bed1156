import CBackpropKernels

/// Where a trainer's steps run: the backend (kind, worker threads, instruction set) and,
/// optionally, a tuner that times thread counts on the first steps.
///
/// Each `Trainer` owns one. Around every step, `perform` installs the policy's backend as the
/// calling thread's `Backend.current` and the subnormal mode the configuration asks for, and
/// puts the thread's own back before the step's callbacks run. Nothing here is process wide,
/// so two trainings in one process, each on its own thread, never share a setting (the native
/// backend's helper threads take each job's settings with the job).
public struct ExecutionPolicy: Sendable {
    /// The backend every product of a step runs on. With a `threadTuner`, its thread count is
    /// the tuner's choice for each step.
    public var backend: Backend
    /// When set, and the backend is the native one, the first steps time each candidate thread
    /// count and the rest run on the fastest (`ThreadTuner`). The native backend's results are
    /// the same for any count, so tuning changes nothing but the time; other backends' results
    /// may depend on their thread count, so they are never tuned.
    public var threadTuner: ThreadTuner?

    /// A policy on `backend` (by default the creating thread's `Backend.current`).
    public init(backend: Backend = .current, threadTuner: ThreadTuner? = nil) {
        self.backend = backend
        self.threadTuner = threadTuner
    }

    /// Runs `step` with this policy's backend as the calling thread's `Backend.current` and,
    /// when `flushingSubnormals`, subnormals flushed to zero (`bp_flush_subnormals_set`; see
    /// `TrainingConfiguration.flushesSubnormals`); the thread's own backend and mode are back
    /// when it returns or throws. Without `flushingSubnormals` the mode is not touched.
    @inline(__always)
    mutating func perform<Result>(flushingSubnormals: Bool, _ step: () throws -> Result) rethrows -> Result {
        if threadTuner != nil && backend.kind == .native {
            backend.threads = threadTuner!.threadsForNextStep(now: monotonicSeconds())
        }
        let callerBackend = bp_thread_backend()
        let callerMode = bp_flush_subnormals_get()
        Backend.current = backend
        if flushingSubnormals { bp_flush_subnormals_set(bp_flush_subnormals_all()) }
        defer {
            bp_set_thread_backend(callerBackend)
            if flushingSubnormals { bp_flush_subnormals_set(callerMode) }
        }
        return try step()
    }
}
