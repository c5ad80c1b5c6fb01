/// Stride and zero padding of a sliding 2-D window (convolution or pooling), per spatial axis.
public struct Window2D: Hashable, Sendable, CustomStringConvertible {
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int

  /// The same stride and padding along both axes.
  public init(stride: Int = 1, padding: Int = 0) {
    self.init(strideH: stride, strideW: stride, padH: padding, padW: padding)
  }

  public init(strideH: Int, strideW: Int, padH: Int, padW: Int) {
    precondition(strideH > 0 && strideW > 0 && padH >= 0 && padW >= 0, "invalid window stride/padding")
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
  }

  public var description: String {
    strideH == strideW && padH == padW ? "stride \(strideH), padding \(padH)"
      : "stride \(strideH)×\(strideW), padding \(padH)×\(padW)"
  }
}
