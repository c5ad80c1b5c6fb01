/// A tensor in a differentiation graph: its value, and (unless it is a leaf or a constant) the
/// operation that produced it.
///
/// Variables are immutable, so a graph can be differentiated any number of times and from several
/// threads. Every operation records itself only when one of its inputs requires a gradient, so
/// computations on constants build no graph at all.
public final class Variable<Scalar: TensorScalar>: Sendable {
  /// The value computed in the forward pass.
  public let value: Tensor<Scalar>
  /// Whether gradients flow to (or through) this variable.
  public let requiresGrad: Bool
  /// The operation that produced this variable; nil for leaves and constants.
  let origin: Operation<Scalar>?

  /// A leaf: a constant, or (with `requiresGrad`) a parameter or input to differentiate against.
  public init(_ value: Tensor<Scalar>, requiresGrad: Bool = false) {
    self.value = value
    self.requiresGrad = requiresGrad
    self.origin = nil
  }

  init(_ value: Tensor<Scalar>, origin: Operation<Scalar>) {
    self.value = value
    self.requiresGrad = true
    self.origin = origin
  }

  public var shape: [Int] { value.shape }
  public var rank: Int { value.rank }
  public var count: Int { value.count }

  /// The same value cut off from the graph.
  public func detached() -> Variable { origin == nil && !requiresGrad ? self : Variable(value) }

  /// A constant leaf holding `value`.
  public static func constant(_ value: Tensor<Scalar>) -> Variable { Variable(value) }

  /// Records the result of an operation: a graph node when any input requires a gradient,
  /// otherwise a constant. `rule` receives the cotangent of the result and returns one cotangent per
  /// input (nil when an input gets none); it must build them from differentiable operations so
  /// that gradients can themselves be differentiated.
  ///
  /// A node recorded this way cannot be replayed by a ``Program`` (it has no forward function);
  /// prefer ``record(_:inputs:forward:rule:)``.
  public static func record(
    _ name: StaticString, _ value: Tensor<Scalar>, inputs: [Variable],
    rule: @escaping @Sendable (BackwardContext<Scalar>) -> [Variable?]
  ) -> Variable {
    guard inputs.contains(where: { $0.requiresGrad }) else { return Variable(value) }
    return Variable(value, origin: Operation(name: name, inputs: inputs, rule: rule, forward: nil))
  }

  /// Records an operation given by its forward function: the value is `forward` of the inputs'
  /// values, and a ``Program`` can recompute it on new inputs. `forward` must depend on nothing
  /// but its arguments (and constants it captures); anything derived from an input's value must be
  /// an input itself (see ``withoutGradient(_:)``), or replays would keep the recorded one.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func record(
    _ name: StaticString, inputs: [Variable],
    forward: @escaping @Sendable ([Tensor<Scalar>]) -> Tensor<Scalar>,
    rule: @escaping @Sendable (BackwardContext<Scalar>) -> [Variable?]
  ) -> Variable {
    let value = forward(inputs.map { $0.value })
    guard inputs.contains(where: { $0.requiresGrad }) else { return Variable(value) }
    return Variable(value, origin: Operation(name: name, inputs: inputs, rule: rule, forward: forward))
  }

  /// Records an operation whose value is already computed (cheaper than `forward` here, e.g. from
  /// state captured at recording time); `forward` recomputes it from the inputs' values alone.
  static func record(
    _ name: StaticString, _ value: Tensor<Scalar>, inputs: [Variable],
    forward: @escaping @Sendable ([Tensor<Scalar>]) -> Tensor<Scalar>,
    rule: @escaping @Sendable (BackwardContext<Scalar>) -> [Variable?]
  ) -> Variable {
    guard inputs.contains(where: { $0.requiresGrad }) else { return Variable(value) }
    return Variable(value, origin: Operation(name: name, inputs: inputs, rule: rule, forward: forward))
  }

  /// `f(self)` as a node through which no gradient flows: a value derived from this variable that
  /// the graph treats as a constant (a mask, a shift), but that replays recompute.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func withoutGradient(_ f: @escaping @Sendable (Tensor<Scalar>) -> Tensor<Scalar>) -> Variable {
    Variable.record("withoutGradient", inputs: [self], forward: { f($0[0]) }) { _ in [nil] }
  }
}

/// How a graph node was produced: its inputs, the rule that maps the result's cotangent to
/// the inputs' cotangents, and (for replays) the function that computed the result.
struct Operation<Scalar: TensorScalar>: Sendable {
  let name: StaticString
  let inputs: [Variable<Scalar>]
  let rule: @Sendable (BackwardContext<Scalar>) -> [Variable<Scalar>?]
  /// The result as a function of the inputs' values; nil when the operation cannot be replayed.
  let forward: (@Sendable ([Tensor<Scalar>]) -> Tensor<Scalar>)?

  init(
    name: StaticString, inputs: [Variable<Scalar>], rule: @escaping @Sendable (BackwardContext<Scalar>) -> [Variable<Scalar>?],
    forward: (@Sendable ([Tensor<Scalar>]) -> Tensor<Scalar>)?
  ) {
    self.name = name
    self.inputs = inputs
    self.rule = rule
    self.forward = forward
  }
}

/// What a backward rule sees.
///
/// The cotangent `gradient` may carry extra leading dimensions before the output's shape (a batch
/// of cotangents: rules are linear in it, so each rule maps the batch at once). Rules must
/// therefore address dimensions of `gradient` from the end, and return cotangents with the same
/// leading dimensions followed by each input's shape. When the gradient is computed without
/// `createGraph`, `inputs` and `output` are detached copies, so nothing the rule does is recorded.
public struct BackwardContext<Scalar: TensorScalar> {
  /// The cotangent of the operation's result: `batchShape + output.shape`.
  public let gradient: Variable<Scalar>
  /// The operation's inputs, in the order they were recorded.
  public let inputs: [Variable<Scalar>]
  /// The operation's result.
  public let output: Variable<Scalar>
  /// Which inputs need a cotangent (those on a path to a variable being differentiated against).
  public let needsGradient: [Bool]

  /// Extra leading dimensions of the cotangent.
  public var batchShape: [Int] { Array(gradient.shape.prefix(gradient.rank - output.rank)) }
  /// Number of extra leading dimensions of the cotangent.
  public var batchRank: Int { gradient.rank - output.rank }
}
