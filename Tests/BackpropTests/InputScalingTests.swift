import Testing
@testable import Backprop

/// Fitting and applying input scaling on matrices small enough to work by hand.
@Suite struct InputScalingTests {
    /// X = [[1, 2], [3, 6]].
    /// Global: values 1, 2, 3, 6 → μ = 3, deviations −2, −1, 0, 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5.
    /// Per feature: column 0 → μ = 2, σ = 1; column 1 → μ = 4, σ = 2.
    static let inputs = Matrix<Double>([[1, 2], [3, 6]])

    @Test func globalStandardization() throws {
        let scaling = try InputScaling.fit(.standardize(scope: .global), to: Self.inputs)
        #expect(scaling == .standardize(scope: .global, mean: [3], standardDeviation: [(3.5).squareRoot()]))
        let scaled = try scaling.applied(to: Self.inputs)
        let sigma = (3.5).squareRoot()
        #expect(scaled.storage == [-2 / sigma, -1 / sigma, 0, 3 / sigma])
    }

    @Test func perFeatureStandardization() throws {
        let scaling = try InputScaling.fit(.standardize(scope: .perFeature), to: Self.inputs)
        #expect(scaling == .standardize(scope: .perFeature, mean: [2, 4], standardDeviation: [1, 2]))
        #expect(try scaling.applied(to: Self.inputs) == Matrix([[-1, -1], [1, 1]]))
        // Statistics come from the training set only: other data is scaled with them.
        #expect(try scaling.applied(to: Matrix<Double>([[4, 0]])) == Matrix([[2, -2]]))
    }

    /// Float inputs: statistics in Double, the arithmetic in Float.
    @Test func floatInputs() throws {
        var inputs = Matrix<Float>([[1, 2], [3, 6]])
        let scaling = try InputScaling.fit(.standardize(scope: .perFeature), to: inputs)
        try scaling.apply(to: &inputs)
        #expect(inputs == Matrix([[-1, -1], [1, 1]]))
    }

    /// A constant column has σ = 0, stored as 1: the column becomes x − μ = 0. A constant
    /// matrix does the same under global scope.
    @Test func zeroVarianceFeatures() throws {
        let constantColumn = Matrix<Double>([[5, 1], [5, 3]])
        let perFeature = try InputScaling.fit(.standardize(scope: .perFeature), to: constantColumn)
        #expect(perFeature == .standardize(scope: .perFeature, mean: [5, 2], standardDeviation: [1, 1]))
        #expect(try perFeature.applied(to: constantColumn) == Matrix([[0, -1], [0, 1]]))

        let constant = Matrix<Float>(rows: 3, columns: 2, repeating: 7)
        let global = try InputScaling.fit(.standardize(scope: .global), to: constant)
        #expect(global == .standardize(scope: .global, mean: [7], standardDeviation: [1]))
        #expect(try global.applied(to: constant).storage.allSatisfy { $0 == 0 })
    }

    /// 255 / 255 = 1 and 51 / 255 = 0.2 (as Float rounds it).
    @Test func divide() throws {
        let scaling = try InputScaling.fit(.divide(by: 255), to: Matrix<Float>(rows: 0, columns: 3))
        #expect(scaling == .divide(by: 255))
        var pixels = Matrix<Float>([[0, 51, 255]])
        try scaling.apply(to: &pixels)
        #expect(pixels.storage == [0, 0.2, 1])
        #expect(try InputScaling.none.applied(to: Matrix<Float>([[3, 4]])) == Matrix([[3, 4]]))
    }

    @Test func datasetInputsOnly() throws {
        var data = Dataset<Double>(inputs: Matrix([[10], [20]]), targets: Matrix([[10], [20]]))
        try InputScaling.divide(by: 10).apply(to: &data)
        #expect(data.inputs == Matrix([[1], [2]]) && data.targets == Matrix([[10], [20]]))
    }

    @Test func rejects() {
        #expect(throws: InputScaling.ScalingError.self) {
            _ = try InputScaling.fit(.standardize(scope: .global), to: Matrix<Float>(rows: 0, columns: 4))
        }
        #expect(throws: InputScaling.ScalingError.self) { _ = try InputScaling.fit(.divide(by: 0), to: Self.inputs) }
        // Fitted on 2 features, applied to 3.
        let scaling = InputScaling.standardize(scope: .perFeature, mean: [0, 0], standardDeviation: [1, 1])
        #expect(throws: InputScaling.ScalingError.self) { _ = try scaling.applied(to: Matrix<Double>([[1, 2, 3]])) }
        let malformed = InputScaling.standardize(scope: .global, mean: [], standardDeviation: [])
        #expect(throws: InputScaling.ScalingError.self) { _ = try malformed.applied(to: Self.inputs) }
    }

    // MARK: - Metadata

    @Test(arguments: [
        InputScaling.none,
        .divide(by: 255),
        .standardize(scope: .global, mean: [0.1307], standardDeviation: [0.3081]),
        .standardize(scope: .perFeature, mean: [1.0 / 3, -2.5e-7, 1e300], standardDeviation: [0.1, 1, 2.0 / 3]),
    ])
    func metadataRoundTrip(_ scaling: InputScaling) throws {
        let text = scaling.encodedMetadata
        #expect(!text.contains("\n"))
        #expect(try InputScaling(metadata: text) == scaling)
    }

    @Test func metadataText() {
        #expect(InputScaling.none.encodedMetadata == #"{"kind":"none"}"#)
        #expect(InputScaling.divide(by: 255).encodedMetadata == #"{"divisor":255,"kind":"divide"}"#)
        #expect(InputScaling.standardize(scope: .global, mean: [0.5], standardDeviation: [2]).encodedMetadata
            == #"{"kind":"standardize","mean":[0.5],"scope":"global","standard_deviation":[2]}"#)
    }

    @Test(arguments: [
        "not json",
        #"{}"#,
        #"{"kind":"log"}"#,
        #"{"kind":"divide","divisor":0}"#,
        #"{"kind":"standardize","scope":"global","mean":[1,2],"standard_deviation":[1,2]}"#,
        #"{"kind":"standardize","scope":"per-feature","mean":[1],"standard_deviation":[-1]}"#,
        #"{"kind":"standardize","scope":"per-feature","mean":[1,2],"standard_deviation":[1]}"#,
        #"{"kind":"standardize","scope":"sideways","mean":[1],"standard_deviation":[1]}"#,
    ])
    func rejectsBadMetadata(_ text: String) {
        #expect {
            _ = try InputScaling(metadata: text)
        } throws: { error in
            error is InputScaling.ScalingError && !"\(error)".contains("\n") && "\(error)".hasPrefix("input scaling metadata: ")
        }
    }

    @Test func parsesKinds() throws {
        #expect(try InputScaling.Kind(parsing: "none") == .none)
        #expect(try InputScaling.Kind(parsing: "divide:255") == .divide(by: 255))
        #expect(try InputScaling.Kind(parsing: "standardize") == .standardize(scope: .perFeature))
        #expect(try InputScaling.Kind(parsing: "standardize:global") == .standardize(scope: .global))
        #expect(try InputScaling.Kind(parsing: "standardize:per-feature") == .standardize(scope: .perFeature))
        for bad in ["divide", "divide:0", "divide:x", "standardize:sideways", "minmax", "none:1"] {
            #expect(throws: InputScaling.ScalingError.self) { _ = try InputScaling.Kind(parsing: bad) }
        }
    }
}
