/// Stride, zero padding and dilation of a sliding 2-D window (convolution or pooling), per spatial
/// axis. A dilation `d` spreads the window's taps `d` apart (`d = 1`: adjacent taps).
public struct Window2D: Hashable, Sendable, CustomStringConvertible {
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int
  public var dilationH: Int
  public var dilationW: Int

  /// The same stride, padding and dilation along both axes.
  public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1) {
    self.init(strideH: stride, strideW: stride, padH: padding, padW: padding, dilationH: dilation, dilationW: dilation)
  }

  public init(strideH: Int, strideW: Int, padH: Int, padW: Int, dilationH: Int = 1, dilationW: Int = 1) {
    precondition(strideH > 0 && strideW > 0 && padH >= 0 && padW >= 0 && dilationH > 0 && dilationW > 0,
                 "invalid window stride/padding/dilation")
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.dilationH = dilationH
    self.dilationW = dilationW
  }

  public var description: String {
    let base = strideH == strideW && padH == padW ? "stride \(strideH), padding \(padH)"
      : "stride \(strideH)×\(strideW), padding \(padH)×\(padW)"
    if dilationH == 1 && dilationW == 1 { return base }
    return base + (dilationH == dilationW ? ", dilation \(dilationH)" : ", dilation \(dilationH)×\(dilationW)")
  }
}
