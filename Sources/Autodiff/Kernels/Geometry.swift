/// Sizes of one 2-D convolution: batch, channels, spatial extents, kernel, stride and zero padding.
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

  public init(
    batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
    kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0
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
  }

  public var outHeight: Int { (inHeight + 2 * padH - kernelHeight) / strideH + 1 }
  public var outWidth: Int { (inWidth + 2 * padW - kernelWidth) / strideW + 1 }
  public var inputShape: [Int] { [batch, inChannels, inHeight, inWidth] }
  public var weightShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }
  public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
  /// Multiply–adds of one forward pass.
  public var macs: Int { batch * outChannels * outHeight * outWidth * inChannels * kernelHeight * kernelWidth }

  public var description: String {
    "conv2d(N\(batch) C\(inChannels) \(inHeight)×\(inWidth) → O\(outChannels), k \(kernelHeight)×\(kernelWidth), s \(strideH),\(strideW), p \(padH),\(padW))"
  }
}

/// Sizes of one 2-D pooling over `planes` independent planes (batch × channels).
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

  public init(
    planes: Int, inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int,
    strideH: Int, strideW: Int, padH: Int = 0, padW: Int = 0
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
  }

  public var outHeight: Int { (inHeight + 2 * padH - kernelHeight) / strideH + 1 }
  public var outWidth: Int { (inWidth + 2 * padW - kernelWidth) / strideW + 1 }
}
