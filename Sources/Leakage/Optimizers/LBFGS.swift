import Autodiff

/// Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, Alg. 7.4, 3.5, 3.6), on a
/// flat vector. One ``step(_:value:gradient:evaluate:)`` is one quasi-Newton iteration, which may
/// evaluate the objective several times inside its line search. State is plain data.
public struct LBFGS<S: TensorScalar>: Sendable, Codable, Equatable {
  /// Initial step length of the line search (PyTorch's `lr`).
  public var learningRate: Double
  /// Pairs (s, y) kept.
  public var historySize: Int
  public var sHistory: [[S]] = []
  public var yHistory: [[S]] = []
  /// Iterations taken.
  public var iterations = 0
  /// Objective evaluations, including those of line searches.
  public var evaluations = 0
  /// Set once no step decreases the objective (converged to rounding, or stuck): further
  /// iterations are no-ops instead of repeated failing line searches.
  public var stalled = false

  public init(learningRate: Double = 1, historySize: Int = 100) {
    self.learningRate = learningRate
    self.historySize = historySize
  }

  /// One iteration from `x` where the objective is `value` with `gradient`; `evaluate` computes
  /// (value, gradient) at a point. Returns the new value and gradient (x is updated in place).
  /// When the gradient vanishes or no descent is possible, x is left unchanged.
  @_specialize(where S == Float)
  @_specialize(where S == Double)
  public mutating func step(
    _ x: inout [S], value f0: Double, gradient g0: [S], evaluate: ([S]) -> (Double, [S])
  ) -> (Double, [S]) {
    let n = x.count
    iterations += 1
    guard !stalled else { return (f0, g0) }
    guard g0.contains(where: { $0 != 0 }) else { stalled = true; return (f0, g0) }
    var d = direction(g0)
    var slope = dot(d, g0)
    if !(slope < 0) {  // not a descent direction (numerical trouble): restart from steepest descent
      sHistory = []; yHistory = []
      d = g0.map { -$0 }
      slope = dot(d, g0)
    }
    // First iteration: scale so the first trial step has unit length (as PyTorch does).
    let t0 = iterations == 1 ? Swift.min(1, 1 / g0.reduce(0) { $0 + Swift.abs(Double($1)) }) * learningRate : learningRate
    let (t, f1, g1) = lineSearch(x, f0, g0, d, slope, t0, evaluate)
    guard t > 0 else {
      stalled = true
      return (f0, g0)
    }
    var s = [S](repeating: 0, count: n), y = [S](repeating: 0, count: n)
    for i in 0..<n {
      s[i] = S(t) * d[i]
      x[i] += s[i]
      y[i] = g1[i] - g0[i]
    }
    if dot(y, s) > 1e-10 {
      if sHistory.count == historySize { sHistory.removeFirst(); yHistory.removeFirst() }
      sHistory.append(s)
      yHistory.append(y)
    }
    return (f1, g1)
  }

  /// −H·g by the two-loop recursion, with H₀ = (sᵀy / yᵀy)·I.
  @_specialize(where S == Float)
  @_specialize(where S == Double)
  func direction(_ g: [S]) -> [S] {
    var q = g.map { Double($0) }
    var alphas = [Double](repeating: 0, count: sHistory.count)
    for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
      let rho = 1 / dot(yHistory[i], sHistory[i])
      alphas[i] = rho * dot(sHistory[i], q)
      for j in q.indices { q[j] -= alphas[i] * Double(yHistory[i][j]) }
    }
    if let s = sHistory.last, let y = yHistory.last {
      let gamma = dot(s, y) / dot(y, y)
      for j in q.indices { q[j] *= gamma }
    }
    for i in sHistory.indices {
      let rho = 1 / dot(yHistory[i], sHistory[i])
      let beta = rho * dot(yHistory[i], q)
      for j in q.indices { q[j] += (alphas[i] - beta) * Double(sHistory[i][j]) }
    }
    return q.map { S(-$0) }
  }

  /// Strong-Wolfe line search (c₁ = 1e-4, c₂ = 0.9) with bracketing and zoom by safeguarded
  /// quadratic interpolation. Returns step 0 when no acceptable step is found.
  @_specialize(where S == Float)
  @_specialize(where S == Double)
  mutating func lineSearch(
    _ x: [S], _ f0: Double, _ g0: [S], _ d: [S], _ slope0: Double, _ t0: Double, _ evaluate: ([S]) -> (Double, [S])
  ) -> (Double, Double, [S]) {
    let c1 = 1e-4, c2 = 0.9, maxEvaluations = 25
    func at(_ t: Double) -> (Double, [S], Double) {
      evaluations += 1
      let (f, g) = evaluate(zip(x, d).map { $0 + S(t) * $1 })
      return (f, g, dot(g, d))
    }
    var (tPrev, fPrev, slopePrev) = (0.0, f0, slope0)
    var t = t0
    var best: (Double, Double, [S]) = (0, f0, g0)
    for count in 0..<maxEvaluations {
      let (f, g, slope) = at(t)
      if f.isFinite && f < best.1 { best = (t, f, g) }
      if !f.isFinite || f > f0 + c1 * t * slope0 || (count > 0 && f >= fPrev) {
        return zoom(lo: (tPrev, fPrev, slopePrev), hi: (t, f), f0, slope0, c1, c2, maxEvaluations - count - 1, at) ?? best
      }
      if Swift.abs(slope) <= -c2 * slope0 { return (t, f, g) }
      if slope >= 0 {
        return zoom(lo: (t, f, slope), hi: (tPrev, fPrev), f0, slope0, c1, c2, maxEvaluations - count - 1, at) ?? best
      }
      (tPrev, fPrev, slopePrev) = (t, f, slope)
      t *= 2
    }
    return best
  }

  private func zoom(
    lo: (Double, Double, Double), hi: (Double, Double), _ f0: Double, _ slope0: Double, _ c1: Double, _ c2: Double,
    _ budget: Int, _ at: (Double) -> (Double, [S], Double)
  ) -> (Double, Double, [S])? {
    var (tLo, fLo, sLo) = lo
    var (tHi, fHi) = hi
    var best: (Double, Double, [S])?
    for _ in 0..<Swift.max(budget, 0) {
      // Minimiser of the quadratic through (tLo, fLo, sLo) and (tHi, fHi), kept inside the bracket.
      let width = tHi - tLo
      let denom = 2 * (fHi - fLo - sLo * width)
      var t = denom > 0 ? tLo - sLo * width * width / denom : tLo + width / 2
      let (a, b) = (Swift.min(tLo, tHi), Swift.max(tLo, tHi))
      if !(t > a + 0.1 * (b - a) && t < b - 0.1 * (b - a)) { t = (tLo + tHi) / 2 }
      let (f, g, slope) = at(t)
      if f.isFinite, f < (best?.1 ?? fLo) { best = (t, f, g) }
      if !f.isFinite || f > f0 + c1 * t * slope0 || f >= fLo {
        (tHi, fHi) = (t, f)
      } else {
        if Swift.abs(slope) <= -c2 * slope0 { return (t, f, g) }
        if slope * (tHi - tLo) >= 0 { (tHi, fHi) = (tLo, fLo) }
        (tLo, fLo, sLo) = (t, f, slope)
      }
      if Swift.abs(tHi - tLo) < 1e-12 * Swift.max(1, Swift.abs(tLo)) { break }
    }
    return best.flatMap { $0.1 < f0 ? $0 : nil }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func dot<S: TensorScalar>(_ a: [S], _ b: [S]) -> Double {
  var s = 0.0
  for i in a.indices { s += Double(a[i]) * Double(b[i]) }
  return s
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func dot<S: TensorScalar>(_ a: [S], _ b: [Double]) -> Double {
  var s = 0.0
  for i in a.indices { s += Double(a[i]) * b[i] }
  return s
}
