/// Sums over axes, on plain tensors.
extension Tensor {
  /// The sum over `axes` (negative axes count from the end). With `keepDims` the reduced axes stay
  /// as extent 1.
  public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
    let reduced = Set(axes.map { normalizedAxis($0, rank: rank) })
    let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
    let result = summed(toShape: kept)
    return keepDims ? result : result.reshaped(shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
  }

  /// Sums the dimensions that broadcasting would expand from `target` to this tensor's shape,
  /// returning a tensor of shape `target` (the adjoint of broadcasting).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func summed(toShape target: [Int]) -> Tensor {
    if target == shape { return self }
    precondition(broadcastShapes(target, shape) == shape, "cannot sum shape \(shape) down to \(target)")
    let padded = [Int](repeating: 1, count: rank - target.count) + target
    var out = Tensor(zeros: target)
    out.scalars.withUnsafeMutableBufferPointer { o in
      scalars.withUnsafeBufferPointer { x in
        guard let op = o.baseAddress, let xp = x.baseAddress else { return }
        let plan = BroadcastPlan(shape, padded, shape)
        let n = plan.innerCount, so = plan.innerStrideB
        plan.forEachRow { xOff, oOff, _ in
          let src = xp + xOff, dst = op + oOff
          if so == 1 {
            for i in 0..<n { dst[i] += src[i] }
          } else {
            dst[0] += Scalar.sum(src, n)
          }
        }
      }
    }
    return out
  }

  /// A copy broadcast to `target` (NumPy rules).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func broadcast(to target: [Int]) -> Tensor {
    if target == shape { return self }
    precondition(broadcastShapes(shape, target) == target, "cannot broadcast shape \(shape) to \(target)")
    return Tensor(shape: target) { out in
      guard let op = out.baseAddress else { return }
      scalars.withUnsafeBufferPointer { x in
        guard let xp = x.baseAddress else { return }
        let plan = BroadcastPlan(shape, target, target)
        let n = plan.innerCount, sx = plan.innerStrideA
        plan.forEachRow { xOff, _, oOff in
          let src = xp + xOff, dst = op + oOff
          if sx == 1 { for i in 0..<n { dst[i] = src[i] } } else { let v = src[0]; for i in 0..<n { dst[i] = v } }
        }
      }
    }
  }
}

extension Tensor {
  /// The largest element along `axis` (not differentiable; used to stabilise log-sum-exp).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func max(axis: Int, keepDims: Bool = false) -> Tensor {
    let a = normalizedAxis(axis, rank: rank)
    let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
    var kept = shape
    kept[a] = 1
    let result = Tensor(shape: kept) { out in
      scalars.withUnsafeBufferPointer { x in
        for o in 0..<outer {
          for i in 0..<inner {
            var m = -Scalar.infinity
            for j in 0..<n { m = Swift.max(m, x[(o * n + j) * inner + i]) }
            out[o * inner + i] = m
          }
        }
      }
    }
    return keepDims ? result : result.reshaped(shape.enumerated().filter { $0.offset != a }.map(\.element))
  }
}

extension TensorScalar {
  /// The sum of `n` values, in vector-wide partial sums (a plain loop chains every addition
  /// through one register, four cycles each).
  @inline(__always)
  static func sum(_ p: UnsafePointer<Self>, _ n: Int) -> Self {
    let w = HalfVector.scalarCount
    var partial = HalfVector()
    var i = 0
    while i + w <= n {
      partial += UnsafeRawPointer(p + i).loadUnaligned(as: HalfVector.self)
      i += w
    }
    var total = partial.sum()
    while i < n {
      total += p[i]
      i += 1
    }
    return total
  }
}
