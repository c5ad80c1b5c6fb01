import Autodiff
import Testing

/// The mixed second derivative J = ∂²L/∂x∂θ of a small composite network, through its two
/// products J·δ = ∇ₓ⟨∇θL, δ⟩ and Jᵀ·v = ∇θ⟨∇ₓL, v⟩, must satisfy ⟨J·δ, v⟩ = ⟨δ, Jᵀ·v⟩.
@Suite("Adjoint consistency of mixed second derivatives")
struct AdjointConsistencyTests {
  /// conv (stride 2) → sigmoid → max pool → conv → tanh → linear → cross-entropy.
  static func loss(_ x: Variable<Double>, _ p: [Variable<Double>]) -> Variable<Double> {
    var h = x.conv2d(p[0], bias: p[1], window: Window2D(stride: 2, padding: 2)).sigmoid()
    h = h.maxPool2d(2)
    h = h.conv2d(p[2], bias: p[3], window: Window2D(stride: 1, padding: 1)).tanh()
    return h.flattened().linear(weight: p[4], bias: p[5]).crossEntropy(labels: [3, 1])
  }

  @Test func jacobianProductsAreAdjoint() {
    var rng = SeededRandom(seed: 7)
    let x = Variable(Tensor<Double>.uniform([2, 1, 12, 12], using: &rng), requiresGrad: true)
    let shapes = [[4, 1, 5, 5], [4], [3, 4, 3, 3], [3], [5, 3 * 3 * 3], [5]]
    let params = shapes.map { Variable(Tensor<Double>.uniform($0, low: -0.5, high: 0.5, using: &rng), requiresGrad: true) }
    let l = Self.loss(x, params)
    let grads = gradients(of: l, withRespectTo: [x] + params, createGraph: true)
    let gx = grads[0], gTheta = Array(grads.dropFirst())

    let delta = shapes.map { Variable(Tensor<Double>.normal($0, using: &rng)) }
    let v = Variable(Tensor<Double>.normal(x.shape, using: &rng))
    // J·δ = ∇ₓ⟨∇θL, δ⟩
    let thetaDotDelta = zip(gTheta, delta).map { ($0 * $1).sum() }.reduce(Variable(Tensor(0.0)), +)
    let jDelta = gradient(of: thetaDotDelta, withRespectTo: x).value
    // Jᵀ·v = ∇θ⟨∇ₓL, v⟩
    let jtv = gradients(of: (gx * v).sum(), withRespectTo: params).map(\.value)

    let lhs = jDelta.dot(v.value)
    let rhs = zip(delta, jtv).reduce(0.0) { $0 + $1.0.value.dot($1.1) }
    #expect(lhs != 0)
    #expect(Swift.abs(lhs - rhs) <= 1e-10 * Swift.abs(lhs), "⟨Jδ, v⟩ = \(lhs), ⟨δ, Jᵀv⟩ = \(rhs)")

    // The batched product equals the single ones: rows of J from a batch of basis cotangents.
    let basis = Tensor<Double>(shape: [3] + x.shape, scalars: (0..<(3 * x.count)).map { i in
      i % x.count == [5, 77, 200][i / x.count] ? 1 : 0
    })
    let rows = gradients(of: gx, withRespectTo: params, seed: Variable(basis))
    for (r, pixel) in [5, 77, 200].enumerated() {
      var e = Tensor<Double>(zeros: x.shape)
      e.scalars[pixel] = 1
      let single = gradients(of: (gx * Variable(e)).sum(), withRespectTo: params)
      for (i, s) in single.enumerated() {
        let row = rows[i].value.sliced(axis: 0, r..<(r + 1)).reshaped(s.shape)
        #expect((row - s.value).maxAbs() <= 1e-12 * Swift.max(1, s.value.maxAbs()))
      }
    }
  }
}
