import Autodiff

/// A small residual network for 32×32 RGB (it adapts to other sizes): `conv1` 3×3 (16 channels)
/// with `bn1` and ReLU; three stages `layer1…layer3` of one basic block each (16, 32, 64 channels,
/// the last two with stride 2 and a 1×1 `downsample` shortcut); global average pooling; `fc`.
/// Convolutions have no bias and batch normalisation runs in evaluation mode (running statistics),
/// as in torchvision's ResNet, whose `state_dict` names it uses.
public struct ResNet8: Network {
  public let spec: ModelSpec
  public let parameters: [ParameterSpec]
  public let buffers: [ParameterSpec]
  static let widths = [16, 32, 64]

  init(inputShape: [Int], classCount: Int) {
    spec = ModelSpec(.resnet8, inputShape: inputShape, classCount: classCount)
    var params = convParameters("conv1", in: inputShape[0], out: 16, kernel: 3, bias: false)
    var bufs: [ParameterSpec] = []
    func bn(_ prefix: String, _ c: Int) {
      let s = batchNormSpecs(prefix, channels: c)
      params += s.parameters
      bufs += s.buffers
    }
    bn("bn1", 16)
    var c = 16
    for (i, width) in Self.widths.enumerated() {
      let block = "layer\(i + 1).0"
      params += convParameters("\(block).conv1", in: c, out: width, kernel: 3, bias: false)
      bn("\(block).bn1", width)
      params += convParameters("\(block).conv2", in: width, out: width, kernel: 3, bias: false)
      bn("\(block).bn2", width)
      if i > 0 {
        params += convParameters("\(block).downsample.0", in: c, out: width, kernel: 1, bias: false)
        bn("\(block).downsample.1", width)
      }
      c = width
    }
    parameters = params + linearParameters("fc", in: c, out: classCount)
    buffers = bufs
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    var h = p.batchNorm(p.conv(x, "conv1", padding: 1), "bn1").relu()
    for i in Self.widths.indices {
      let block = "layer\(i + 1).0", stride = i == 0 ? 1 : 2
      var y = p.batchNorm(p.conv(h, "\(block).conv1", stride: stride, padding: 1), "\(block).bn1").relu()
      y = p.batchNorm(p.conv(y, "\(block).conv2", padding: 1), "\(block).bn2")
      let shortcut = i == 0 ? h : p.batchNorm(p.conv(h, "\(block).downsample.0", stride: stride), "\(block).downsample.1")
      h = (y + shortcut).relu()
    }
    return p.linear(h.globalAvgPool2d(), "fc")
  }
}
