import Autodiff

/// A multilayer perceptron with one sigmoid hidden layer: `fc1` (C·H·W → width), `fc2`
/// (width → classes).
public struct MLP: Network {
  public let spec: ModelSpec
  public let parameters: [ParameterSpec]
  public var buffers: [ParameterSpec] { [] }

  init(inputShape: [Int], classCount: Int, hiddenWidth: Int) {
    spec = ModelSpec(.mlp, inputShape: inputShape, classCount: classCount, hiddenWidth: hiddenWidth)
    parameters = linearParameters("fc1", in: inputShape.elementCount, out: hiddenWidth)
      + linearParameters("fc2", in: hiddenWidth, out: classCount)
  }

  public func logits<S: TensorScalar>(_ x: Variable<S>, _ p: ParameterBinding<S>) -> Variable<S> {
    p.linear(p.linear(x.flattened(), "fc1").sigmoid(), "fc2")
  }
}
