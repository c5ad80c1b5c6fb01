import RealModule

/// Differentiable elementwise functions. Each derivative is written with differentiable ops, and
/// masks (derivatives of piecewise-linear functions) enter as constants.
extension Variable {
  public func exp() -> Variable {
    Variable.record("exp", value.map(.exp), inputs: [self]) { c in [c.gradient * c.output] }
  }

  public func log() -> Variable {
    Variable.record("log", value.map(.log), inputs: [self]) { c in [c.gradient / c.inputs[0]] }
  }

  public func sqrt() -> Variable {
    Variable.record("sqrt", value.map(.sqrt), inputs: [self]) { c in [c.gradient / (c.output * 2)] }
  }

  /// `x^p` for a constant exponent.
  public func pow(_ p: Scalar) -> Variable {
    Variable.record("pow", value.map(.power(Double(p))), inputs: [self]) { c in
      [c.gradient * (c.inputs[0].pow(p - 1) * p)]
    }
  }

  public func square() -> Variable {
    Variable.record("square", value.map(.square), inputs: [self]) { c in [c.gradient * (c.inputs[0] * 2)] }
  }

  public func abs() -> Variable {
    Variable.record("abs", value.map(.abs), inputs: [self]) { c in
      [c.gradient * Variable(c.inputs[0].value.map(.sign))]
    }
  }

  public func sigmoid() -> Variable {
    Variable.record("sigmoid", value.map(.sigmoid), inputs: [self]) { c in
      let y = c.output
      return [c.gradient * (y * (1 - y))]
    }
  }

  public func tanh() -> Variable {
    Variable.record("tanh", value.map(.tanh), inputs: [self]) { c in
      [c.gradient * (1 - c.output.square())]
    }
  }

  public func relu() -> Variable {
    Variable.record("relu", value.map(.relu), inputs: [self]) { c in
      [c.gradient * Variable(c.inputs[0].value.map(.step))]
    }
  }

  public func leakyRelu(slope: Scalar = 0.01) -> Variable {
    Variable.record("leakyRelu", value.map(.leakyRelu(slope: Double(slope))), inputs: [self]) { c in
      [c.gradient * Variable(c.inputs[0].value.map(.leakyStep(slope: Double(slope))))]
    }
  }

  /// `log(1 + eˣ)` (PyTorch's `softplus` with β = 1); its derivative is the sigmoid.
  public func softplus() -> Variable {
    Variable.record("softplus", value.map(.softplus), inputs: [self]) { c in [c.gradient * c.inputs[0].sigmoid()] }
  }

  /// `x` where x > 0, else `α·(eˣ − 1)`; the derivative is 1, else `α·eˣ` (a differentiable term,
  /// so second derivatives flow).
  public func elu(alpha: Scalar = 1) -> Variable {
    Variable.record("elu", value.map(.elu(alpha: Double(alpha))), inputs: [self]) { c in
      let x = c.inputs[0]
      let positive = x.value.map(.step)
      let negative = positive.map(.negate).map(.shift(1))
      return [c.gradient * (Variable(positive) + Variable(negative) * (x.exp() * alpha))]
    }
  }
}
