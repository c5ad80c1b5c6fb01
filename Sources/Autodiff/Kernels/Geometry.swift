/// Sizes of one 2-D convolution: batch, channels, spatial extents, kernel, stride, zero padding and
/// dilation (tap `(i, j)` reads input offset `(i·dilationH, j·dilationW)` from the window's corner).
public struct Conv2DGeometry: Hashable, Sendable, CustomStringConvertible {
  public var batch: Int
  public var inChannels: Int
  public var inHeight: Int
  public var inWidth: Int
  public var outChannels: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int
  public var dilationH: Int
  public var dilationW: Int

  public init(
    batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
    kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0,
    dilationH: Int = 1, dilationW: Int = 1
  ) {
    self.batch = batch
    self.inChannels = inChannels
    self.inHeight = inHeight
    self.inWidth = inWidth
    self.outChannels = outChannels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.dilationH = dilationH
    self.dilationW = dilationW
  }

  /// Extent of the window on the input: `dilationH·(kernelHeight − 1) + 1`.
  public var spanHeight: Int { dilationH * (kernelHeight - 1) + 1 }
  public var spanWidth: Int { dilationW * (kernelWidth - 1) + 1 }
  public var outHeight: Int { (inHeight + 2 * padH - spanHeight) / strideH + 1 }
  public var outWidth: Int { (inWidth + 2 * padW - spanWidth) / strideW + 1 }
  public var inputShape: [Int] { [batch, inChannels, inHeight, inWidth] }
  public var weightShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }
  public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
  /// Multiply–adds of one forward pass.
  public var macs: Int { batch * outChannels * outHeight * outWidth * inChannels * kernelHeight * kernelWidth }

  public var description: String {
    "conv2d(N\(batch) C\(inChannels) \(inHeight)×\(inWidth) → O\(outChannels), k \(kernelHeight)×\(kernelWidth), s \(strideH),\(strideW), p \(padH),\(padW)"
      + (dilationH == 1 && dilationW == 1 ? ")" : ", d \(dilationH),\(dilationW))")
  }
}

/// Sizes of one 2-D pooling over `planes` independent planes (batch × channels): kernel, stride,
/// zero padding before (`padH`, `padW`) and after (`padBottom`, `padRight`) the input, dilation,
/// and how the output extent is rounded.
///
/// Windows are clipped to the input: padding cells never win a maximum. In averages they count
/// (as zeros) when `countIncludePad` is set, except where a ceil-mode window reaches past the
/// padded input, as in PyTorch.
public struct Pool2DGeometry: Hashable, Sendable {
  public var planes: Int
  public var inHeight: Int
  public var inWidth: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int
  public var padBottom: Int
  public var padRight: Int
  public var dilationH: Int
  public var dilationW: Int
  /// Round the output extent up (a last, partial window), as PyTorch's `ceil_mode`.
  public var ceilMode: Bool
  /// Averages divide by the window's cells in the padded input (true) or by its input cells only.
  public var countIncludePad: Bool

  /// `padBottom` and `padRight` default to `padH` and `padW` (symmetric padding).
  public init(
    planes: Int, inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int,
    strideH: Int, strideW: Int, padH: Int = 0, padW: Int = 0, padBottom: Int? = nil, padRight: Int? = nil,
    dilationH: Int = 1, dilationW: Int = 1, ceilMode: Bool = false, countIncludePad: Bool = true
  ) {
    self.planes = planes
    self.inHeight = inHeight
    self.inWidth = inWidth
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.padBottom = padBottom ?? padH
    self.padRight = padRight ?? padW
    self.dilationH = dilationH
    self.dilationW = dilationW
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }

  public var outHeight: Int {
    Self.outputExtent(inHeight, padBefore: padH, padAfter: padBottom, kernel: kernelHeight, stride: strideH,
                      dilation: dilationH, ceil: ceilMode)
  }

  public var outWidth: Int {
    Self.outputExtent(inWidth, padBefore: padW, padAfter: padRight, kernel: kernelWidth, stride: strideW,
                      dilation: dilationW, ceil: ceilMode)
  }

  /// Windows along one axis: floor or ceil of the padded span over the stride, plus one; in ceil
  /// mode the last window must start inside the input or the leading padding (PyTorch's rule).
  public static func outputExtent(
    _ n: Int, padBefore: Int, padAfter: Int, kernel: Int, stride: Int, dilation: Int, ceil: Bool
  ) -> Int {
    let span = n + padBefore + padAfter - (dilation * (kernel - 1) + 1)
    guard span >= 0, stride > 0 else { return 0 }
    var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
    if ceil && (out - 1) * stride >= n + padBefore { out -= 1 }
    return out
  }
}
