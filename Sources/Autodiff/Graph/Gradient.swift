/// Reverse-mode differentiation: the gradient of `output` with respect to `targets`.
///
/// - Parameters:
///   - output: the variable to differentiate (any shape).
///   - targets: the variables to differentiate against.
///   - seed: the cotangent of `output` (default: ones, i.e. the gradient of the sum). It may carry
///     extra leading dimensions, a batch of cotangents: the results then carry them too, so one pass
///     computes many vector–Jacobian products.
///   - createGraph: record the backward pass itself, so the returned gradients are differentiable
///     again (as `torch.autograd.grad(..., create_graph=True)`). Without it the backward pass runs
///     on detached values and builds no graph.
/// - Returns: one gradient per target, shaped `batchShape + target.shape`; zeros for targets that
///   `output` does not depend on.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gradients<Scalar>(
  of output: Variable<Scalar>, withRespectTo targets: [Variable<Scalar>],
  seed: Variable<Scalar>? = nil, createGraph: Bool = false
) -> [Variable<Scalar>] {
  let seed = seed ?? Variable(Tensor(repeating: 1, shape: output.shape))
  precondition(seed.rank >= output.rank && Array(seed.shape.suffix(output.rank)) == output.shape,
               "seed shape \(seed.shape) does not end with the output shape \(output.shape)")
  let batchShape = Array(seed.shape.prefix(seed.rank - output.rank))
  let targetIDs = Set(targets.map(ObjectIdentifier.init))

  // Nodes in topological order (inputs before consumers), keeping only those on a path from a
  // target to the output.
  let order = topologicalOrder(from: output, reaching: targetIDs)
  var onPath = Set<ObjectIdentifier>()
  for v in order {
    let id = ObjectIdentifier(v)
    if targetIDs.contains(id) || (v.origin?.inputs.contains { onPath.contains(ObjectIdentifier($0)) } ?? false) {
      onPath.insert(id)
    }
  }

  var cotangents: [ObjectIdentifier: Variable<Scalar>] = [ObjectIdentifier(output): createGraph ? seed : seed.detached()]
  for v in order.reversed() {
    let id = ObjectIdentifier(v)
    guard let op = v.origin, onPath.contains(id), let g = cotangents[id] else { continue }
    if !targetIDs.contains(id) { cotangents[id] = nil }  // release intermediate cotangents early
    let needs = op.inputs.map { onPath.contains(ObjectIdentifier($0)) }
    let context = BackwardContext(
      gradient: g,
      inputs: createGraph ? op.inputs : detached(op.inputs),
      output: createGraph ? v : v.detached(),
      needsGradient: needs)
    let inputGradients = op.rule(context)
    precondition(inputGradients.count == op.inputs.count, "rule of \(op.name) returned \(inputGradients.count) cotangents for \(op.inputs.count) inputs")
    for (i, input) in op.inputs.enumerated() where needs[i] {
      guard let gi = inputGradients[i] else { continue }
      precondition(gi.shape == batchShape + input.shape,
                   "rule of \(op.name) returned a cotangent of shape \(gi.shape) for input \(i) of shape \(input.shape) (batch \(batchShape))")
      let key = ObjectIdentifier(input)
      cotangents[key] = cotangents[key].map { $0 + gi } ?? gi
    }
  }
  return targets.map { t in
    cotangents[ObjectIdentifier(t)] ?? Variable(Tensor(zeros: batchShape + t.shape))
  }
}

/// The gradient of a scalar (or the sum of a tensor) with respect to one variable.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gradient<Scalar>(
  of output: Variable<Scalar>, withRespectTo target: Variable<Scalar>, createGraph: Bool = false
) -> Variable<Scalar> {
  gradients(of: output, withRespectTo: [target], createGraph: createGraph)[0]
}

/// Detached copies of `inputs`, one per distinct variable (a rule may recognise an input used twice).
private func detached<Scalar>(_ inputs: [Variable<Scalar>]) -> [Variable<Scalar>] {
  var copies: [Variable<Scalar>] = []
  copies.reserveCapacity(inputs.count)
  for (i, input) in inputs.enumerated() {
    if let j = inputs[..<i].firstIndex(where: { $0 === input }) { copies.append(copies[j]) } else { copies.append(input.detached()) }
  }
  return copies
}

/// Depth-first post-order of the graph below `root`, without recursion (graphs can be deep).
private func topologicalOrder<Scalar>(from root: Variable<Scalar>, reaching targets: Set<ObjectIdentifier>) -> [Variable<Scalar>] {
  var order: [Variable<Scalar>] = []
  var visited = Set<ObjectIdentifier>()
  var stack: [(Variable<Scalar>, Int)] = [(root, 0)]
  visited.insert(ObjectIdentifier(root))
  while let (v, next) = stack.popLast() {
    let inputs = v.origin?.inputs ?? []
    if next < inputs.count {
      stack.append((v, next + 1))
      let child = inputs[next]
      if child.requiresGrad, visited.insert(ObjectIdentifier(child)).inserted {
        stack.append((child, 0))
      }
    } else {
      order.append(v)
    }
  }
  return order
}
