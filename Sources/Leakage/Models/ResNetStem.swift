/// The first layers of ResNet-18, before its four stages.
public enum ResNetStem: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// For small images (CIFAR): `conv1` 3×3 stride 1 padding 1, no max-pool.
  case cifar
  /// torchvision's original: `conv1` 7×7 stride 2 padding 3, then max-pool 3×3 stride 2 padding 1.
  case imagenet

  public var description: String { rawValue }
}
