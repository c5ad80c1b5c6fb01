/// 2-D pooling of plain tensors `[..., H, W]`: every leading index is an independent plane.
extension Tensor {
  /// Geometry of pooling this tensor with a `kernel` window.
  public func poolGeometry(kernel: (height: Int, width: Int), window: Window2D) -> Pool2DGeometry {
    precondition(rank >= 2, "pooling needs [..., H, W], got \(shape)")
    let g = Pool2DGeometry(planes: shape.dropLast(2).reduce(1, *), inHeight: shape[rank - 2], inWidth: shape[rank - 1],
                           kernelHeight: kernel.height, kernelWidth: kernel.width, strideH: window.strideH,
                           strideW: window.strideW, padH: window.padH, padW: window.padW,
                           dilationH: window.dilationH, dilationW: window.dilationW)
    precondition(g.outHeight > 0 && g.outWidth > 0, "pooling window \(kernel) larger than input \(shape)")
    return g
  }

  /// `geometry` applied to this tensor: its planes are this tensor's leading dimensions.
  func poolGeometry(_ geometry: Pool2DGeometry) -> Pool2DGeometry {
    precondition(rank >= 2 && shape[rank - 2] == geometry.inHeight && shape[rank - 1] == geometry.inWidth,
                 "pooling geometry for \(geometry.inHeight)×\(geometry.inWidth) applied to \(shape)")
    var g = geometry
    g.planes = shape.dropLast(2).reduce(1, *)
    return g
  }

  /// Max pooling; also returns, per output, the flat index within its plane of the chosen input.
  public func maxPool2d(kernel: (height: Int, width: Int), window: Window2D) -> (output: Tensor, argmax: [Int32]) {
    maxPool2d(poolGeometry(kernel: kernel, window: window))
  }

  /// Max pooling with any window (asymmetric padding, dilation, ceil mode); `geometry`'s planes
  /// are taken from this tensor's leading dimensions.
  public func maxPool2d(_ geometry: Pool2DGeometry) -> (output: Tensor, argmax: [Int32]) {
    let g = poolGeometry(geometry)
    let outShape = Array(shape.dropLast(2)) + [g.outHeight, g.outWidth]
    var argmax = [Int32](repeating: 0, count: outShape.elementCount)
    let out = Tensor(shape: outShape) { o in
      scalars.withUnsafeBufferPointer { x in
        argmax.withUnsafeMutableBufferPointer { Scalar.maxPool2d(g, input: x.baseAddress!, output: o.baseAddress!, argmax: $0.baseAddress!) }
      }
    }
    return (out, argmax)
  }

  /// Average pooling (padded cells count as zeros).
  public func avgPool2d(kernel: (height: Int, width: Int), window: Window2D) -> Tensor {
    avgPool2d(poolGeometry(kernel: kernel, window: window))
  }

  /// Average pooling with any window; `geometry`'s planes are taken from this tensor's leading
  /// dimensions.
  public func avgPool2d(_ geometry: Pool2DGeometry) -> Tensor {
    let g = poolGeometry(geometry)
    return Tensor(shape: Array(shape.dropLast(2)) + [g.outHeight, g.outWidth]) { o in
      scalars.withUnsafeBufferPointer { Scalar.avgPool2d(g, input: $0.baseAddress!, output: o.baseAddress!) }
    }
  }

  /// The adjoint of average pooling: `self` is `[..., H', W']`, the result `[..., H, W]`.
  public func avgPool2dAdjoint(_ geometry: Pool2DGeometry) -> Tensor {
    var g = geometry
    g.planes = count / (g.outHeight * g.outWidth)
    return Tensor(shape: Array(shape.dropLast(2)) + [g.inHeight, g.inWidth]) { o in
      scalars.withUnsafeBufferPointer { Scalar.avgPool2dAdjoint(g, outputGrad: $0.baseAddress!, inputGrad: o.baseAddress!) }
    }
  }

  /// Scatters `self` (`[..., H', W']`, a multiple of the geometry's planes) to the `argmax`
  /// positions of `[..., H, W]`, summing collisions: the adjoint of max pooling.
  public func maxPool2dScatter(_ geometry: Pool2DGeometry, argmax: [Int32]) -> Tensor {
    let outPlane = geometry.outHeight * geometry.outWidth, inPlane = geometry.inHeight * geometry.inWidth
    let repeats = count / (geometry.planes * outPlane)
    precondition(repeats * geometry.planes * outPlane == count, "maxPool2dScatter: shape \(shape) does not match the pooling")
    return Tensor(shape: Array(shape.dropLast(2)) + [geometry.inHeight, geometry.inWidth]) { o in
      scalars.withUnsafeBufferPointer { x in
        argmax.withUnsafeBufferPointer { a in
          for r in 0..<repeats {
            Scalar.maxPool2dScatter(geometry, outputGrad: x.baseAddress! + r * geometry.planes * outPlane,
                                    argmax: a.baseAddress!, inputGrad: o.baseAddress! + r * geometry.planes * inPlane)
          }
        }
      }
    }
  }

  /// Gathers the `argmax` positions of `self` (`[..., H, W]`) into `[..., H', W']`: the adjoint of
  /// ``maxPool2dScatter(_:argmax:)``.
  public func maxPool2dGather(_ geometry: Pool2DGeometry, argmax: [Int32]) -> Tensor {
    let outPlane = geometry.outHeight * geometry.outWidth, inPlane = geometry.inHeight * geometry.inWidth
    let repeats = count / (geometry.planes * inPlane)
    precondition(repeats * geometry.planes * inPlane == count, "maxPool2dGather: shape \(shape) does not match the pooling")
    return Tensor(shape: Array(shape.dropLast(2)) + [geometry.outHeight, geometry.outWidth]) { o in
      scalars.withUnsafeBufferPointer { x in
        argmax.withUnsafeBufferPointer { a in
          for r in 0..<repeats {
            Scalar.maxPool2dGather(geometry, input: x.baseAddress! + r * geometry.planes * inPlane,
                                   argmax: a.baseAddress!, output: o.baseAddress! + r * geometry.planes * outPlane)
          }
        }
      }
    }
  }
}
