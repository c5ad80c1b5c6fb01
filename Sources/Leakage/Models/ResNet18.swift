import Autodiff

/// ResNet-18 with torchvision's `state_dict` names: `conv1` and `bn1` (the stem, see
/// ``ResNetStem``), four stages `layer1…layer4` of two basic blocks each (64, 128, 256, 512
/// channels; the first block of stages 2–4 has stride 2 and a 1×1 `downsample` shortcut), global
/// average pooling, `fc`. Convolutions have no bias; batch normalisation runs in evaluation mode.
///
/// The CIFAR form (the default) is torchvision's model with the stem replaced, so its weights load
/// straight from PyTorch:
/// ```python
/// model = torchvision.models.resnet18(num_classes=10)
/// model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
/// model.maxpool = nn.Identity()
/// safetensors.torch.save_file(model.state_dict(), "resnet18.safetensors")
/// ```
public struct ResNet18: Network {
  public let spec: ModelSpec
  public let parameters: [ParameterSpec]
  public let buffers: [ParameterSpec]
  static let widths = [64, 128, 256, 512]

  init(inputShape: [Int], classCount: Int, stem: ResNetStem) {
    var s = ModelSpec(.resnet18, inputShape: inputShape, classCount: classCount)
    s.stem = stem
    spec = s
    var params = convParameters("conv1", in: inputShape[0], out: 64, kernel: stem == .cifar ? 3 : 7, bias: false)
    var bufs: [ParameterSpec] = []
    func bn(_ prefix: String, _ c: Int) {
      let s = batchNormSpecs(prefix, channels: c)
      params += s.parameters
      bufs += s.buffers
    }
    bn("bn1", 64)
    var c = 64
    for (stage, width) in Self.widths.enumerated() {
      for block in 0..<2 {
        let name = "layer\(stage + 1).\(block)"
        params += convParameters("\(name).conv1", in: c, out: width, kernel: 3, bias: false)
        bn("\(name).bn1", width)
        params += convParameters("\(name).conv2", in: width, out: width, kernel: 3, bias: false)
        bn("\(name).bn2", width)
        if block == 0 && stage > 0 {
          params += convParameters("\(name).downsample.0", in: c, out: width, kernel: 1, bias: false)
          bn("\(name).downsample.1", width)
        }
        c = width
      }
    }
    parameters = params + linearParameters("fc", in: c, out: classCount)
    buffers = bufs
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    var h: Variable<S>
    switch spec.stem {
    case .cifar:
      h = p.batchNorm(p.conv(x, "conv1", padding: 1), "bn1").relu()
    case .imagenet:
      h = p.batchNorm(p.conv(x, "conv1", stride: 2, padding: 3), "bn1").relu().maxPool2d(3, stride: 2, padding: 1)
    }
    for stage in Self.widths.indices {
      for block in 0..<2 {
        let name = "layer\(stage + 1).\(block)", stride = block == 0 && stage > 0 ? 2 : 1
        var y = p.batchNorm(p.conv(h, "\(name).conv1", stride: stride, padding: 1), "\(name).bn1").relu()
        y = p.batchNorm(p.conv(y, "\(name).conv2", padding: 1), "\(name).bn2")
        let shortcut = stride == 1 ? h : p.batchNorm(p.conv(h, "\(name).downsample.0", stride: stride), "\(name).downsample.1")
        h = (y + shortcut).relu()
      }
    }
    return p.linear(h.globalAvgPool2d(), "fc")
  }
}
