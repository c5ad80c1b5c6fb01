import Autodiff

/// Values of a network's parameters and buffers, by `state_dict` name, kept in Float64 and
/// converted to the precision of each computation.
public struct ModelWeights: Sendable, Equatable {
  public var tensors: [String: Tensor<Double>]
  /// Where the values came from, for display ("uniform, seed 0", a file path).
  public var provenance: String

  public init(tensors: [String: Tensor<Double>], provenance: String) {
    self.tensors = tensors
    self.provenance = provenance
  }

  /// Checks that every parameter and buffer of `network` is present with its shape and that
  /// nothing else is; `num_batches_tracked` may be absent (it does not affect the model).
  public func validated(for network: any Network, source: String? = nil) throws(ModelError) -> ModelWeights {
    let specs = network.parameters + network.buffers
    let expected = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.shape) })
    let missing = specs.filter { tensors[$0.name] == nil && $0.role != .batchCount }.map(\.name)
    let unexpected = tensors.keys.filter { expected[$0] == nil }.sorted()
    let misshapen = specs.compactMap { s -> String? in
      guard let t = tensors[s.name], t.shape != s.shape, !(s.role == .batchCount && t.count == 1) else { return nil }
      return "\(s.name) \(t.shape) (expected \(s.shape))"
    }
    if !missing.isEmpty || !unexpected.isEmpty || !misshapen.isEmpty {
      throw .mismatchedWeights(source: source ?? provenance, missing: missing, unexpected: unexpected, misshapen: misshapen)
    }
    return self
  }

  /// The parameters of `network` in θ order, as leaves of a new graph (requiring gradients when
  /// asked), and the binding that the forward pass reads them through.
  public func bind<S: TensorScalar>(
    _ network: any Network, as: S.Type = S.self, requiresGrad: Bool = true, training: Bool = false
  ) -> (leaves: [Variable<S>], binding: ParameterBinding<S>) {
    let leaves = network.parameters.map { Variable(Tensor<S>(self.tensor($0.name)), requiresGrad: requiresGrad) }
    let byName = Dictionary(uniqueKeysWithValues: zip(network.parameters.map(\.name), leaves))
    let buffers = Dictionary(uniqueKeysWithValues: network.buffers.compactMap { b in
      tensors[b.name].map { (b.name, Tensor<S>($0)) }
    })
    return (leaves, ParameterBinding(parameters: byName, buffers: buffers, training: training))
  }

  /// All parameters of `network` concatenated in θ order: a vector of length dθ.
  public func flattenedParameters(of network: any Network) -> Tensor<Double> {
    let parts = network.parameters.map { tensor($0.name).scalars }
    return Tensor(shape: [parts.reduce(0) { $0 + $1.count }], scalars: parts.flatMap { $0 })
  }

  /// These weights with the parameters replaced by a flat θ vector (buffers unchanged).
  public func replacingParameters(of network: any Network, with theta: Tensor<Double>) -> ModelWeights {
    var copy = self
    for (spec, part) in zip(network.parameters, ParameterLayout(network).split(theta)) {
      copy.tensors[spec.name] = part
    }
    return copy
  }

  func tensor(_ name: String) -> Tensor<Double> {
    guard let t = tensors[name] else { preconditionFailure("weights lack \(name); validate them first") }
    return t
  }
}

/// How the flat θ vector splits into a network's named parameters.
public struct ParameterLayout: Sendable {
  public let names: [String]
  public let shapes: [[Int]]
  /// Start of each parameter in θ.
  public let offsets: [Int]
  public let count: Int

  public init(_ network: any Network) {
    names = network.parameters.map(\.name)
    shapes = network.parameters.map(\.shape)
    var o: [Int] = []
    var total = 0
    for s in shapes { o.append(total); total += s.elementCount }
    offsets = o
    count = total
  }

  /// θ cut into one tensor per parameter.
  public func split<S: TensorScalar>(_ theta: Tensor<S>) -> [Tensor<S>] {
    precondition(theta.count == count, "θ has \(theta.count) entries, the network \(count)")
    return zip(shapes, offsets).map { shape, o in
      Tensor(shape: shape, scalars: Array(theta.scalars[o..<(o + shape.elementCount)]))
    }
  }

  /// Per-parameter tensors joined into θ.
  public func join<S: TensorScalar>(_ parts: [Tensor<S>]) -> Tensor<S> {
    Tensor(shape: [count], scalars: parts.flatMap(\.scalars))
  }
}
