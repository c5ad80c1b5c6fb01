/// Differentiable pooling over the last two dimensions. Max pooling routes gradients through the
/// recorded argmax positions (a scatter, whose adjoint is a gather and vice versa).
extension Variable {
  public func maxPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    maxPool2d(value.poolGeometry(kernel: kernel, window: window))
  }

  /// Max pooling with any window (asymmetric padding, dilation, ceil mode): `geometry` describes
  /// one plane; the planes are this variable's leading dimensions.
  public func maxPool2d(_ geometry: Pool2DGeometry) -> Variable {
    let geometry = value.poolGeometry(geometry)
    let (y, argmax) = value.maxPool2d(geometry)
    return Variable.record("maxPool2d", y, inputs: [self]) { c in
      [c.gradient.maxPool2dScatter(geometry, argmax: argmax)]
    }
  }

  /// `maxPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))`
  public func maxPool2d(_ k: Int, stride: Int? = nil, padding: Int = 0) -> Variable {
    maxPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))
  }

  func maxPool2dScatter(_ geometry: Pool2DGeometry, argmax: [Int32]) -> Variable {
    Variable.record("maxPool2dScatter", value.maxPool2dScatter(geometry, argmax: argmax), inputs: [self]) { c in
      [c.gradient.maxPool2dGather(geometry, argmax: argmax)]
    }
  }

  func maxPool2dGather(_ geometry: Pool2DGeometry, argmax: [Int32]) -> Variable {
    Variable.record("maxPool2dGather", value.maxPool2dGather(geometry, argmax: argmax), inputs: [self]) { c in
      [c.gradient.maxPool2dScatter(geometry, argmax: argmax)]
    }
  }

  public func avgPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Variable {
    avgPool2d(value.poolGeometry(kernel: kernel, window: window))
  }

  /// Average pooling with any window (asymmetric padding, ceil mode, padding counted or not):
  /// `geometry` describes one plane; the planes are this variable's leading dimensions.
  public func avgPool2d(_ geometry: Pool2DGeometry) -> Variable {
    let geometry = value.poolGeometry(geometry)
    return Variable.record("avgPool2d", value.avgPool2d(geometry), inputs: [self]) { c in
      [c.gradient.avgPool2dAdjoint(geometry)]
    }
  }

  /// `avgPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))`
  public func avgPool2d(_ k: Int, stride: Int? = nil, padding: Int = 0) -> Variable {
    avgPool2d(kernel: (k, k), window: Window2D(stride: stride ?? k, padding: padding))
  }

  func avgPool2dAdjoint(_ geometry: Pool2DGeometry) -> Variable {
    Variable.record("avgPool2dAdjoint", value.avgPool2dAdjoint(geometry), inputs: [self]) { c in
      [c.gradient.avgPool2d(geometry)]
    }
  }

  /// The mean over the last two (spatial) dimensions: `[N, C, H, W]` → `[N, C]`.
  public func globalAvgPool2d() -> Variable { mean(axes: [-2, -1]) }
}
