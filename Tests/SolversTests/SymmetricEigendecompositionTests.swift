import Autodiff
import Solvers
import Testing

/// The dense eigensolver against matrices with known spectra: eigenvalues, residuals
/// `‖A·u − λ·u‖` and orthogonality, all within a small multiple of `n·ε·‖A‖`.
struct SymmetricEigendecompositionTests {
  /// Decomposes `Q·diag(λ)·Qᵀ` and checks everything against `λ`.
  @discardableResult
  func checkSpectrum(_ lambda: [Double], seed: UInt64 = 1) throws -> SymmetricEigendecomposition {
    let n = lambda.count
    let a = TestMatrices.withSpectrum(lambda, seed: seed)
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    let scale = max(TestMatrices.maxAbs(lambda), .leastNormalMagnitude)
    let bound = 20 * Double(n) * .ulpOfOne
    let sorted = lambda.sorted()
    #expect(e.dimension == n)
    #expect(e.eigenvalues == e.eigenvalues.sorted())
    for k in 0..<n {
      #expect(abs(e.eigenvalues[k] - sorted[k]) <= bound * scale, "λ[\(k)] = \(e.eigenvalues[k]), expected \(sorted[k])")
    }
    #expect(TestMatrices.maxResidual(e, of: a) <= bound * scale)
    #expect(TestMatrices.orthogonalityError(e) <= bound)
    return e
  }

  @Test func oneByOne() throws {
    for value in [5.0, -3.0, 0.0, 1e-300] {
      let e = try SymmetricEigendecomposition(symmetric: [value], dimension: 1)
      #expect(e.eigenvalues == [value])
      #expect(abs(e.eigenvectors[0]) == 1)
    }
  }

  @Test func twoByTwo() throws {
    let cases: [([Double], [Double])] = [
      ([2, 1, 1, 2], [1, 3]),
      ([0, 1, 1, 0], [-1, 1]),
      ([4, 0, 0, -2], [-2, 4]),
      ([1, 0, 0, 1], [1, 1]),
      ([3, 1e-9, 1e-9, 3], [3 - 1e-9, 3 + 1e-9]),
      ([1e-20, 1, 1, 1e20], [1e-20 - 1e-20, 1e20]),
    ]
    for (a, expected) in cases {
      let e = try SymmetricEigendecomposition(symmetric: a, dimension: 2)
      let scale = TestMatrices.maxAbs(a)
      for k in 0..<2 { #expect(abs(e.eigenvalues[k] - expected[k]) <= 4 * .ulpOfOne * scale, "\(a)") }
      #expect(TestMatrices.maxResidual(e, of: a) <= 4 * .ulpOfOne * scale)
      #expect(TestMatrices.orthogonalityError(e) <= 4 * .ulpOfOne)
    }
    var rng = SeededRandom(seed: 7)
    for _ in 0..<50 {
      let lambda = [rng.normal(), rng.normal()]
      try checkSpectrum(lambda, seed: rng.next())
    }
  }

  @Test func diagonalMatrixGivesSortedDiagonalAndUnitVectors() throws {
    let diagonal: [Double] = [3, -1, 4, 1, -5, 9, 2, 6, 0, 5]
    let n = diagonal.count
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n { a[i * n + i] = diagonal[i] }
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    #expect(e.eigenvalues == diagonal.sorted())
    for k in 0..<n {
      let u = e.eigenvector(k)
      let i = diagonal.firstIndex(of: e.eigenvalues[k])!
      #expect(abs(abs(u[i]) - 1) <= 1e-15)
    }
  }

  @Test func zeroAndIdentityMatrices() throws {
    let zero = try SymmetricEigendecomposition(symmetric: [Double](repeating: 0, count: 25), dimension: 5)
    #expect(zero.eigenvalues == [0, 0, 0, 0, 0])
    #expect(zero.eigenvectors == TestMatrices.identity(5))
    let identity = try SymmetricEigendecomposition(symmetric: TestMatrices.identity(40), dimension: 40)
    #expect(identity.eigenvalues.allSatisfy { abs($0 - 1) <= 1e-15 })
    #expect(TestMatrices.orthogonalityError(identity) <= 1e-14)
    let empty = try SymmetricEigendecomposition(symmetric: [], dimension: 0)
    #expect(empty.eigenvalues.isEmpty)
  }

  @Test func randomSpectraAcrossBlockBoundaries() throws {
    var rng = SeededRandom(seed: 11)
    for n in [3, 4, 7, 31, 32, 33, 63, 64, 65, 66, 97, 130] {
      try checkSpectrum((0..<n).map { _ in rng.uniform(-1, 2) }, seed: UInt64(n))
    }
  }

  @Test func rankDeficientPositiveSemidefinite() throws {
    let n = 60
    let lambda = (0..<n).map { $0 % 2 == 0 ? 0 : 1 + Double($0) }
    let e = try checkSpectrum(lambda, seed: 3)
    #expect(e.numericalRank() == n / 2)
  }

  @Test func clusteredAndRepeatedEigenvalues() throws {
    var lambda = [Double](repeating: 1, count: 20) + [Double](repeating: 2, count: 15)
    lambda += (0..<10).map { 3 + Double($0) * 1e-10 }
    lambda += (0..<5).map { 5 + Double($0) * 1e-14 }
    try checkSpectrum(lambda, seed: 5)
  }

  @Test func tinyEigenvaluesAreAccurateToTheNormWiseBound() throws {
    // Eigenvalues from 1 down to 1e-12 (geometric), plus exact zeros.
    let lambda = (0..<48).map { Double.pow(10, -12 * Double($0) / 47) } + [0, 0]
    try checkSpectrum(lambda, seed: 9)
  }

  @Test func largeMatrixUsesEveryPath() throws {
    var rng = SeededRandom(seed: 13)
    let n = 300
    try checkSpectrum((0..<n).map { _ in rng.uniform(0, 1) * rng.uniform(0, 1) }, seed: 17)
  }

  @Test func scaleDoesNotMatter() throws {
    let lambda: [Double] = [1, 2, 3, 4, 5, -1, 0.5, 7]
    let a = TestMatrices.withSpectrum(lambda, seed: 21)
    for factor in [1e-250, 1e250] {
      let e = try SymmetricEigendecomposition(symmetric: a.map { $0 * factor }, dimension: 8)
      for (k, expected) in lambda.sorted().enumerated() {
        #expect(abs(e.eigenvalues[k] / factor - expected) <= 1e-13 * 7)
      }
      #expect(TestMatrices.orthogonalityError(e) <= 1e-14)
    }
  }

  @Test func extremeMagnitudesStayFinite() throws {
    let u = 0x1p-1030  // subnormal
    let tiny = try SymmetricEigendecomposition(symmetric: [3 * u, u, u, 3 * u], dimension: 2)
    #expect(abs(tiny.eigenvalues[0] - 2 * u) <= 2 * .leastNonzeroMagnitude)
    #expect(abs(tiny.eigenvalues[1] - 4 * u) <= 2 * .leastNonzeroMagnitude)
    let huge = try SymmetricEigendecomposition(symmetric: [1e308, 1e308, 1e308, 1e308], dimension: 2)
    #expect(abs(huge.eigenvalues[0]) <= 1e293)
    // The sum 2e308 is beyond Double: reported as infinity, never NaN.
    #expect(huge.eigenvalues[1] == .infinity)
    #expect(TestMatrices.orthogonalityError(huge) <= 1e-15)
  }

  @Test func tridiagonalLaplacianHasItsAnalyticSpectrum() throws {
    let n = 100
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      a[i * n + i] = 2
      if i + 1 < n {
        a[i * n + i + 1] = -1
        a[(i + 1) * n + i] = -1
      }
    }
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    for k in 0..<n {
      let exact = 2 - 2 * Double.cos(Double(k + 1) * .pi / Double(n + 1))
      #expect(abs(e.eigenvalues[k] - exact) <= 1e-13)
    }
    #expect(TestMatrices.maxResidual(e, of: a) <= 1e-13)
  }

  @Test func asymmetricRoundingIsSymmetrisedAway() throws {
    let n = 30
    let a = TestMatrices.withSpectrum((0..<n).map { Double($0) }, seed: 23)
    var rng = SeededRandom(seed: 29)
    let noisy = a.map { $0 * (1 + 1e-12 * rng.normal()) }
    let e = try SymmetricEigendecomposition(symmetric: noisy, dimension: n)
    for k in 0..<n { #expect(abs(e.eigenvalues[k] - Double(k)) <= 1e-9) }
    #expect(TestMatrices.orthogonalityError(e) <= 1e-13)
  }

  @Test func invalidInputThrowsDescriptiveErrors() {
    #expect(throws: SolverError.notSquare(elementCount: 5, dimension: 2)) {
      try SymmetricEigendecomposition(symmetric: [1, 2, 3, 4, 5], dimension: 2)
    }
    #expect(throws: SolverError.nonFiniteMatrixEntry(row: 1, column: 0)) {
      try SymmetricEigendecomposition(symmetric: [1, 0, .nan, 1], dimension: 2)
    }
    #expect(throws: SolverError.nonFiniteMatrixEntry(row: 0, column: 1)) {
      try SymmetricEigendecomposition(symmetric: [1, .infinity, 0, 1], dimension: 2)
    }
    #expect(throws: SolverError.self) { try SymmetricEigendecomposition(symmetric: [], dimension: -1) }
    #expect(SolverError.notSquare(elementCount: 5, dimension: 2).description == "matrix has 5 entries, not 2×2 = 4")
  }

  // MARK: - Helpers

  @Test func coefficientsAndExpandAreInverse() throws {
    let n = 40
    let a = TestMatrices.withSpectrum((0..<n).map { Double($0) - 10 }, seed: 31)
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    let b = TestMatrices.randomVector(n, seed: 37)
    let c = try e.coefficients(of: b)
    #expect(abs(TestMatrices.norm(c) - TestMatrices.norm(b)) <= 1e-13 * TestMatrices.norm(b))
    #expect(TestMatrices.distance(try e.expand(c), b) <= 1e-13 * TestMatrices.norm(b))
    // f(λ) = λ reproduces A·b.
    let ab = TestMatrices.multiply(a, b)
    #expect(TestMatrices.distance(try e.apply({ $0 }, to: b), ab) <= 1e-12 * TestMatrices.norm(ab))
  }

  @Test func pseudoInverseAndRidgeInverseSolveTheirSystems() throws {
    let n = 50
    let lambda = (0..<n).map { $0 < 10 ? 0 : Double($0) / 10 }
    let a = TestMatrices.withSpectrum(lambda, seed: 41)
    let e = try SymmetricEigendecomposition(symmetric: a, dimension: n)
    #expect(e.numericalRank() == n - 10)
    // b in the range of A: A·A⁺·b = b.
    let b = TestMatrices.multiply(a, TestMatrices.randomVector(n, seed: 43))
    let x = try e.pseudoInverse(times: b)
    #expect(TestMatrices.distance(TestMatrices.multiply(a, x), b) <= 1e-12 * TestMatrices.norm(b))
    // A⁺·b has no component in the null space: it equals A⁺·A·(A⁺·b).
    let again = try e.pseudoInverse(times: TestMatrices.multiply(a, x))
    #expect(TestMatrices.distance(again, x) <= 1e-12 * TestMatrices.norm(x))
    // Ridge: (A + εI)·z = b for any b.
    let epsilon = 1e-3
    let r = TestMatrices.randomVector(n, seed: 47)
    let z = try e.ridgeInverse(times: r, epsilon: epsilon)
    let back = zip(TestMatrices.multiply(a, z), z).map { $0 + epsilon * $1 }
    #expect(TestMatrices.distance(back, r) <= 1e-11 * TestMatrices.norm(r))
  }

  @Test func helpersRejectBadVectors() throws {
    let e = try SymmetricEigendecomposition(symmetric: TestMatrices.identity(3), dimension: 3)
    #expect(throws: SolverError.dimensionMismatch(argument: "vector", expected: 3, actual: 2)) {
      try e.coefficients(of: [1, 2])
    }
    #expect(throws: SolverError.nonFiniteVector(argument: "vector", index: 1)) {
      try e.pseudoInverse(times: [1, .nan, 2])
    }
    #expect(throws: SolverError.self) { try e.ridgeInverse(times: [1, 2, 3], epsilon: -1) }
  }
}
