import Autodiff

/// The "LeNet" of DLG and the I2F paper: `conv1…conv4` (5×5, 12 channels, padding 2, strides
/// 2, 2, 1, 1), a sigmoid after each, then `fc`. For a 1×28×28 input `fc` has 588 inputs.
///
/// PyTorch equivalent (same `state_dict` names):
/// ```python
/// class ConvNet5(nn.Module):
///     def __init__(self, channels=1, classes=10, flat=588):
///         super().__init__()
///         self.conv1 = nn.Conv2d(channels, 12, 5, stride=2, padding=2)
///         self.conv2 = nn.Conv2d(12, 12, 5, stride=2, padding=2)
///         self.conv3 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
///         self.conv4 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
///         self.fc = nn.Linear(flat, classes)
///     def forward(self, x):
///         for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
///             x = torch.sigmoid(conv(x))
///         return self.fc(x.flatten(1))
/// ```
public struct ConvNet5: Network {
  public let spec: ModelSpec
  public let parameters: [ParameterSpec]
  public var buffers: [ParameterSpec] { [] }
  static let strides = [2, 2, 1, 1]

  init(inputShape: [Int], classCount: Int) {
    spec = ModelSpec(.convnet5, inputShape: inputShape, classCount: classCount)
    var (h, w) = (inputShape[1], inputShape[2])
    var specs: [ParameterSpec] = []
    for (i, s) in Self.strides.enumerated() {
      specs += convParameters("conv\(i + 1)", in: i == 0 ? inputShape[0] : 12, out: 12, kernel: 5)
      h = windowOutput(h, kernel: 5, stride: s, padding: 2)
      w = windowOutput(w, kernel: 5, stride: s, padding: 2)
    }
    parameters = specs + linearParameters("fc", in: 12 * h * w, out: classCount)
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    var h = x
    for (i, s) in Self.strides.enumerated() {
      h = p.conv(h, "conv\(i + 1)", stride: s, padding: 2).sigmoid()
    }
    return p.linear(h.flattened(), "fc")
  }
}
