/// Differentiable pooling over the last two dimensions. Max pooling routes gradients through the
/// argmax positions (a scatter, whose adjoint is a gather and vice versa). The scatter and gather
/// nodes take the pooled input as a second input without a gradient, so that a ``Program``
/// replaying them finds the argmax positions of the input it replays with.
extension Variable {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func maxPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    maxPool2d(value.poolGeometry(kernel: kernel, window: window))
  }

  /// Max pooling with any window (asymmetric padding, dilation, ceil mode): `geometry` describes
  /// one plane; the planes are this variable's leading dimensions.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func maxPool2d(_ geometry: Pool2DGeometry) -> Variable {
    let geometry = value.poolGeometry(geometry)
    let (y, argmax) = value.maxPool2d(geometry)
    return Variable.record("maxPool2d", y, inputs: [self], forward: { $0[0].maxPool2d(geometry).output }) { c in
      [c.gradient.maxPool2dScatter(geometry, argmax: argmax, source: c.inputs[0])]
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
  func maxPool2dScatter(_ geometry: Pool2DGeometry, argmax: [Int32], source: Variable) -> Variable {
    Variable.record(
      "maxPool2dScatter", value.maxPool2dScatter(geometry, argmax: argmax), inputs: [self, source],
      forward: { $0[0].maxPool2dScatter(geometry, argmax: $0[1].maxPool2d(geometry).argmax) }
    ) { c in
      [c.gradient.maxPool2dGather(geometry, argmax: argmax, source: c.inputs[1]), nil]
    }
  }

  /// The values of `self` at the argmax positions of max pooling `source`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func maxPool2dGather(_ geometry: Pool2DGeometry, argmax: [Int32], source: Variable) -> Variable {
    Variable.record(
      "maxPool2dGather", value.maxPool2dGather(geometry, argmax: argmax), inputs: [self, source],
      forward: { $0[0].maxPool2dGather(geometry, argmax: $0[1].maxPool2d(geometry).argmax) }
    ) { c in
      [c.gradient.maxPool2dScatter(geometry, argmax: argmax, source: c.inputs[1]), nil]
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func avgPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    avgPool2d(value.poolGeometry(kernel: kernel, window: window))
  }

  /// Average pooling with any window (asymmetric padding, ceil mode, padding counted or not):
  /// `geometry` describes one plane; the planes are this variable's leading dimensions.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func avgPool2d(_ geometry: Pool2DGeometry) -> Variable {
    let geometry = value.poolGeometry(geometry)
    return Variable.record("avgPool2d", inputs: [self], forward: { $0[0].avgPool2d(geometry) }) { c in
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
    Variable.record("avgPool2dAdjoint", inputs: [self], forward: { $0[0].avgPool2dAdjoint(geometry) }) { c in
      [c.gradient.avgPool2d(geometry)]
    }
  }

  /// The mean over the last two (spatial) dimensions: `[N, C, H, W]` → `[N, C]`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func globalAvgPool2d() -> Variable { mean(axes: [-2, -1]) }
}
