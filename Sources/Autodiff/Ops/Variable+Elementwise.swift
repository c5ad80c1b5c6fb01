import RealModule

/// Differentiable elementwise functions. Each derivative is written with differentiable ops, and
/// masks (derivatives of piecewise-linear functions) enter as values without a gradient.
extension Variable {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func exp() -> Variable {
    Variable.record("exp", inputs: [self], forward: { $0[0].map(.exp) }) { c in [c.gradient * c.output] }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func log() -> Variable {
    Variable.record("log", inputs: [self], forward: { $0[0].map(.log) }) { c in [c.gradient / c.inputs[0]] }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sqrt() -> Variable {
    Variable.record("sqrt", inputs: [self], forward: { $0[0].map(.sqrt) }) { c in [c.gradient / (c.output * 2)] }
  }

  /// `x^p` for a constant exponent.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func pow(_ p: Scalar) -> Variable {
    Variable.record("pow", inputs: [self], forward: { $0[0].map(.power(Double(p))) }) { c in
      [c.gradient * (c.inputs[0].pow(p - 1) * p)]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func square() -> Variable {
    Variable.record("square", inputs: [self], forward: { $0[0].map(.square) }) { c in [c.gradient * (c.inputs[0] * 2)] }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func abs() -> Variable {
    Variable.record("abs", inputs: [self], forward: { $0[0].map(.abs) }) { c in
      [c.gradient * c.inputs[0].withoutGradient { $0.map(.sign) }]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sigmoid() -> Variable {
    Variable.record("sigmoid", inputs: [self], forward: { $0[0].map(.sigmoid) }) { c in
      [Variable.productAffine(c.gradient, c.output, c.output, alpha: 1, beta: -1)]
    }
  }

  /// `a ⊙ b ⊙ (α + β·c)` in one pass, each operand's shape a suffix of the result's (a batch of
  /// cotangents times one activation): the derivative of sigmoid is `productAffine(g, y, y, 1, −1)`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func productAffine(_ a: Variable, _ b: Variable, _ c: Variable, alpha: Scalar, beta: Scalar) -> Variable {
    record("productAffine", inputs: [a, b, c], forward: { Tensor.productAffine($0[0], $0[1], $0[2], alpha: alpha, beta: beta) }) { ctx in
      let (x, y, z, g, r) = (ctx.inputs[0], ctx.inputs[1], ctx.inputs[2], ctx.gradient, ctx.output.rank)
      // b and c the same variable (y ⊙ (α + β·y)): one cotangent, α + 2β·y.
      let same = y === z
      return [
        ctx.needsGradient[0] ? productAffine(g, y, z, alpha: alpha, beta: beta).unbroadcast(to: x.shape, outputRank: r) : nil,
        ctx.needsGradient[1]
          ? productAffine(g, x, z, alpha: alpha, beta: same ? 2 * beta : beta).unbroadcast(to: y.shape, outputRank: r) : nil,
        ctx.needsGradient[2] && !same ? productAffine(g, x, y, alpha: 0, beta: beta).unbroadcast(to: z.shape, outputRank: r) : nil,
      ]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func tanh() -> Variable {
    Variable.record("tanh", inputs: [self], forward: { $0[0].map(.tanh) }) { c in
      [c.gradient * (1 - c.output.square())]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func relu() -> Variable {
    Variable.record("relu", inputs: [self], forward: { $0[0].map(.relu) }) { c in
      [c.gradient * c.inputs[0].withoutGradient { $0.map(.step) }]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func leakyRelu(slope: Scalar = 0.01) -> Variable {
    Variable.record("leakyRelu", inputs: [self], forward: { $0[0].map(.leakyRelu(slope: Double(slope))) }) { c in
      [c.gradient * c.inputs[0].withoutGradient { $0.map(.leakyStep(slope: Double(slope))) }]
    }
  }

  /// `log(1 + eˣ)` (PyTorch's `softplus` with β = 1); its derivative is the sigmoid.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func softplus() -> Variable {
    Variable.record("softplus", inputs: [self], forward: { $0[0].map(.softplus) }) { c in [c.gradient * c.inputs[0].sigmoid()] }
  }

  /// `x` where x > 0, else `α·(eˣ − 1)`; the derivative is 1, else `α·eˣ` (a differentiable term,
  /// so second derivatives flow).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func elu(alpha: Scalar = 1) -> Variable {
    Variable.record("elu", inputs: [self], forward: { $0[0].map(.elu(alpha: Double(alpha))) }) { c in
      let x = c.inputs[0]
      let positive = x.withoutGradient { $0.map(.step) }
      let negative = x.withoutGradient { $0.map(.step).map(.negate).map(.shift(1)) }
      return [c.gradient * (positive + negative * (x.exp() * alpha))]
    }
  }
}
