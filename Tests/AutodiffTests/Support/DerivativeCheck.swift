import Autodiff
import Testing

/// A differentiable function of several Float64 variables, with the shapes to test it at.
struct OpCase: Sendable, CustomTestStringConvertible {
  let name: String
  let shapes: [[Int]]
  /// Draw inputs from U(0.5, 1.5) instead of N(0, 1) (for log, sqrt, pow, division).
  var positive = false
  let f: @Sendable ([Variable<Double>]) -> Variable<Double>

  var testDescription: String { name }
}

/// Finite-difference, batching and replay checks of first and second derivatives.
///
/// The function's output `f` is turned into a scalar with a quadratic `S(f) = Σ w⊙f + ½ Σ u⊙f²`
/// (random w, u), so that the second derivative also runs every rule with a cotangent that itself
/// depends on the inputs, including for linear ops. The replay check compiles the graph of S,
/// ∇S and a second-order product into a ``Program`` and runs it at other inputs: every forward
/// function (of the op and of the ops its rules build) must reproduce a graph built there.
struct DerivativeCheck {
  var step = 1e-6
  var tolerance = 1e-6
  var rng = SeededRandom(seed: 42)

  mutating func run(_ op: OpCase) {
    let inputs = op.shapes.map { s in
      op.positive ? Tensor<Double>.uniform(s, low: 0.5, high: 1.5, using: &rng) : Tensor<Double>.normal(s, using: &rng)
    }
    let outShape = op.f(inputs.map { Variable($0) }).shape
    let w = Tensor<Double>.normal(outShape, using: &rng)
    let u = Tensor<Double>.normal(outShape, using: &rng)
    func scalarised(_ xs: [Tensor<Double>]) -> Double {
      let y = op.f(xs.map { Variable($0) }).value
      return (w * y).sum() + 0.5 * (u * y * y).sum()
    }
    func gradient(_ xs: [Tensor<Double>], createGraph: Bool = false) -> ([Variable<Double>], [Variable<Double>]) {
      let vars = xs.map { Variable($0, requiresGrad: true) }
      let y = op.f(vars)
      let s = (Variable(w) * y).sum() + (Variable(u) * y * y).sum() * 0.5
      return (vars, gradients(of: s, withRespectTo: vars, createGraph: createGraph))
    }

    // First order: every element against a central difference (directional for large inputs).
    let (_, analytic) = gradient(inputs)
    for (i, x) in inputs.enumerated() {
      let directions: [Tensor<Double>] = x.count <= 64
        ? (0..<x.count).map { j in var e = Tensor<Double>(zeros: x.shape); e.scalars[j] = 1; return e }
        : (0..<6).map { _ in Tensor<Double>.normal(x.shape, using: &rng) }
      for d in directions {
        var plus = inputs, minus = inputs
        plus[i] = x.adding(d, scaledBy: step)
        minus[i] = x.adding(d, scaledBy: -step)
        let numeric = (scalarised(plus) - scalarised(minus)) / (2 * step)
        let exact = analytic[i].value.dot(d)
        #expect(Swift.abs(numeric - exact) <= tolerance * Swift.max(1, Swift.abs(exact)),
                "\(op.name): ∂/∂input\(i) along a direction: analytic \(exact), numeric \(numeric)")
      }
    }

    // Second order: ∇⟨∇S, v⟩ against a central difference of ∇S along v.
    let v = inputs.map { Tensor<Double>.normal($0.shape, using: &rng) }
    let (vars, grads) = gradient(inputs, createGraph: true)
    let inner = zip(grads, v).map { ($0 * Variable($1)).sum() }.reduce(Variable(Tensor(0.0)), +)
    let hv = gradients(of: inner, withRespectTo: vars)
    let plus = gradient(zip(inputs, v).map { $0.adding($1, scaledBy: step) }).1
    let minus = gradient(zip(inputs, v).map { $0.adding($1, scaledBy: -step) }).1
    for i in inputs.indices {
      let numeric = (plus[i].value - minus[i].value) * (1 / (2 * step))
      let err = (numeric - hv[i].value).maxAbs()
      #expect(err <= tolerance * Swift.max(1, numeric.maxAbs()),
              "\(op.name): second derivative for input \(i): max error \(err), scale \(numeric.maxAbs())")
    }

    // Replay: S, ∇S and ∇⟨∇S, v⟩ recorded once, recomputed at other inputs, bit for bit.
    func recorded(_ leaves: [Variable<Double>]) -> [Variable<Double>] {
      let y = op.f(leaves)
      let s = (Variable(w) * y).sum() + (Variable(u) * y * y).sum() * 0.5
      let grads = gradients(of: s, withRespectTo: leaves, createGraph: true)
      let inner = zip(grads, v).map { ($0 * Variable($1)).sum() }.reduce(Variable(Tensor(0.0)), +)
      return [s] + grads + gradients(of: inner, withRespectTo: leaves, createGraph: true)
    }
    let recordLeaves = inputs.map { Variable($0, requiresGrad: true) }
    do {
      let program = try Program(inputs: recordLeaves, outputs: recorded(recordLeaves))
      let others = inputs.map { x in
        op.positive ? Tensor<Double>.uniform(x.shape, low: 0.5, high: 1.5, using: &rng) : Tensor<Double>.normal(x.shape, using: &rng)
      }
      let replayed = program.run(others)
      let fresh = recorded(others.map { Variable($0, requiresGrad: true) }).map(\.value)
      for (j, (r, f)) in zip(replayed, fresh).enumerated() {
        #expect(r == f, "\(op.name): replayed output \(j) differs from a fresh graph by \((r - f).maxAbs())")
      }
    } catch {
      Issue.record("\(op.name): \(error)")
    }

    // Batches of cotangents: one batched pass equals a loop of single passes, for the function
    // itself (first order) and for its gradient graph (second order, as when materialising J).
    let k = 3
    let seeds = (0..<k).map { _ in Tensor<Double>.normal(outShape, using: &rng) }
    let batchedSeed = Variable(Tensor.concatenated(seeds.map { $0.reshaped([1] + outShape) }, axis: 0))
    let leaves = inputs.map { Variable($0, requiresGrad: true) }
    let y = op.f(leaves)
    let batched = gradients(of: y, withRespectTo: leaves, seed: batchedSeed)
    for (j, seed) in seeds.enumerated() {
      let single = gradients(of: y, withRespectTo: leaves, seed: Variable(seed))
      for i in leaves.indices {
        let row = batched[i].value.sliced(axis: 0, j..<(j + 1)).reshaped(inputs[i].shape)
        #expect((row - single[i].value).maxAbs() <= 1e-12 * Swift.max(1, single[i].value.maxAbs()),
                "\(op.name): batched first-order cotangent \(j) for input \(i) differs")
      }
    }
    let gradSeeds = (0..<k).map { _ in inputs.map { Tensor<Double>.normal($0.shape, using: &rng) } }
    for i in inputs.indices {
      // Differentiate ⟨∇_i S, seed⟩ for a batch of seeds against all inputs.
      let stacked = Variable(Tensor.concatenated(gradSeeds.map { $0[i].reshaped([1] + inputs[i].shape) }, axis: 0))
      let batchedSecond = gradients(of: grads[i], withRespectTo: vars, seed: stacked)
      for (j, s) in gradSeeds.enumerated() {
        let single = gradients(of: grads[i], withRespectTo: vars, seed: Variable(s[i]))
        for t in vars.indices {
          let row = batchedSecond[t].value.sliced(axis: 0, j..<(j + 1)).reshaped(inputs[t].shape)
          #expect((row - single[t].value).maxAbs() <= 1e-12 * Swift.max(1, single[t].value.maxAbs()),
                  "\(op.name): batched second-order cotangent \(j) of ∇input\(i) for input \(t) differs")
        }
      }
    }
  }
}
