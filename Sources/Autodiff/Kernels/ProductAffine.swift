extension TensorScalar {
  /// `out[i] = a[i mod |a|] · b[i mod |b|] · (α + β·c[i mod |c|])`: three operands repeated
  /// along leading dimensions to the length of `out` (each length divides `out.count`, and the
  /// shortest divides the others). One pass for the derivatives of sigmoid-like functions.
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  public static func productAffine(
    _ a: UnsafeBufferPointer<Self>, _ b: UnsafeBufferPointer<Self>, _ c: UnsafeBufferPointer<Self>,
    alpha: Self, beta: Self, _ out: UnsafeMutableBufferPointer<Self>
  ) {
    let n = out.count
    guard n > 0, let ap = a.baseAddress, let bp = b.baseAddress, let cp = c.baseAddress, let op = out.baseAddress else { return }
    let period = Swift.min(a.count, b.count, c.count)
    precondition(period > 0 && n % a.count == 0 && n % b.count == 0 && n % c.count == 0
                   && a.count % period == 0 && b.count % period == 0 && c.count % period == 0,
                 "productAffine: operands of \(a.count), \(b.count), \(c.count) values for \(n)")
    let blocks = n / period
    Parallel.forEachChunk(blocks, costPerItem: period, threshold: Elementwise.parallelThreshold) { range in
      for block in range {
        let start = block * period
        let x = ap + start % a.count, y = bp + start % b.count, z = cp + start % c.count, o = op + start
        for i in 0..<period { o[i] = x[i] * y[i] * (alpha + beta * z[i]) }
      }
    }
  }
}
