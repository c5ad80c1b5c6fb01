import Autodiff

/// Extremal eigenpairs of a symmetric operator by the thick-restart Lanczos iteration (Wu and
/// Simon) with full reorthogonalisation in a bounded window: `λmax` and `λmin` of `J·Jᵀ` (the I2F
/// bounds) and the top or bottom few Ritz pairs, matrix-free, in `O(maxBasisVectors · n)` memory.
///
/// Each step applies the operator once and orthogonalises the result against the whole window
/// twice (classical Gram–Schmidt, "twice is enough"), which also gives the projected matrix
/// `H = Vᵀ·A·V` column by column. When the window holds ``maxBasisVectors`` vectors, it is
/// compressed to the wanted Ritz vectors plus as many of their neighbours (the thick restart) and
/// the last residual direction, and the iteration goes on from there. A Ritz pair `(θ, y)` counts
/// as converged when its residual `‖A·y − θ·y‖ = β·|last component of H's eigenvector|` is at most
/// `tolerance · max|θ|`. If the Krylov space becomes invariant before that (e.g. repeated
/// eigenvalues, which one start vector cannot resolve), the iteration continues from a new random
/// vector orthogonal to the window, so multiplicities are found too.
///
/// Accuracy: for a symmetric `A` and a unit `y`, some eigenvalue `λ` satisfies
/// `|λ − θ| ≤ ‖A·y − θ·y‖`, and `≤ ‖A·y − θ·y‖² / gap` when no other eigenvalue is within `gap`
/// of `θ`. With ``verifiesResiduals`` (the default) each returned pair carries that residual
/// computed from `A·y` itself (``RitzPair/residualNorm``), so the bound holds whatever rounding
/// did to the recurrence; see ``RitzPair/errorBound(gap:)``.
public struct Lanczos: Sendable {
  /// How many of the largest eigenvalues to return (in descending order).
  public var largestCount: Int
  /// How many of the smallest eigenvalues to return (in ascending order).
  public var smallestCount: Int
  /// Relative residual at which a Ritz pair counts as converged: `‖A·y − θ·y‖ ≤ tolerance·max|θ|`.
  /// So a small eigenvalue is accurate to about `tolerance·λmax` in absolute terms (usually much
  /// better, the error being close to the residual squared over the gap).
  public var tolerance: Double
  /// Operator applications allowed (not counting residual verification); `nil` means 300.
  public var maxIterations: Int?
  /// Seed of the random start vector (and of restart vectors).
  public var seed: UInt64
  /// Whether to return the Ritz vectors.
  public var computesVectors: Bool
  /// Basis vectors of length `n` held at once; `nil` means ``defaultMaxBasisVectors``. Must exceed
  /// the number of wanted pairs by at least 2 (unless it is `n`, which needs no restart).
  public var maxBasisVectors: Int?
  /// Bytes the iteration may allocate (``memoryEstimate(dimension:)``); `nil` means no limit.
  public var memoryBudget: Int?
  /// Whether to compute `‖A·y − θ·y‖` of every returned pair from a fresh application of the
  /// operator (one per pair), instead of trusting the recurrence's estimate.
  public var verifiesResiduals: Bool

  /// The window used when ``maxBasisVectors`` is `nil`: `min(n, max(64, 2·wanted + 16))`.
  public static func defaultMaxBasisVectors(dimension n: Int, wanted: Int) -> Int {
    min(n, max(64, 2 * wanted + 16))
  }

  public init(
    largest: Int = 1, smallest: Int = 1, tolerance: Double = 1e-10, maxIterations: Int? = nil,
    seed: UInt64 = 0, computesVectors: Bool = false, maxBasisVectors: Int? = nil, memoryBudget: Int? = nil,
    verifiesResiduals: Bool = true
  ) {
    largestCount = largest
    smallestCount = smallest
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.seed = seed
    self.computesVectors = computesVectors
    self.maxBasisVectors = maxBasisVectors
    self.memoryBudget = memoryBudget
    self.verifiesResiduals = verifiesResiduals
  }

  /// The window size used for an operator of dimension `n`.
  public func basisSize(dimension n: Int) -> Int {
    min(n, maxBasisVectors ?? Self.defaultMaxBasisVectors(dimension: n, wanted: largestCount + smallestCount))
  }

  /// Columns of the basis rebuilt at once by a thick restart (bounds that step's scratch).
  static let restartColumnBlock = 512

  /// Upper bound on the bytes ``eigenpairs(of:)`` allocates for an operator of dimension `n` (not
  /// counting what the operator itself allocates): the window of `m` basis vectors, a few work
  /// vectors, the projected `m × m` problem and its eigensolver, the restart scratch, and the
  /// returned Ritz vectors.
  public func memoryEstimate(dimension n: Int) -> Int {
    let m = basisSize(dimension: n)
    let wanted = largestCount + smallestCount
    let vectors = m * n + 6 * n + m * Swift.min(n, Self.restartColumnBlock) + 2 * wanted * n
    let projected = 12 * m * m + 16 * m
    return 8 * (vectors + projected)
  }

  /// Runs Lanczos on `op` (assumed symmetric). Throws ``SolverError`` for invalid options,
  /// operator output, or an estimate above ``memoryBudget`` (before allocating anything), and
  /// `CancellationError` if the task is cancelled. Not converging within ``maxIterations`` is not
  /// an error: the result says so, and every pair still carries its residual.
  public func eigenpairs(of op: some LinearOperator) throws -> LanczosResult {
    let n = op.dimension
    guard n > 0 else { throw SolverError.invalidArgument("operator dimension is \(n)") }
    let wanted = largestCount + smallestCount
    guard largestCount >= 0, smallestCount >= 0, wanted > 0, largestCount <= n, smallestCount <= n else {
      throw SolverError.invalidArgument(
        "Lanczos needs 0…\(n) largest and smallest eigenvalues, not \(largestCount) and \(smallestCount) (and not none)")
    }
    guard tolerance > 0, tolerance.isFinite else { throw SolverError.invalidArgument("tolerance \(tolerance) must be > 0") }
    let limit = maxIterations ?? 300
    guard limit > 0 else { throw SolverError.invalidArgument("maxIterations \(limit) must be > 0") }
    let m = basisSize(dimension: n)
    guard m >= 1, m == n || m >= min(n, wanted) + 2 else {
      throw SolverError.invalidArgument(
        "maxBasisVectors \(maxBasisVectors ?? m) must exceed the \(wanted) wanted Ritz pairs by at least 2")
    }
    if let memoryBudget {
      let required = memoryEstimate(dimension: n)
      guard required <= memoryBudget else {
        throw SolverError.memoryBudgetExceeded(what: "Lanczos with \(m) basis vectors of length \(n)", required: required, budget: memoryBudget)
      }
    }

    var window = LanczosWindow(dimension: n, capacity: m)
    var rng = SeededRandom(seed: seed)
    var start = rng.normalVector(count: n)
    scale(1 / norm(start), &start)
    window.append(start)

    var applications = 0, restarts = 0
    var normEstimate = 0.0
    var residualNorm = 0.0  // β: ‖w‖ after orthogonalising A·v_last
    var residual = [Double]()
    var converged = false
    var ritz = ProjectedEigenpairs.empty

    while true {
      try Task.checkCancellation()
      // Expand: w = A·v_last, orthogonalised against the window; its coefficients are column
      // `last` of H.
      let last = window.count - 1
      var w = try op.checkedApply(window.vector(last))
      applications += 1
      normEstimate = max(normEstimate, norm(w))
      window.orthogonalizeRecordingColumn(&w)
      residualNorm = norm(w)
      residual = w

      let j = window.count
      let full = j == m
      if j >= min(wanted, n) || full || applications >= limit {
        ritz = try window.projectedEigenpairs()
        converged = ritz.converged(smallest: smallestCount, largest: largestCount, residualNorm: residualNorm, tolerance: tolerance)
      }
      if converged || applications >= limit { break }

      // The next direction: the residual, or a fresh one if the Krylov space is invariant.
      var next: [Double]
      let invariant = residualNorm <= 8 * Double.ulpOfOne * Double(n).squareRoot() * normEstimate
      if invariant {
        next = rng.normalVector(count: n)
        scale(1 / norm(next), &next)
      } else {
        next = residual
        scale(1 / residualNorm, &next)
      }
      if full {
        guard m < n else { break }  // the window spans everything: H's eigenpairs are exact
        let keep = Self.restartSelection(ritz.values.count, smallest: smallestCount, largest: largestCount, capacity: m)
        window.restart(keeping: keep, of: ritz)
        restarts += 1
      }
      if invariant {
        window.orthogonalize(&next)
        window.orthogonalize(&next)
        let length = norm(next)
        guard length > 0.5 else { break }  // the window already spans the space (numerically)
        scale(1 / length, &next)
      }
      window.append(next)
    }

    // The requested pairs, their vectors, and (optionally) their true residuals.
    let order = ritz.ascendingOrder
    let largestIndices = Array(order.suffix(min(largestCount, order.count)).reversed())
    let smallestIndices = Array(order.prefix(min(smallestCount, order.count)))
    let requested = Array(Set(largestIndices + smallestIndices)).sorted()
    var vectors: [Int: [Double]] = [:]
    var verified: [Int: Double] = [:]
    if computesVectors || verifiesResiduals {
      let formed = window.ritzVectors(requested, of: ritz)
      for (index, y) in zip(requested, formed) {
        if verifiesResiduals {
          try Task.checkCancellation()
          var r = try op.checkedApply(y)
          axpy(-ritz.values[index], y, &r)
          verified[index] = norm(r)
        }
        if computesVectors { vectors[index] = y }
      }
    }
    func pair(_ k: Int) -> RitzPair {
      let estimate = residualNorm * abs(ritz.lastComponent(k))
      return RitzPair(
        value: ritz.values[k], residualEstimate: estimate, residualNorm: verified[k] ?? estimate,
        isResidualVerified: verified[k] != nil, vector: vectors[k])
    }
    return LanczosResult(
      largest: largestIndices.map(pair), smallest: smallestIndices.map(pair), iterations: applications,
      converged: converged, restarts: restarts, basisCapacity: m, peakBasisVectors: window.peakCount,
      residualApplications: verified.count)
  }

  /// Which Ritz pairs (indices into ascending order) survive a thick restart: the wanted ones
  /// and, split between the wanted ends, about half of the remaining room, leaving at least two
  /// free slots in the window.
  static func restartSelection(_ count: Int, smallest: Int, largest: Int, capacity m: Int) -> (low: Int, high: Int) {
    let wanted = min(smallest, count) + min(largest, count)
    let extra = max(0, (m - 2 - wanted) / 2)
    var low = smallest, high = largest
    if smallest > 0 && largest > 0 {
      low += extra / 2
      high += extra - extra / 2
    } else if smallest > 0 {
      low += extra
    } else {
      high += extra
    }
    let room = min(count, m - 2)
    if low + high > room {
      low = min(low, room)
      high = room - low
    }
    return (low, high)
  }
}

/// An approximate eigenpair from ``Lanczos``.
public struct RitzPair: Sendable {
  /// The Ritz value θ.
  public let value: Double
  /// `β·|s_last|`: the residual `‖A·y − θ·y‖` predicted by the Lanczos recurrence (exact in exact
  /// arithmetic; what the convergence test uses).
  public let residualEstimate: Double
  /// `‖A·y − θ·y‖` for the unit Ritz vector `y`, computed from a fresh `A·y` when
  /// ``isResidualVerified``, else equal to ``residualEstimate``. Some eigenvalue of `A` lies
  /// within this distance of θ.
  public let residualNorm: Double
  /// Whether ``residualNorm`` was computed from `A·y` (see ``Lanczos/verifiesResiduals``).
  public let isResidualVerified: Bool
  /// The unit Ritz vector `y`, if vectors were requested.
  public let vector: [Double]?

  /// A bound on `|λ − θ|` for the eigenvalue `λ` of `A` nearest to θ: `‖r‖`, improved to
  /// `‖r‖²/gap` when the caller knows that no other eigenvalue lies within `gap` of θ (e.g. the
  /// distance to the next Ritz value, once that has converged too).
  public func errorBound(gap: Double? = nil) -> Double {
    guard let gap, gap > 0 else { return residualNorm }
    return min(residualNorm, residualNorm * residualNorm / gap)
  }
}

/// What ``Lanczos`` found.
public struct LanczosResult: Sendable {
  /// The largest Ritz pairs, in descending order.
  public let largest: [RitzPair]
  /// The smallest Ritz pairs, in ascending order.
  public let smallest: [RitzPair]
  /// Operator applications of the iteration (the residual checks are counted separately).
  public let iterations: Int
  /// Whether every requested pair met the residual tolerance.
  public let converged: Bool
  /// Thick restarts performed (0 when the window never filled).
  public let restarts: Int
  /// The window size (``Lanczos/basisSize(dimension:)``).
  public let basisCapacity: Int
  /// The most basis vectors held at once: never more than ``basisCapacity``.
  public let peakBasisVectors: Int
  /// Operator applications spent computing the returned pairs' true residuals.
  public let residualApplications: Int

  /// The largest Ritz value, if requested.
  public var largestEigenvalue: Double? { largest.first?.value }
  /// The smallest Ritz value, if requested.
  public var smallestEigenvalue: Double? { smallest.first?.value }
  /// `‖A·y − θ·y‖` of the largest Ritz pair: `λmax` lies within this of ``largestEigenvalue``.
  public var largestResidual: Double? { largest.first?.residualNorm }
  /// `‖A·y − θ·y‖` of the smallest Ritz pair: some eigenvalue lies within this of
  /// ``smallestEigenvalue``, so `λmin ≤ smallestEigenvalue + smallestResidual`; with Lanczos'
  /// Ritz values above `λmin`, `λmin ∈ [θ − ‖r‖, θ]`.
  public var smallestResidual: Double? { smallest.first?.residualNorm }
}
