/// Broadcasting arithmetic between variables, and with constants.
extension Variable {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func + (a: Variable, b: Variable) -> Variable {
    record("add", inputs: [a, b], forward: { $0[0] + $0[1] }) { c in
      [c.needsGradient[0] ? c.gradient.unbroadcast(to: c.inputs[0].shape, outputRank: c.output.rank) : nil,
       c.needsGradient[1] ? c.gradient.unbroadcast(to: c.inputs[1].shape, outputRank: c.output.rank) : nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func - (a: Variable, b: Variable) -> Variable {
    record("subtract", inputs: [a, b], forward: { $0[0] - $0[1] }) { c in
      [c.needsGradient[0] ? c.gradient.unbroadcast(to: c.inputs[0].shape, outputRank: c.output.rank) : nil,
       c.needsGradient[1] ? (-c.gradient).unbroadcast(to: c.inputs[1].shape, outputRank: c.output.rank) : nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func * (a: Variable, b: Variable) -> Variable {
    record("multiply", inputs: [a, b], forward: { $0[0] * $0[1] }) { c in
      let (x, y, g) = (c.inputs[0], c.inputs[1], c.gradient)
      return [c.needsGradient[0] ? (g * y).unbroadcast(to: x.shape, outputRank: c.output.rank) : nil,
              c.needsGradient[1] ? (g * x).unbroadcast(to: y.shape, outputRank: c.output.rank) : nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func / (a: Variable, b: Variable) -> Variable {
    record("divide", inputs: [a, b], forward: { $0[0] / $0[1] }) { c in
      let (x, y, g, q) = (c.inputs[0], c.inputs[1], c.gradient, c.output)
      // d(x/y)/dx = 1/y, d(x/y)/dy = −(x/y)/y
      return [c.needsGradient[0] ? (g / y).unbroadcast(to: x.shape, outputRank: q.rank) : nil,
              c.needsGradient[1] ? (-(g * q) / y).unbroadcast(to: y.shape, outputRank: q.rank) : nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static prefix func - (a: Variable) -> Variable {
    record("negate", inputs: [a], forward: { -$0[0] }) { c in [-c.gradient] }
  }

  /// `c·a`
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func * (a: Variable, c: Scalar) -> Variable {
    record("scale", inputs: [a], forward: { $0[0] * c }) { ctx in [ctx.gradient * c] }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func * (c: Scalar, a: Variable) -> Variable { a * c }
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func / (a: Variable, c: Scalar) -> Variable { a * (1 / c) }

  /// `a + c`
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func + (a: Variable, c: Scalar) -> Variable {
    record("shift", inputs: [a], forward: { $0[0] + c }) { ctx in [ctx.gradient] }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func + (c: Scalar, a: Variable) -> Variable { a + c }
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func - (a: Variable, c: Scalar) -> Variable { a + (-c) }
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func - (c: Scalar, a: Variable) -> Variable { (-a) + c }

  /// Sums a cotangent that carries `batchShape + outputShape` down to `batchShape + inputShape`,
  /// undoing the broadcast of an input of shape `inputShape` to an output of rank `outputRank`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func unbroadcast(to inputShape: [Int], outputRank: Int) -> Variable {
    let batch = Array(shape.prefix(rank - outputRank))
    if Array(shape.suffix(outputRank)) == inputShape { return self }
    let padded = batch + [Int](repeating: 1, count: outputRank - inputShape.count) + inputShape
    return summed(toShape: padded).reshaped(batch + inputShape)
  }
}
