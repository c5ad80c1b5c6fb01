/// Differentiable pooling over the last two dimensions. Max pooling routes gradients through the
/// argmax positions (a scatter, whose adjoint is a gather and vice versa). The scatter and gather
/// nodes take the pooled input as a second input without a gradient, so that a ``Program``
/// replaying them finds the argmax positions of the input it replays with.
extension Variable {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func maxPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    let (y, argmax) = value.maxPool2d(kernel: kernel, window: window)
    let pooling = MaxPooling(geometry: value.poolGeometry(kernel: kernel, window: window), kernel: kernel, window: window)
    return Variable.record("maxPool2d", y, inputs: [self], forward: { $0[0].maxPool2d(kernel: kernel, window: window).output }) { c in
      [c.gradient.maxPool2dScatter(pooling, argmax: argmax, source: c.inputs[0])]
    }
  }

  /// `maxPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))`
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func maxPool2d(_ k: Int, stride: Int? = nil, padding: Int = 0) -> Variable {
    maxPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))
  }

  /// `self` scattered to the argmax positions of max pooling `source`; `argmax` are those of
  /// `source`'s value.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func maxPool2dScatter(_ pooling: MaxPooling, argmax: [Int32], source: Variable) -> Variable {
    Variable.record(
      "maxPool2dScatter", value.maxPool2dScatter(pooling.geometry, argmax: argmax), inputs: [self, source],
      forward: { $0[0].maxPool2dScatter(pooling.geometry, argmax: pooling.argmax(of: $0[1])) }
    ) { c in
      [c.gradient.maxPool2dGather(pooling, argmax: argmax, source: c.inputs[1]), nil]
    }
  }

  /// The values of `self` at the argmax positions of max pooling `source`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func maxPool2dGather(_ pooling: MaxPooling, argmax: [Int32], source: Variable) -> Variable {
    Variable.record(
      "maxPool2dGather", value.maxPool2dGather(pooling.geometry, argmax: argmax), inputs: [self, source],
      forward: { $0[0].maxPool2dGather(pooling.geometry, argmax: pooling.argmax(of: $0[1])) }
    ) { c in
      [c.gradient.maxPool2dScatter(pooling, argmax: argmax, source: c.inputs[1]), nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func avgPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    let geometry = value.poolGeometry(kernel: kernel, window: window)
    return Variable.record("avgPool2d", inputs: [self], forward: { $0[0].avgPool2d(kernel: kernel, window: window) }) { c in
      [c.gradient.avgPool2dAdjoint(geometry)]
    }
  }

  /// `avgPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))`
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func avgPool2d(_ k: Int, stride: Int? = nil, padding: Int = 0) -> Variable {
    avgPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func avgPool2dAdjoint(_ geometry: Pool2DGeometry) -> Variable {
    let kernel = (height: geometry.kernelHeight, width: geometry.kernelWidth)
    let window = Window2D(strideH: geometry.strideH, strideW: geometry.strideW, padH: geometry.padH, padW: geometry.padW)
    return Variable.record("avgPool2dAdjoint", inputs: [self], forward: { $0[0].avgPool2dAdjoint(geometry) }) { c in
      [c.gradient.avgPool2d(kernel: kernel, window: window)]
    }
  }

  /// The mean over the last two (spatial) dimensions: `[N, C, H, W]` → `[N, C]`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func globalAvgPool2d() -> Variable { mean(axes: [-2, -1]) }
}

/// One max pooling: its geometry, and how to find the argmax positions of an input again.
struct MaxPooling: Sendable {
  let geometry: Pool2DGeometry
  let kernel: (height: Int, width: Int)
  let window: Window2D

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func argmax<Scalar>(of input: Tensor<Scalar>) -> [Int32] { input.maxPool2d(kernel: kernel, window: window).argmax }
}
