import Autodiff

/// LeNet-5 with ReLU and max pooling: `conv1` (6 channels, 5×5, padding 2), 2×2 max pool,
/// `conv2` (16 channels, 5×5), 2×2 max pool, then `fc1` 120, `fc2` 84, `fc3` classes.
///
/// For inputs whose pooled size is below 10 (e.g. 8×8 digits) `conv2` also pads by 2, so the
/// network still fits; for 28×28 it is the classic 16·5·5 = 400 features.
public struct LeNet5: Network {
  public let spec: ModelSpec
  public let parameters: [ParameterSpec]
  public var buffers: [ParameterSpec] { [] }
  let conv2Padding: Int

  init(inputShape: [Int], classCount: Int) {
    spec = ModelSpec(.lenet5, inputShape: inputShape, classCount: classCount)
    var (h, w) = (inputShape[1] / 2, inputShape[2] / 2)
    conv2Padding = min(h, w) >= 10 ? 0 : 2
    h = windowOutput(h, kernel: 5, stride: 1, padding: conv2Padding) / 2
    w = windowOutput(w, kernel: 5, stride: 1, padding: conv2Padding) / 2
    parameters = convParameters("conv1", in: inputShape[0], out: 6, kernel: 5)
      + convParameters("conv2", in: 6, out: 16, kernel: 5)
      + linearParameters("fc1", in: 16 * h * w, out: 120)
      + linearParameters("fc2", in: 120, out: 84)
      + linearParameters("fc3", in: 84, out: classCount)
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    var h = p.conv(x, "conv1", padding: 2).relu().maxPool2d(2)
    h = p.conv(h, "conv2", padding: conv2Padding).relu().maxPool2d(2)
    h = p.linear(h.flattened(), "fc1").relu()
    h = p.linear(h, "fc2").relu()
    return p.linear(h, "fc3")
  }
}
