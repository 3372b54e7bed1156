// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Backprop",
    platforms: [.macOS(.v13)],
    // MARK: - Products
    products: [
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "backprop", targets: ["BackpropCLI"]),
        .executable(name: "backprop-bench", targets: ["BackpropBench"]),
    ],
    // MARK: - Traits
    traits: [
        .trait(name: "OpenBLAS", description: "Use Debian's libopenblas-dev for matrix products (swift build --traits OpenBLAS)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Library
        .target(
            name: "Backprop",
            dependencies: [
                "CBackpropKernels",
                "CZlib",
                .target(name: "COpenBLAS", condition: .when(traits: ["OpenBLAS"])),
            ]
        ),
        // Register-tile GEMM microkernels and vector math, compiled per instruction set
        // with __attribute__((target(...))) and chosen at run time.
        .target(name: "CBackpropKernels"),
        // The system zlib (Debian: zlib1g-dev), for gzip-compressed IDX files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Debian's libopenblas-dev, only under the OpenBLAS trait.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // MARK: - Command line
        // Target names differ from the executables' names so that no module's name differs
        // from the library's by case only (macOS file systems ignore case).
        .executableTarget(
            name: "BackpropCLI",
            dependencies: [
                "Backprop",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/backprop"
        ),

        // MARK: - Benchmarks (never part of `swift test`)
        .executableTarget(
            name: "BackpropBench",
            dependencies: [
                "Backprop",
                "CAllocationCounter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/backprop-bench"
        ),

        // Counts heap allocations (glibc malloc interposition) so the benchmark can prove a
        // training step allocates nothing.
        .target(name: "CAllocationCounter"),

        // MARK: - Tests
        // Readers that only the tests need (TensorBoard event files read back).
        .target(
            name: "BackpropTestSupport",
            dependencies: ["Backprop"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "BackpropTests",
            dependencies: ["Backprop", "BackpropTestSupport"]
        ),
        .testTarget(
            name: "BackpropCLITests",
            dependencies: ["BackpropCLI", "BackpropTestSupport"],
            path: "Tests/backpropTests"
        ),
    ]
)
