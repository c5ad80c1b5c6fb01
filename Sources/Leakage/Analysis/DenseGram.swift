import Autodiff
import Dispatch
import Solvers

/// The dense path of I2F: the Gram matrix `J·Jᵀ` (dx × dx), formed in the precision of the
/// products either from J materialised row by row (batched `Jᵀ·e_i` products) and one GEMM, or
/// as `J·(Jᵀ·e_i)` by a second batched pass (``GramMethod``), and its full eigendecomposition in
/// Float64.
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
    /// Forming the rows of J (the `Jᵀ·e_i` passes).
    public var jacobian: Double
    /// Forming J·Jᵀ from them (the GEMM, or the `J·(Jᵀ·e_i)` passes).
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

  /// How J·Jᵀ was formed (never ``GramMethod/automatic``).
  public let gramMethod: GramMethod

  /// How ``DenseGram`` forms J·Jᵀ. Both give the same matrix up to rounding; they differ in cost.
  public enum GramMethod: String, Sendable, CaseIterable {
    /// ``rowsOfJ`` or ``products``, whichever is predicted faster (see ``resolved(for:)``).
    case automatic
    /// Materialise J (dx × dθ) by batched `Jᵀ·e_i` passes, then one GEMM: `dx²·dθ/2` multiply–adds.
    case rowsOfJ = "rows-of-J"
    /// Row `i` as `J·(Jᵀ·e_i)`: a second batched pass per block of rows instead of the GEMM, and J
    /// is never stored. A pass costs what the network costs, which for a convolutional network is
    /// far less than the GEMM's `dx·dθ/2` per row.
    case products

    /// The method to use for `jacobian`: ``products`` when one `J·Jᵀ·v` costs at most `0.4·dx·dθ`
    /// multiply–adds, else ``rowsOfJ``. Both methods make the `Jᵀ·e_i` passes; ``products`` then
    /// spends about half a `J·Jᵀ·v` per row where the GEMM spends `dx·dθ/2`, and the passes' small
    /// convolutions run at about 40% of the GEMM's rate (measured on convnet5, MNIST and photos).
    /// Runs one product to compile the passes.
    public func resolved(for jacobian: any JacobianProducts) -> GramMethod {
      guard self == .automatic else { return self }
      guard let perVector = jacobian.gramMultiplyAddsPerVector() else { return .rowsOfJ }
      return perVector <= 0.4 * Double(jacobian.inputCount) * Double(jacobian.parameterCount) ? .products : .rowsOfJ
    }
  }

  /// Forms J·Jᵀ by `method` and decomposes it. `progress` receives the fraction done (forming
  /// J·Jᵀ is most of the work). Cancellable between passes. Throws ``MemoryBudgetError`` before
  /// allocating anything when ``memoryNeeded(inputCount:parameterCount:method:)`` exceeds
  /// `memoryBudget`.
  public init(
    _ jacobian: any JacobianProducts, method: GramMethod = .automatic, memoryBudget: MemoryBudget = .current,
    progress: (@Sendable (Double) -> Void)? = nil
  ) throws {
    let dx = jacobian.inputCount, dtheta = jacobian.parameterCount
    let method = method.resolved(for: jacobian)
    let stored = method == .products
      ? "passes of \(Self.grouped(min(Self.rowsPerPass, dx)))×\(Self.grouped(dtheta))"
      : "J \(Self.grouped(dx))×\(Self.grouped(dtheta))"
    try memoryBudget.check(
      bytes: Self.memoryNeeded(inputCount: dx, parameterCount: dtheta, method: method),
      what: "the dense path (\(stored) and J·Jᵀ \(Self.grouped(dx))×\(Self.grouped(dx)), Float64)",
      suggestion: "use --method matrix-free, or raise --max-memory")
    var clock = DispatchTime.now().uptimeNanoseconds
    func lap() -> Double {
      let now = DispatchTime.now().uptimeNanoseconds
      defer { clock = now }
      return Double(now - clock) / 1e9
    }
    var jacobianSeconds = 0.0, gramSeconds = 0.0
    let gram: [Double]
    switch method {
    case .products:
      gram = try Self.gramByProducts(of: jacobian, progress: progress, transposedSeconds: &jacobianSeconds)
      gramSeconds = lap() - jacobianSeconds
    default:
      // Products in Float32 give J to Float32 accuracy: its Gram is formed in Float32 too, at
      // twice the Float64 speed. Measured against the Float64 path, every number `bound` reports
      // stays within 1e-5 (convnet5 on MNIST, condition 5e5) and 2e-4 (on photos:chelsea, 8e7).
      gram = jacobian.precision == .float32
        ? try Self.gram(of: jacobian, as: Float.self, progress: progress) { jacobianSeconds = lap() }
        : try Self.gram(of: jacobian, as: Double.self, progress: progress) { jacobianSeconds = lap() }
      gramSeconds = lap()
    }
    progress?(0.85)
    try Task.checkCancellation()
    eigen = try SymmetricEigendecomposition(symmetric: gram, dimension: dx)
    timings = Timings(jacobian: jacobianSeconds, gram: gramSeconds, eigendecomposition: lap())
    rankTolerance = Self.relativeRankTolerance * max(eigen.eigenvalues.last ?? 0, 0)
    gramMethod = method
    progress?(1)
  }

  /// J·Jᵀ (row-major, both triangles up to rounding) by ``GramMethod/products``: rows
  /// `J·(Jᵀ·e_i)`, ``rowsPerPass`` at a time. `transposedSeconds` receives the time of the
  /// `Jᵀ·e_i` passes (the rows of J, as the other method counts them).
  static func gramByProducts(
    of jacobian: any JacobianProducts, progress: (@Sendable (Double) -> Void)?, transposedSeconds: inout Double
  ) throws -> [Double] {
    let dx = jacobian.inputCount
    var gram = [Double](repeating: 0, count: dx * dx)
    var seconds = 0.0
    try forEachRowBlock(dx) { rows, basis in
      var pass = 0.0
      gram.replaceSubrange((rows.lowerBound * dx)..<(rows.upperBound * dx),
                           with: jacobian.gramProducts(basis, transposedSeconds: &pass).scalars)
      seconds += pass
      progress?(0.85 * Double(rows.upperBound) / Double(dx))
    }
    transposedSeconds = seconds
    return gram
  }

  /// Calls `body` for each block of at most ``rowsPerPass`` rows of `0..<dx` with the matching
  /// rows of the identity (`[k, dx]`, the `e_i` of one batched pass). Cancellable between blocks.
  static func forEachRowBlock(_ dx: Int, _ body: (Range<Int>, Tensor<Double>) throws -> Void) throws {
    for start in stride(from: 0, to: dx, by: rowsPerPass) {
      try Task.checkCancellation()
      let k = min(rowsPerPass, dx - start)
      var basis = Tensor<Double>(zeros: [k, dx])
      for r in 0..<k { basis.scalars[r * dx + start + r] = 1 }
      try body(start..<(start + k), basis)
    }
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
      try forEachRowBlock(dx) { rows, basis in
        jacobian.transposedProducts(
          basis, into: UnsafeMutableBufferPointer(rebasing: j[(rows.lowerBound * dtheta)..<(rows.upperBound * dtheta)]))
        progress?(0.7 * Double(rows.upperBound) / Double(dx))
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

  /// Peak bytes of the dense path: what `method` keeps of J (all of it, dx × dθ, for
  /// ``GramMethod/rowsOfJ`` and ``GramMethod/automatic``; two copies of one pass's ``rowsPerPass``
  /// rows for ``GramMethod/products``) in Float64, plus five dx × dx matrices while J·Jᵀ is
  /// decomposed (J·Jᵀ, its symmetrised copy, the Householder vectors, the rotated basis and the
  /// eigenvectors). Saturates at `Int.max`.
  public static func memoryNeeded(inputCount dx: Int, parameterCount dtheta: Int, method: GramMethod = .rowsOfJ) -> Int {
    let rows = method == .products ? 2 * min(rowsPerPass, dx) : dx
    let j = rows.multipliedReportingOverflow(by: dtheta)
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
