/// Broadcasting arithmetic between variables, and with constants.
extension Variable {
  public static func + (a: Variable, b: Variable) -> Variable {
    record("add", a.value + b.value, inputs: [a, b]) { c in
      [c.needsGradient[0] ? c.gradient.unbroadcast(to: c.inputs[0].shape, outputRank: c.output.rank) : nil,
       c.needsGradient[1] ? c.gradient.unbroadcast(to: c.inputs[1].shape, outputRank: c.output.rank) : nil]
    }
  }

  public static func - (a: Variable, b: Variable) -> Variable {
    record("subtract", a.value - b.value, inputs: [a, b]) { c in
      [c.needsGradient[0] ? c.gradient.unbroadcast(to: c.inputs[0].shape, outputRank: c.output.rank) : nil,
       c.needsGradient[1] ? (-c.gradient).unbroadcast(to: c.inputs[1].shape, outputRank: c.output.rank) : nil]
    }
  }

  public static func * (a: Variable, b: Variable) -> Variable {
    record("multiply", a.value * b.value, inputs: [a, b]) { c in
      let (x, y, g) = (c.inputs[0], c.inputs[1], c.gradient)
      return [c.needsGradient[0] ? (g * y).unbroadcast(to: x.shape, outputRank: c.output.rank) : nil,
              c.needsGradient[1] ? (g * x).unbroadcast(to: y.shape, outputRank: c.output.rank) : nil]
    }
  }

  public static func / (a: Variable, b: Variable) -> Variable {
    record("divide", a.value / b.value, inputs: [a, b]) { c in
      let (x, y, g, q) = (c.inputs[0], c.inputs[1], c.gradient, c.output)
      // d(x/y)/dx = 1/y, d(x/y)/dy = −(x/y)/y
      return [c.needsGradient[0] ? (g / y).unbroadcast(to: x.shape, outputRank: q.rank) : nil,
              c.needsGradient[1] ? (-(g * q) / y).unbroadcast(to: y.shape, outputRank: q.rank) : nil]
    }
  }

  public static prefix func - (a: Variable) -> Variable {
    record("negate", -a.value, inputs: [a]) { c in [-c.gradient] }
  }

  /// `c·a`
  public static func * (a: Variable, c: Scalar) -> Variable {
    record("scale", a.value * c, inputs: [a]) { ctx in [ctx.gradient * c] }
  }

  public static func * (c: Scalar, a: Variable) -> Variable { a * c }
  public static func / (a: Variable, c: Scalar) -> Variable { a * (1 / c) }

  /// `a + c`
  public static func + (a: Variable, c: Scalar) -> Variable {
    record("shift", a.value + c, inputs: [a]) { ctx in [ctx.gradient] }
  }

  public static func + (c: Scalar, a: Variable) -> Variable { a + c }
  public static func - (a: Variable, c: Scalar) -> Variable { a + (-c) }
  public static func - (c: Scalar, a: Variable) -> Variable { (-a) + c }

  /// Sums a cotangent that carries `batchShape + outputShape` down to `batchShape + inputShape`,
  /// undoing the broadcast of an input of shape `inputShape` to an output of rank `outputRank`.
  public func unbroadcast(to inputShape: [Int], outputRank: Int) -> Variable {
    let batch = Array(shape.prefix(rank - outputRank))
    if Array(shape.suffix(outputRank)) == inputShape { return self }
    let padded = batch + [Int](repeating: 1, count: outputRank - inputShape.count) + inputShape
    return summed(toShape: padded).reshaped(batch + inputShape)
  }
}
