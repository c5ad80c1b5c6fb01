/// Elementwise arithmetic on plain tensors (no graph), with NumPy broadcasting.
extension Tensor {
  /// `f` applied to every element.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func map(_ f: UnaryFunction) -> Tensor {
    Tensor(shape: shape) { out in
      scalars.withUnsafeBufferPointer { Scalar.unary(f, $0, out) }
    }
  }

  /// `f(self, other)` elementwise, broadcasting both to a common shape.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func combined(with other: Tensor, _ f: BinaryFunction) -> Tensor {
    guard let outShape = broadcastShapes(shape, other.shape) else {
      preconditionFailure("shapes \(shape) and \(other.shape) do not broadcast")
    }
    return Tensor(shape: outShape) { out in
      scalars.withUnsafeBufferPointer { a in
        other.scalars.withUnsafeBufferPointer { b in
          Scalar.binary(f, a, shape, b, other.shape, out, outShape)
        }
      }
    }
  }

  public static func + (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .add) }
  public static func - (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .subtract) }
  public static func * (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .multiply) }
  public static func / (a: Tensor, b: Tensor) -> Tensor { a.combined(with: b, .divide) }
  public static prefix func - (a: Tensor) -> Tensor { a.map(.negate) }
  public static func * (a: Tensor, c: Scalar) -> Tensor { a.map(.scale(Double(c))) }
  public static func * (c: Scalar, a: Tensor) -> Tensor { a.map(.scale(Double(c))) }
  public static func + (a: Tensor, c: Scalar) -> Tensor { a.map(.shift(Double(c))) }
  public static func - (a: Tensor, c: Scalar) -> Tensor { a.map(.shift(-Double(c))) }

  /// `a ⊙ b ⊙ (α + β·c)` elementwise, each operand's shape a suffix of the longest one (which is
  /// the result's): operands are repeated along the leading dimensions they lack.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func productAffine(_ a: Tensor, _ b: Tensor, _ c: Tensor, alpha: Scalar, beta: Scalar) -> Tensor {
    let shape = [a.shape, b.shape, c.shape].max { $0.count < $1.count }!
    for s in [a.shape, b.shape, c.shape] {
      precondition(Array(shape.suffix(s.count)) == s, "productAffine: shape \(s) is not a suffix of \(shape)")
    }
    return Tensor(shape: shape) { out in
      a.scalars.withUnsafeBufferPointer { x in
        b.scalars.withUnsafeBufferPointer { y in
          c.scalars.withUnsafeBufferPointer { z in Scalar.productAffine(x, y, z, alpha: alpha, beta: beta, out) }
        }
      }
    }
  }

  /// `self + alpha·other` for tensors of the same shape (the workhorse of optimisers).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func adding(_ other: Tensor, scaledBy alpha: Scalar) -> Tensor {
    precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
    var out = self
    out.scalars.withUnsafeMutableBufferPointer { o in
      other.scalars.withUnsafeBufferPointer { x in
        for i in 0..<o.count { o[i] += alpha * x[i] }
      }
    }
    return out
  }
}
