// Benchmarks for the library: `swift run -c release backprop-bench --config NAME [options]`.
//
// Each benchmark is a `BenchmarkConfig` listed in `BenchmarkRegistry.all`; a new one lives in
// its own file in this folder and adds one line to that list. Results are medians over
// `--repetitions` samples; every sample runs the measured operation often enough to last at
// least a few milliseconds.

import ArgumentParser
import Backprop
import CAllocationCounter
import Foundation

// MARK: - Configuration registry

/// Settings shared by every benchmark.
struct BenchmarkOptions {
    var threads: Int
    var repetitions: Int
    var backend: Backend.Kind
}

/// One named benchmark.
protocol BenchmarkConfig: Sendable {
    /// The `--config` value.
    var name: String { get }
    /// One line for `--help`.
    var summary: String { get }
    /// Runs the benchmark and returns its rows.
    func run(_ options: BenchmarkOptions) throws -> [BenchmarkResult]
}

/// Every benchmark `--config` can name.
enum BenchmarkRegistry {
    static let all: [any BenchmarkConfig] = [
        SGEMMBenchmark(),
        VectorMathBenchmark(),
    ]

    static func named(_ name: String) -> (any BenchmarkConfig)? {
        all.first { $0.name == name }
    }
}

/// One measured row: a name, its median time and derived rates.
struct BenchmarkResult: Codable {
    var name: String
    var medianSeconds: Double
    var minimumSeconds: Double
    /// Floating-point operations per second (matrix products), when meaningful.
    var gigaflopsPerSecond: Double?
    /// Nanoseconds per element (elementwise functions), when meaningful.
    var nanosecondsPerElement: Double?
    /// Heap allocations per call in steady state (nil where they cannot be counted).
    var allocationsPerCall: Double?
}

/// The JSON document `--json` prints.
struct BenchmarkReport: Codable {
    var config: String
    var backend: String
    var threads: Int
    var repetitions: Int
    /// "wall" or "thread-cpu".
    var clock: String
    var machine: MachineDescription
    var results: [BenchmarkResult]
}

// MARK: - Timing

/// Which clock `now()` reads: wall time, or the calling thread's CPU time (`--cpu-time`, for
/// one-thread measurements on a machine shared with other work).
nonisolated(unsafe) var timingClock = CLOCK_MONOTONIC

/// Seconds on `timingClock`.
func now() -> Double {
    var time = timespec()
    clock_gettime(timingClock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Times `operation`: calibrates a call count so a sample lasts ≥ `minimumSample` seconds,
/// then takes `repetitions` samples. Returns (median, minimum) seconds per call and the heap
/// allocations per call seen over all samples.
func measure(
    repetitions: Int, minimumSample: Double = 0.02, _ operation: () -> Void
) -> (median: Double, minimum: Double, allocationsPerCall: Double?) {
    operation()  // warm-up: buffers, caches, lazy initialisation
    var calls = 1
    while true {
        let start = now()
        for _ in 0..<calls { operation() }
        let elapsed = now() - start
        if elapsed >= minimumSample || calls >= 1 << 24 { break }
        calls = elapsed <= 0 ? calls * 16 : max(calls * 2, Int(Double(calls) * minimumSample / elapsed * 1.2))
    }
    var samples: [Double] = []
    samples.reserveCapacity(repetitions)
    let allocationsBefore = bp_allocation_count()
    for _ in 0..<repetitions {
        let start = now()
        for _ in 0..<calls { operation() }
        samples.append((now() - start) / Double(calls))
    }
    let allocations = bp_allocation_count() - allocationsBefore
    samples.sort()
    let perCall: Double? =
        bp_allocation_counting_available() == 1
        ? Double(allocations) / Double(repetitions * calls) : nil
    return (samples[samples.count / 2], samples[0], perCall)
}

// MARK: - sgemm

/// Single-precision matrix products at the shapes of an MNIST 784-300-10 network, batch 1000,
/// of the modern 784-256-128-10 network's batches of 128 and of the 784-30-10 network's
/// batches of 10, plus a square reference shape. Names read m x k x n with the operands' transposes.
struct SGEMMBenchmark: BenchmarkConfig {
    let name = "sgemm"
    let summary = "Float matrix products (GF/s) at MNIST training shapes and 2048³"

    struct Shape {
        var label: String
        var m: Int
        var k: Int
        var n: Int
        var transposeA = false
        var transposeB = false
    }

    static let shapes: [Shape] = [
        Shape(label: "1000x784x300 NN", m: 1000, k: 784, n: 300),
        Shape(label: "1000x784x300 NT (Z1 = X·W1ᵀ)", m: 1000, k: 784, n: 300, transposeB: true),
        Shape(label: "784x1000x300 TN (Xᵀ·δ1)", m: 784, k: 1000, n: 300, transposeA: true),
        Shape(label: "300x1000x784 TN (dW1 = δ1ᵀ·X)", m: 300, k: 1000, n: 784, transposeA: true),
        Shape(label: "1000x300x784 NN (dX = δ1·W1)", m: 1000, k: 300, n: 784),
        Shape(label: "1000x300x10 NN", m: 1000, k: 300, n: 10),
        Shape(label: "1000x300x10 NT (Z2 = A1·W2ᵀ)", m: 1000, k: 300, n: 10, transposeB: true),
        Shape(label: "10x1000x300 TN (dW2 = δ2ᵀ·A1)", m: 10, k: 1000, n: 300, transposeA: true),
        Shape(label: "1000x10x300 NN (dA1 = δ2·W2)", m: 1000, k: 10, n: 300),
        Shape(label: "128x784x256 NN", m: 128, k: 784, n: 256),
        Shape(label: "128x784x256 NT (modern Z1 = X·W1ᵀ)", m: 128, k: 784, n: 256, transposeB: true),
        Shape(label: "256x128x784 TN (modern dW1 = δ1ᵀ·X)", m: 256, k: 128, n: 784, transposeA: true),
        Shape(label: "128x256x128 NT (modern Z2 = A1·W2ᵀ)", m: 128, k: 256, n: 128, transposeB: true),
        Shape(label: "128x128x256 TN (modern dW2 = δ2ᵀ·A1)", m: 128, k: 128, n: 256, transposeA: true),
        Shape(label: "128x128x256 NN (modern dA1 = δ2·W2)", m: 128, k: 128, n: 256),
        Shape(label: "128x128x10 NT (modern Z3 = A2·W3ᵀ)", m: 128, k: 128, n: 10, transposeB: true),
        Shape(label: "10x128x128 TN (modern dW3 = δ3ᵀ·A2)", m: 10, k: 128, n: 128, transposeA: true),
        Shape(label: "128x10x128 NN (modern dA2 = δ3·W3)", m: 128, k: 10, n: 128),
        Shape(label: "10x784x30 NT (online Z1 = X·W1ᵀ)", m: 10, k: 784, n: 30, transposeB: true),
        Shape(label: "30x10x784 TN (online dW1 = δ1ᵀ·X)", m: 30, k: 10, n: 784, transposeA: true),
        Shape(label: "200x2x3 NN (tiny)", m: 200, k: 2, n: 3),
        Shape(label: "2048x2048x2048 NN", m: 2048, k: 2048, n: 2048),
    ]

    func run(_ options: BenchmarkOptions) throws -> [BenchmarkResult] {
        var generator = SystemRandomNumberGenerator()
        return Self.shapes.map { shape in
            let a = Matrix<Float>(
                rows: shape.transposeA ? shape.k : shape.m, columns: shape.transposeA ? shape.m : shape.k,
                elements: (0..<shape.m * shape.k).map { _ in Float.random(in: -1...1, using: &generator) })
            let b = Matrix<Float>(
                rows: shape.transposeB ? shape.n : shape.k, columns: shape.transposeB ? shape.k : shape.n,
                elements: (0..<shape.k * shape.n).map { _ in Float.random(in: -1...1, using: &generator) })
            var c = Matrix<Float>(rows: shape.m, columns: shape.n)
            let timing = measure(repetitions: options.repetitions) {
                Matrix.multiply(a, b, transposeA: shape.transposeA, transposeB: shape.transposeB, into: &c)
            }
            let flops = 2.0 * Double(shape.m) * Double(shape.n) * Double(shape.k)
            return BenchmarkResult(
                name: shape.label, medianSeconds: timing.median, minimumSeconds: timing.minimum,
                gigaflopsPerSecond: flops / timing.median / 1e9,
                allocationsPerCall: timing.allocationsPerCall)
        }
    }
}

// MARK: - vector math

/// Elementwise exp, sigmoid and tanh on a 1000 x 300 hidden layer, in place.
struct VectorMathBenchmark: BenchmarkConfig {
    let name = "vectormath"
    let summary = "Float exp/sigmoid/tanh (ns per element) on 300 000 elements"

    func run(_ options: BenchmarkOptions) throws -> [BenchmarkResult] {
        let count = 300_000
        var values = (0..<count).map { Float($0 % 2000) / 100 - 10 }
        let functions: [(String, (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)] = [
            ("exp", { VectorMath.exp($0, $1, count: $2) }),
            ("sigmoid", { VectorMath.sigmoid($0, $1, count: $2) }),
            ("tanh", { VectorMath.tanh($0, $1, count: $2) }),
        ]
        return functions.map { label, function in
            let timing = values.withUnsafeMutableBufferPointer { buffer in
                measure(repetitions: options.repetitions) {
                    // Restarting from bounded inputs each call keeps every call's work the same.
                    function(buffer.baseAddress!, buffer.baseAddress!, count)
                    buffer[0] = 1
                }
            }
            return BenchmarkResult(
                name: label, medianSeconds: timing.median, minimumSeconds: timing.minimum,
                nanosecondsPerElement: timing.median / Double(count) * 1e9,
                allocationsPerCall: timing.allocationsPerCall)
        }
    }
}

// MARK: - Command line

struct BackpropBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-bench",
        abstract: "Benchmarks for the Backprop library.",
        discussion: (BenchmarkRegistry.all.map { "\($0.name): \($0.summary)" }
            + ["cs229, modern, online: training epochs at the peers' configurations (seconds per epoch)",
               "tiny: the 2-3-1 classifier's 2-3-1 network, full batch (microseconds per step)"]).joined(separator: "\n"))

    /// Every name `--config` accepts: the registry's benchmarks, then the training configurations.
    static let knownConfigs = (BenchmarkRegistry.all.map(\.name) + TrainingBenchmark.Config.allCases.map(\.rawValue))
        .joined(separator: ", ")

    @Option(help: "Which benchmark to run (\(BackpropBench.knownConfigs)).")
    var config: String

    @Option(help: "Epochs to run for cs229, modern, online (the first, which sizes the buffers, is not counted in the median).")
    var epochs: Int = 4

    @Option(help: "Steps to time for tiny.")
    var steps: Int = 20_000

    @Option(help: "Worker threads for matrix products.")
    var threads: Int = 1

    @Option(help: "Timed samples per measurement; the median is reported.")
    var repetitions: Int = 7

    @Option(help: "Matrix-product backend (\(Backend.availableKinds.map(\.rawValue).joined(separator: ", "))).")
    var backend: String = Backend.Kind.native.rawValue

    @Flag(help: "Time with the calling thread's CPU clock instead of wall time (1 thread only).")
    var cpuTime = false

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    @Flag(help: "Train cs229, modern, online with IEEE 754 subnormals instead of flushing them to zero (TrainingConfiguration.flushesSubnormals = false).")
    var ieeeSubnormals = false

    func validate() throws {
        guard BenchmarkRegistry.named(config) != nil || TrainingBenchmark.Config(rawValue: config) != nil else {
            throw ValidationError("Unknown config '\(config)'; known: \(Self.knownConfigs)")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard !cpuTime || threads == 1 else {
            throw ValidationError("--cpu-time measures the calling thread only: use --threads 1")
        }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard epochs >= 2 else { throw ValidationError("--epochs must be at least 2 (the first is warm-up)") }
        guard steps >= 100 else { throw ValidationError("--steps must be at least 100") }
        guard !ieeeSubnormals || [.cs229, .modern, .online].contains(TrainingBenchmark.Config(rawValue: config)) else {
            throw ValidationError("--ieee-subnormals applies to cs229, modern and online only")
        }
        guard Backend.Kind(rawValue: backend) != nil else {
            throw ValidationError("Unknown backend '\(backend)'")
        }
    }

    func run() throws {
        if cpuTime { timingClock = CLOCK_THREAD_CPUTIME_ID }
        let kind = Backend.Kind(rawValue: backend)!
        Backend.current = try Backend(kind: kind, threads: threads)
        if let training = TrainingBenchmark.Config(rawValue: config) {
            let report = try TrainingBenchmark(
                config: training, threads: threads, epochs: epochs, steps: steps,
                flushesSubnormals: !ieeeSubnormals
            ).run()
            let encoder = JSONEncoder()
            encoder.outputFormatting = json ? [.sortedKeys] : [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let options = BenchmarkOptions(threads: threads, repetitions: repetitions, backend: kind)
        let benchmark = BenchmarkRegistry.named(config)!
        let results = try benchmark.run(options)
        let report = BenchmarkReport(
            config: config, backend: Backend.current.description, threads: threads,
            repetitions: repetitions, clock: cpuTime ? "thread-cpu" : "wall", machine: .current(), results: results)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(config) — \(report.backend), median of \(repetitions), \(report.clock) clock")
            for result in results {
                var line = result.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                line += String(format: " %10.1f µs", result.medianSeconds * 1e6)
                if let rate = result.gigaflopsPerSecond { line += String(format: " %8.1f GF/s", rate) }
                if let perElement = result.nanosecondsPerElement { line += String(format: " %6.2f ns/elem", perElement) }
                if let allocations = result.allocationsPerCall { line += String(format: "  allocs/call %.2f", allocations) }
                print(line)
            }
        }
    }
}

BackpropBench.main()
