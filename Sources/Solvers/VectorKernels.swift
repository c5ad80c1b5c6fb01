/// The level-1 kernels the solvers share: dot products and updates on contiguous Float64 data,
/// written with 8-wide SIMD (one AVX-512 register) and several accumulators so that reductions
/// vectorise (the compiler may not reassociate a scalar floating-point sum by itself).
enum VectorKernels {
  typealias Vector = SIMD8<Double>

  @inline(__always)
  static func load(_ p: UnsafePointer<Double>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }

  /// `Σ a[i]·b[i]` over `count` elements.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
    var i = 0
    while i + 32 <= count {
      s0 = s0.addingProduct(load(a + i), load(b + i))
      s1 = s1.addingProduct(load(a + i + 8), load(b + i + 8))
      s2 = s2.addingProduct(load(a + i + 16), load(b + i + 16))
      s3 = s3.addingProduct(load(a + i + 24), load(b + i + 24))
      i += 32
    }
    while i + 8 <= count {
      s0 = s0.addingProduct(load(a + i), load(b + i))
      i += 8
    }
    var s = ((s0 + s1) + (s2 + s3)).sum()
    while i < count {
      s += a[i] * b[i]
      i += 1
    }
    return s
  }

  /// `y[i] += alpha·x[i]` over `count` elements.
  @inline(__always)
  static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
    let a = Vector(repeating: alpha)
    var i = 0
    while i + 8 <= count {
      store(load(y + i).addingProduct(a, load(x + i)), y + i)
      i += 8
    }
    while i < count {
      y[i] += alpha * x[i]
      i += 1
    }
  }

  /// `x[i] *= alpha` over `count` elements.
  @inline(__always)
  static func scale(_ alpha: Double, _ x: UnsafeMutablePointer<Double>, count: Int) {
    let a = Vector(repeating: alpha)
    var i = 0
    while i + 8 <= count {
      store(load(x + i) * a, x + i)
      i += 8
    }
    while i < count {
      x[i] *= alpha
      i += 1
    }
  }
}

/// The power of two that brings `largest` (> 0, finite) into [1, 2): scaling by it is exact, and it
/// protects the solvers' intermediate quantities from overflow and underflow. (Clamped to the
/// normal exponent range, so for subnormal or near-overflow input it only gets close.)
func powerOfTwoScale(for largest: Double) -> Double {
  Double(sign: .plus, exponent: -min(max(largest.exponent, -1022), 1022), significand: 1)
}

// MARK: - The same on whole arrays, for the iterative solvers

/// `⟨a, b⟩` of two arrays of equal length.
func dot(_ a: [Double], _ b: [Double]) -> Double {
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
      return VectorKernels.dot(pa, pb, count: min(a.count, b.count))
    }
  }
}

/// Euclidean norm, without overflow or underflow for any finite vector.
func norm(_ a: [Double]) -> Double {
  let s = dot(a, a)
  if s.isNormal && s < 0x1p1000 { return s.squareRoot() }
  let largest = a.reduce(0) { max($0, abs($1)) }
  guard largest > 0, largest.isFinite else { return largest }
  let scaled = a.map { $0 / largest }
  return largest * dot(scaled, scaled).squareRoot()
}

/// `y += alpha·x` for arrays of equal length.
func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
  x.withUnsafeBufferPointer { x in
    y.withUnsafeMutableBufferPointer { y in
      guard let px = x.baseAddress, let py = y.baseAddress else { return }
      VectorKernels.axpy(alpha, px, py, count: min(x.count, y.count))
    }
  }
}

/// `x *= alpha`.
func scale(_ alpha: Double, _ x: inout [Double]) {
  x.withUnsafeMutableBufferPointer { x in
    guard let px = x.baseAddress else { return }
    VectorKernels.scale(alpha, px, count: x.count)
  }
}
