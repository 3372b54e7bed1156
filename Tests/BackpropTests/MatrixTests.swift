import Testing
@testable import Backprop

@Suite struct MatrixTests {
    @Test func productMatchesHandComputation() {
        let a = Matrix<Double>([[1, 2], [3, 4]])
        let b = Matrix<Double>([[5, 6], [7, 8]])
        #expect(Matrix.product(a, b) == Matrix([[19, 22], [43, 50]]))
        #expect(Matrix.product(a, b, transposeA: true) == Matrix([[26, 30], [38, 44]]))
        #expect(Matrix.product(a, b, transposeB: true) == Matrix([[17, 23], [39, 53]]))
    }
}
