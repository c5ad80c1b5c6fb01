import RealModule

/// Built-in elementwise functions of one tensor. Parameterised cases carry their constant.
public enum UnaryFunction: Sendable, Equatable {
  case negate, exp, log, sqrt, abs, sign, sigmoid, tanh, square, reciprocal
  /// max(x, 0)
  case relu
  /// 1 where x > 0, else 0 (the derivative of relu, used as a constant mask)
  case step
  /// x where x > 0, else slope·x
  case leakyRelu(slope: Double)
  /// 1 where x > 0, else slope (the derivative of leaky relu)
  case leakyStep(slope: Double)
  /// c·x
  case scale(Double)
  /// x + c
  case shift(Double)
  /// x^p
  case power(Double)
  /// 1 where x > c, else 0
  case greater(than: Double)
  /// log(1 + eˣ), computed without overflow
  case softplus
  /// x where x > 0, else α·(eˣ − 1)
  case elu(alpha: Double)
}

/// Sizes for the elementwise kernels.
enum Elementwise {
  /// Output elements above which a broadcast binary op is split across the cores.
  static let parallelThreshold = 1 << 16
  /// Fewest elements per piece when single rows are split.
  static let smallestPiece = 1 << 14
}

/// Built-in elementwise functions of two broadcast tensors.
public enum BinaryFunction: Sendable, Equatable {
  case add, subtract, multiply, divide, maximum, minimum
  /// 1 where a == b, else 0 (mask of maxima, used by reductions with max)
  case equal
}

extension TensorScalar {
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func unary(_ f: UnaryFunction, _ x: UnsafeBufferPointer<Self>, _ y: UnsafeMutableBufferPointer<Self>) {
    precondition(x.count == y.count)
    let n = x.count
    guard n > 0, let xp = x.baseAddress, let yp = y.baseAddress else { return }
    // Large tensors in pieces across the cores.
    let pieces = max(1, n / Elementwise.smallestPiece)
    Parallel.forEachChunk(pieces, costPerItem: n / pieces, threshold: Elementwise.parallelThreshold) { range in
      let lo = n * range.lowerBound / pieces, hi = n * range.upperBound / pieces
      unaryRun(f, xp + lo, yp + lo, hi - lo)
    }
  }

  /// `y[i] = f(x[i])` for `i < n`, on the calling thread.
  @inline(__always)
  fileprivate static func unaryRun(
    _ f: UnaryFunction, _ xp: UnsafePointer<Self>, _ yp: UnsafeMutablePointer<Self>, _ n: Int
  ) {
    switch f {
    case .negate: for i in 0..<n { yp[i] = -xp[i] }
    case .exp: for i in 0..<n { yp[i] = Self.exp(xp[i]) }
    case .log: for i in 0..<n { yp[i] = Self.log(xp[i]) }
    case .sqrt: for i in 0..<n { yp[i] = xp[i].squareRoot() }
    case .abs: for i in 0..<n { yp[i] = Swift.abs(xp[i]) }
    case .sign: for i in 0..<n { yp[i] = xp[i] > 0 ? 1 : (xp[i] < 0 ? -1 : 0) }
    case .sigmoid:
      if Self.self == Float.self {
        VectorExponential.sigmoid(UnsafeRawPointer(xp).assumingMemoryBound(to: Float.self),
                                  UnsafeMutableRawPointer(yp).assumingMemoryBound(to: Float.self), n)
        return
      }
      for i in 0..<n {
        let v = xp[i]
        // Written so that neither branch overflows exp.
        if v >= 0 { yp[i] = 1 / (1 + Self.exp(-v)) } else { let e = Self.exp(v); yp[i] = e / (1 + e) }
      }
    case .tanh: for i in 0..<n { yp[i] = Self.tanh(xp[i]) }
    case .square: for i in 0..<n { yp[i] = xp[i] * xp[i] }
    case .reciprocal: for i in 0..<n { yp[i] = 1 / xp[i] }
    case .relu: for i in 0..<n { yp[i] = xp[i] > 0 ? xp[i] : 0 }
    case .step: for i in 0..<n { yp[i] = xp[i] > 0 ? 1 : 0 }
    case .leakyRelu(let s):
      let c = Self(s)
      for i in 0..<n { yp[i] = xp[i] > 0 ? xp[i] : c * xp[i] }
    case .leakyStep(let s):
      let c = Self(s)
      for i in 0..<n { yp[i] = xp[i] > 0 ? 1 : c }
    case .scale(let s):
      let c = Self(s)
      for i in 0..<n { yp[i] = c * xp[i] }
    case .shift(let s):
      let c = Self(s)
      for i in 0..<n { yp[i] = xp[i] + c }
    case .power(let p):
      let c = Self(p)
      if p == 2 { for i in 0..<n { yp[i] = xp[i] * xp[i] } }
      else if p == 1 { for i in 0..<n { yp[i] = xp[i] } }
      else if p == 0.5 { for i in 0..<n { yp[i] = xp[i].squareRoot() } }
      else if p == -1 { for i in 0..<n { yp[i] = 1 / xp[i] } }
      else { for i in 0..<n { yp[i] = Self.pow(xp[i], c) } }
    case .greater(let t):
      let c = Self(t)
      for i in 0..<n { yp[i] = xp[i] > c ? 1 : 0 }
    case .softplus:
      // max(x, 0) + log(1 + e^(−|x|)): no overflow, and exact to rounding for large |x|.
      for i in 0..<n {
        let v = xp[i]
        yp[i] = Swift.max(v, 0) + Self.log(onePlus: Self.exp(-Swift.abs(v)))
      }
    case .elu(let a):
      let c = Self(a)
      for i in 0..<n { yp[i] = xp[i] > 0 ? xp[i] : c * Self.expMinusOne(xp[i]) }
    }
  }

  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func binary(
    _ f: BinaryFunction, _ a: UnsafeBufferPointer<Self>, _ aShape: [Int],
    _ b: UnsafeBufferPointer<Self>, _ bShape: [Int],
    _ out: UnsafeMutableBufferPointer<Self>, _ outShape: [Int]
  ) {
    guard let ap = a.baseAddress, let bp = b.baseAddress, let op = out.baseAddress, out.count > 0 else { return }
    let plan = BroadcastPlan(aShape, bShape, outShape)
    let inner = plan.innerCount, sa = plan.innerStrideA, sb = plan.innerStrideB
    // Large outputs are split across the cores: by rows, or when there are few rows (same-shape
    // operands make one), by pieces of rows.
    let rowCount = plan.rowCount
    let pieces = rowCount >= 2 * Parallel.coreCount ? 1 : max(1, inner / Elementwise.smallestPiece)
    let units = rowCount * pieces
    Parallel.forEachChunk(units, costPerItem: inner / pieces, threshold: Elementwise.parallelThreshold) { units in
      let rows = units.lowerBound / pieces..<((units.upperBound - 1) / pieces + 1)
      plan.forEachRow(rows) { aOff, bOff, oOff in
        let first = oOff / inner * pieces
        let lo = inner * (max(units.lowerBound, first) - first) / pieces
        let hi = inner * (min(units.upperBound, first + pieces) - first) / pieces
        let n = hi - lo, x = ap + aOff + lo * sa, y = bp + bOff + lo * sb, o = op + oOff + lo
        switch f {
        case .add: binaryRow(n, x, sa, y, sb, o) { $0 + $1 }
        case .subtract: binaryRow(n, x, sa, y, sb, o) { $0 - $1 }
        case .multiply: binaryRow(n, x, sa, y, sb, o) { $0 * $1 }
        case .divide: binaryRow(n, x, sa, y, sb, o) { $0 / $1 }
        case .maximum: binaryRow(n, x, sa, y, sb, o) { $0 > $1 ? $0 : $1 }
        case .minimum: binaryRow(n, x, sa, y, sb, o) { $0 < $1 ? $0 : $1 }
        case .equal: binaryRow(n, x, sa, y, sb, o) { $0 == $1 ? 1 : 0 }
        }
      }
    }
  }
}

/// One contiguous run of a broadcast binary op, with the stride patterns split out so that each
/// loop is a plain vectorisable loop.
@inline(__always)
@usableFromInline
func binaryRow<T>(
  _ n: Int, _ a: UnsafePointer<T>, _ sa: Int, _ b: UnsafePointer<T>, _ sb: Int,
  _ o: UnsafeMutablePointer<T>, _ f: (T, T) -> T
) {
  if sa == 1 && sb == 1 { for i in 0..<n { o[i] = f(a[i], b[i]) } }
  else if sa == 1 { let s = b[0]; for i in 0..<n { o[i] = f(a[i], s) } }
  else if sb == 1 { let s = a[0]; for i in 0..<n { o[i] = f(s, b[i]) } }
  else { let v = f(a[0], b[0]); for i in 0..<n { o[i] = v } }
}

/// Iteration plan for a broadcast op: the output is walked row by row over its innermost run of
/// dimensions that both operands traverse with one uniform stride (1 or 0).
@usableFromInline
struct BroadcastPlan {
  @usableFromInline var outer: [(extent: Int, strideA: Int, strideB: Int)] = []
  @usableFromInline var innerCount = 1
  @usableFromInline var innerStrideA = 1
  @usableFromInline var innerStrideB = 1

  @usableFromInline
  init(_ aShape: [Int], _ bShape: [Int], _ outShape: [Int]) {
    // Same shapes (the common case in a backward pass): one run, and no arrays to build.
    if aShape == bShape && aShape == outShape {
      innerCount = outShape.elementCount
      return
    }
    // Dimensions from innermost outwards, merging neighbours that stay uniform. An operand's
    // stride is 0 where it is broadcast (extent 1, or missing on the left).
    let rank = outShape.count
    var dims: [(extent: Int, strideA: Int, strideB: Int)] = []
    var (runA, runB) = (1, 1)
    for i in stride(from: rank - 1, through: 0, by: -1) {
      let ea = i - (rank - aShape.count) >= 0 ? aShape[i - (rank - aShape.count)] : 1
      let eb = i - (rank - bShape.count) >= 0 ? bShape[i - (rank - bShape.count)] : 1
      let d = (extent: outShape[i], strideA: ea == 1 ? 0 : runA, strideB: eb == 1 ? 0 : runB)
      runA *= ea
      runB *= eb
      if outShape[i] == 1 { continue }
      if let last = dims.last,
         d.strideA == last.strideA * last.extent, d.strideB == last.strideB * last.extent {
        dims[dims.count - 1] = (last.extent * d.extent, last.strideA, last.strideB)
      } else {
        dims.append(d)
      }
    }
    if let first = dims.first, first.strideA <= 1, first.strideB <= 1 {
      innerCount = first.extent
      innerStrideA = first.strideA
      innerStrideB = first.strideB
      outer = Array(dims.dropFirst())
    } else {
      innerCount = 1
      outer = dims
    }
  }

  /// Number of inner runs.
  @usableFromInline var rowCount: Int { outer.reduce(1) { $0 * $1.extent } }

  /// Calls `body(offsetA, offsetB, offsetOut)` for the start of every inner run.
  @inline(__always) @usableFromInline
  func forEachRow(_ body: (Int, Int, Int) -> Void) {
    forEachRow(0..<rowCount, body)
  }

  /// Calls `body(offsetA, offsetB, offsetOut)` for the start of inner runs `rows`.
  @inline(__always) @usableFromInline
  func forEachRow(_ rows: Range<Int>, _ body: (Int, Int, Int) -> Void) {
    if rows.isEmpty { return }
    if outer.isEmpty {
      body(0, 0, 0)
      return
    }
    // The odometer at the first row (innermost outer dimension first).
    var index = [Int](repeating: 0, count: outer.count)
    var offA = 0, offB = 0, rest = rows.lowerBound
    for d in 0..<outer.count {
      let (q, r) = rest.quotientAndRemainder(dividingBy: outer[d].extent)
      index[d] = r
      offA += r * outer[d].strideA
      offB += r * outer[d].strideB
      rest = q
    }
    for r in rows {
      body(offA, offB, r * innerCount)
      // Advance the odometer (innermost outer dimension first).
      var d = 0
      while d < outer.count {
        index[d] += 1
        offA += outer[d].strideA
        offB += outer[d].strideB
        if index[d] < outer[d].extent { break }
        offA -= outer[d].strideA * outer[d].extent
        offB -= outer[d].strideB * outer[d].extent
        index[d] = 0
        d += 1
      }
    }
  }
}
