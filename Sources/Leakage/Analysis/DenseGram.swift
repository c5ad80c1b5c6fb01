import Autodiff
import Dispatch
import Solvers

/// The dense path of I2F: `J` materialised row by row (batched `Jᵀ·e_i` products), the Gram
/// matrix `J·Jᵀ` (dx × dx) formed with one GEMM in the precision of the products, and its full
/// eigendecomposition in Float64.
/// Computed once per (model, weights, sample); after that every δ costs one `J·δ` and two small
/// matrix–vector products.
public struct DenseGram: Sendable {
  /// `J·Jᵀ = U·diag(λ)·Uᵀ`, eigenvalues ascending.
  public let eigen: SymmetricEigendecomposition
  /// Eigenvalues at or below this count as zero: `1e-10·λmax`.
  public let rankTolerance: Double
  /// How long each stage took.
  public let timings: Timings

  /// Seconds spent in each stage of a ``DenseGram``.
  public struct Timings: Sendable, Equatable {
    /// Forming the rows of J.
    public var jacobian: Double
    /// Forming J·Jᵀ.
    public var gram: Double
    /// The eigendecomposition of J·Jᵀ.
    public var eigendecomposition: Double
  }

  /// Relative threshold below which an eigenvalue of J·Jᵀ counts as zero.
  public static let relativeRankTolerance = 1e-10

  /// Bytes of J in Float64 above which `auto` prefers the matrix-free path.
  public static let maxJacobianBytes = 3 << 30

  /// Rows of J computed per batched pass (bounds the memory of the pass).
  public static let rowsPerPass = 196

  /// Materialises J, forms J·Jᵀ and decomposes it. `progress` receives the fraction done (the
  /// Jacobian rows are most of the work). Cancellable between passes. Throws
  /// ``MemoryBudgetError`` before allocating anything when ``memoryNeeded(inputCount:parameterCount:)``
  /// exceeds `memoryBudget`.
  public init(
    _ jacobian: any JacobianProducts, memoryBudget: MemoryBudget = .current, progress: (@Sendable (Double) -> Void)? = nil
  ) throws {
    let dx = jacobian.inputCount, dtheta = jacobian.parameterCount
    try memoryBudget.check(
      bytes: Self.memoryNeeded(inputCount: dx, parameterCount: dtheta),
      what: "the dense path (J \(Self.grouped(dx))×\(Self.grouped(dtheta)) and J·Jᵀ \(Self.grouped(dx))×\(Self.grouped(dx)), Float64)",
      suggestion: "use --method matrix-free, or raise --max-memory")
    var clock = DispatchTime.now().uptimeNanoseconds
    func lap() -> Double {
      let now = DispatchTime.now().uptimeNanoseconds
      defer { clock = now }
      return Double(now - clock) / 1e9
    }
    var jacobianSeconds = 0.0
    // Products in Float32 give J to Float32 accuracy: its Gram is formed in Float32 too, at twice
    // the Float64 speed. Measured against the Float64 path, every number `bound` reports stays
    // within 1e-5 (convnet5 on MNIST, condition 5e5) and 2e-4 (on photos:chelsea, condition 8e7).
    let gram = jacobian.precision == .float32
      ? try Self.gram(of: jacobian, as: Float.self, progress: progress) { jacobianSeconds = lap() }
      : try Self.gram(of: jacobian, as: Double.self, progress: progress) { jacobianSeconds = lap() }
    let gramSeconds = lap()
    progress?(0.85)
    try Task.checkCancellation()
    eigen = try SymmetricEigendecomposition(symmetric: gram, dimension: dx)
    timings = Timings(jacobian: jacobianSeconds, gram: gramSeconds, eigendecomposition: lap())
    rankTolerance = Self.relativeRankTolerance * max(eigen.eigenvalues.last ?? 0, 0)
    progress?(1)
  }

  /// J·Jᵀ (row-major, both triangles) from the rows of J materialised in `T`; `jacobianDone` is
  /// called once J is complete.
  static func gram<T: TensorScalar>(
    of jacobian: any JacobianProducts, as: T.Type, progress: (@Sendable (Double) -> Void)?, jacobianDone: () -> Void
  ) throws -> [Double] {
    let dx = jacobian.inputCount, dtheta = jacobian.parameterCount
    // J lives in recycled scratch (a new analysis reuses it instead of faulting in fresh pages);
    // every row is written by its pass.
    return try withScratchBuffer(of: T.self, count: dx * dtheta) { j in
      var start = 0
      while start < dx {
        try Task.checkCancellation()
        let k = min(Self.rowsPerPass, dx - start)
        var basis = Tensor<Double>(zeros: [k, dx])
        for r in 0..<k { basis.scalars[r * dx + start + r] = 1 }
        jacobian.transposedProducts(basis, into: UnsafeMutableBufferPointer(rebasing: j[(start * dtheta)..<((start + k) * dtheta)]))
        start += k
        progress?(0.7 * Double(start) / Double(dx))
      }
      try Task.checkCancellation()
      jacobianDone()
      // β = 0: the GEMM writes every element.
      let gram = [T](unsafeUninitializedCapacity: dx * dx) { g, initialized in
        if let jp = j.baseAddress, let gp = g.baseAddress {
          T.gemm(transposeA: false, transposeB: true, m: dx, n: dx, k: dtheta, alpha: 1, a: jp, lda: dtheta,
                 b: jp, ldb: dtheta, beta: 0, c: gp, ldc: dx)
        }
        initialized = dx * dx
      }
      return gram as? [Double] ?? gram.map { Double($0) }
    }
  }

  /// Peak bytes of the dense path: J (dx × dθ Float64) plus five dx × dx matrices while J·Jᵀ
  /// is decomposed (J·Jᵀ, its symmetrised copy, the Householder vectors, the rotated basis and the
  /// eigenvectors). Saturates at `Int.max`.
  public static func memoryNeeded(inputCount dx: Int, parameterCount dtheta: Int) -> Int {
    let j = dx.multipliedReportingOverflow(by: dtheta)
    let square = dx.multipliedReportingOverflow(by: dx)
    let squares = square.partialValue.multipliedReportingOverflow(by: 5)
    let elements = j.partialValue.addingReportingOverflow(squares.partialValue)
    let bytes = elements.partialValue.multipliedReportingOverflow(by: MemoryLayout<Double>.size)
    let overflow = j.overflow || square.overflow || squares.overflow || elements.overflow || bytes.overflow
    return overflow ? Int.max : bytes.partialValue
  }

  /// `393,226`: a count with thousands separators, for messages.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// λmax of J·Jᵀ.
  public var lambdaMax: Double { eigen.eigenvalues.last ?? 0 }
  /// λmin of the full J·Jᵀ (0 up to rounding when it is singular).
  public var lambdaMin: Double { eigen.eigenvalues.first ?? 0 }
  /// Number of eigenvalues above ``rankTolerance``.
  public var rank: Int { eigen.eigenvalues.filter { $0 > rankTolerance }.count }

  /// `Σ 1/λ` over the numerical rank: `tr((J·Jᵀ)⁺)`.
  public var traceOfPseudoInverse: Double {
    eigen.eigenvalues.reduce(0) { $1 > rankTolerance ? $0 + 1 / $1 : $0 }
  }

  /// `(J·Jᵀ)⁺·b` (ε = 0) or `(J·Jᵀ + εI)⁻¹·b`.
  public func solve(_ b: [Double], ridge epsilon: Double = 0) throws -> [Double] {
    let tolerance = rankTolerance
    return try eigen.apply({ λ in
      if epsilon > 0 { return λ + epsilon > 0 ? 1 / (λ + epsilon) : 0 }
      return λ > tolerance ? 1 / λ : 0
    }, to: b)
  }

  /// Index into the ascending eigenvalues of the k-th direction (1-based) from the top, or from
  /// the bottom of the numerical rank.
  public func eigenIndex(_ end: SpectralEnd, _ k: Int) throws(AnalysisError) -> Int {
    let n = eigen.dimension, r = rank
    guard k >= 1, k <= r else {
      throw .invalidPerturbation("direction \(end):\(k) needs 1 ≤ k ≤ \(r) (the numerical rank of J·Jᵀ)")
    }
    return end == .top ? n - k : n - r + k - 1
  }
}

/// Which end of the spectrum a singular direction is counted from.
public enum SpectralEnd: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
  /// Largest singular values first: perturbations the attack shrugs off.
  case top
  /// Smallest nonzero singular values first: perturbations that move the reconstruction most.
  case bottom
  public var description: String { rawValue }
}
