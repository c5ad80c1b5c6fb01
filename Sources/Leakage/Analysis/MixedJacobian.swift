import Autodiff
import Dispatch

/// The mixed second derivative `J = ∂²L/∂x∂θ` (dx × dθ) at one victim batch, available through
/// its products. Both products are gradients of gradients:
/// `J·δ = ∇ₓ⟨∇θL, δ⟩` and `Jᵀ·v = ∇θ⟨∇ₓL, v⟩`.
///
/// The graph of (∇ₓL, ∇θL) is built once, with `createGraph`, and every product is one backward
/// pass over it; a batch of vectors is one batched pass. The first pass for a batch size is
/// recorded and compiled into a ``Program`` whose inputs are the vectors, so later passes replay
/// only the part that is linear in them (the forward and first backward pass are constants
/// there). Vectors are flat: δ has dθ entries (θ in the network's parameter order) and v has dx
/// entries (the batch of images, row-major).
public struct MixedJacobian<S: TensorScalar>: Sendable {
  public let layout: ParameterLayout
  public let inputShape: [Int]
  /// The loss L(x0, θ).
  public let loss: Double
  let x: Variable<S>
  let theta: [Variable<S>]
  let gradX: Variable<S>
  let gradTheta: Variable<S>
  /// The compiled product passes, by kind and batch size (shared by copies).
  let programs = ProgramCache<ProductPass, S>()

  /// One kind of batched product pass, for `k` vectors.
  enum ProductPass: Hashable, Sendable {
    case product(k: Int)
    case transposed(k: Int)
  }

  public init(_ victim: VictimBatch, as: S.Type = S.self) {
    let (leaves, binding) = victim.weights.bind(victim.network, as: S.self)
    let x = Variable(Tensor<S>(victim.images), requiresGrad: true)
    let l = VictimBatch.loss(victim.network, x, binding, labels: victim.labels)
    let grads = gradients(of: l, withRespectTo: [x] + leaves, createGraph: true)
    self.layout = ParameterLayout(victim.network)
    self.inputShape = victim.images.shape
    self.loss = Double(l.value.scalar)
    self.x = x
    self.theta = leaves
    self.gradX = grads[0]
    self.gradTheta = Variable.concatenated(grads.dropFirst().map { $0.reshaped([$0.count]) }, axis: 0)
  }

  /// dx = B·C·H·W.
  public var inputCount: Int { inputShape.elementCount }
  /// dθ.
  public var parameterCount: Int { layout.count }
  /// The shared gradient g0 = ∇θL(x0, θ), flat.
  public var sharedGradient: Tensor<S> { gradTheta.value }

  /// `J·δ` for δ with dθ entries; dx entries.
  public func apply(_ delta: Tensor<S>) -> Tensor<S> {
    applyBatch(delta.reshaped([1, parameterCount])).reshaped([inputCount])
  }

  /// `Jᵀ·v` for v with dx entries; dθ entries.
  public func applyTransposed(_ v: Tensor<S>) -> Tensor<S> {
    applyTransposedBatch(v.reshaped([1, inputCount])).reshaped([parameterCount])
  }

  /// `J·Jᵀ·v`.
  public func applyGram(_ v: Tensor<S>) -> Tensor<S> { apply(applyTransposed(v)) }

  /// The multiply–adds of the convolutions and matrix products in one `J·Jᵀ·v` (its two compiled
  /// passes for one vector); nil before the first.
  public var gramMultiplyAdds: Double? {
    guard let forward = programs.program(.product(k: 1)), let transposed = programs.program(.transposed(k: 1)) else { return nil }
    return forward.multiplyAdds + transposed.multiplyAdds
  }

  /// `J·Jᵀ·v` for each row of `vs` `[K, dx]`, as two batched passes whose `[K, dθ]` middle stays
  /// in this precision; `transposedSeconds` receives the time of the first (the `Jᵀ·v`) pass.
  public func applyGramBatch(_ vs: Tensor<S>, transposedSeconds: inout Double) -> Tensor<S> {
    let start = DispatchTime.now().uptimeNanoseconds
    let middle = applyTransposedBatch(vs)
    transposedSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return applyBatch(middle)
  }

  /// `J·δ` for each row of `deltas` `[K, dθ]`, in one batched pass: `[K, dx]`.
  public func applyBatch(_ deltas: Tensor<S>) -> Tensor<S> {
    precondition(deltas.rank == 2 && deltas.shape[1] == parameterCount, "J·δ needs [K, \(parameterCount)], got \(deltas.shape)")
    let k = deltas.shape[0]
    let r = programs.run(.product(k: k), [deltas]) { seeds, createGraph in
      gradients(of: gradTheta, withRespectTo: [x], seed: seeds[0], createGraph: createGraph)
    }[0]
    return r.reshaped([k, inputCount])
  }

  /// `Jᵀ·v` for each row of `vs` `[K, dx]`, in one batched pass: `[K, dθ]`.
  public func applyTransposedBatch(_ vs: Tensor<S>) -> Tensor<S> {
    Tensor(shape: [vs.shape.first ?? 0, parameterCount]) { out in
      if let base = out.baseAddress { applyTransposedBatch(vs, into: base) }
    }
  }

  /// `Jᵀ·v` for each row of `vs` `[K, dx]`, in one batched pass, written as `K` rows of dθ values
  /// (row-major, converted to `T`) at `rows`.
  @_specialize(where S == Float, T == Float)
  @_specialize(where S == Float, T == Double)
  @_specialize(where S == Double, T == Double)
  func applyTransposedBatch<T: TensorScalar>(_ vs: Tensor<S>, into rows: UnsafeMutablePointer<T>) {
    precondition(vs.rank == 2 && vs.shape[1] == inputCount, "Jᵀ·v needs [K, \(inputCount)], got \(vs.shape)")
    let k = vs.shape[0], dtheta = parameterCount
    let parts = programs.run(.transposed(k: k), [vs.reshaped([k] + inputShape)]) { seeds, createGraph in
      gradients(of: gradX, withRespectTo: theta, seed: seeds[0], createGraph: createGraph)
    }
    // Interleave the per-parameter blocks [K, …] into rows [K, dθ], rows split across the cores
    // (the first writes to fresh memory are page faults: they too go twice as fast).
    Parallel.forEachChunk(k, costPerItem: dtheta) { range in
      for (p, part) in parts.enumerated() {
        let n = layout.shapes[p].elementCount, offset = layout.offsets[p]
        part.scalars.withUnsafeBufferPointer { values in
          guard let src = values.baseAddress else { return }
          for row in range {
            let from = src + row * n, to = rows + row * dtheta + offset
            for j in 0..<n { to[j] = T(from[j]) }
          }
        }
      }
    }
  }
}

/// The Jacobian products in Float64 terms, whatever precision they are computed in: what the
/// spectral solvers and the I2F analysis consume.
public protocol JacobianProducts: Sendable {
  var layout: ParameterLayout { get }
  var inputCount: Int { get }
  var parameterCount: Int { get }
  var loss: Double { get }
  /// "F32" or "F64".
  var precision: DType { get }
  /// g0 = ∇θL (flat).
  var sharedGradientF64: Tensor<Double> { get }
  /// `J·δ` (dx entries).
  func product(_ delta: Tensor<Double>) -> Tensor<Double>
  /// `J·δ` for each row of `[K, dθ]`: `[K, dx]`.
  func products(_ deltas: Tensor<Double>) -> Tensor<Double>
  /// `Jᵀ·v` for each row of `[K, dx]`: `[K, dθ]`.
  func transposedProducts(_ vs: Tensor<Double>) -> Tensor<Double>
  /// The same rows written row-major into `rows` (`K·dθ` values, converted to `T`), without an
  /// intermediate tensor.
  func transposedProducts<T: TensorScalar>(_ vs: Tensor<Double>, into rows: UnsafeMutableBufferPointer<T>)
  /// `J·Jᵀ·v` for each row of `[K, dx]`: `[K, dx]`, with the seconds of its `Jᵀ·v` half.
  func gramProducts(_ vs: Tensor<Double>, transposedSeconds: inout Double) -> Tensor<Double>
  /// The multiply–adds of one `J·Jᵀ·v` (both passes) in the products' compiled form, or nil when
  /// they are not known; may run one product on a zero vector to compile the passes.
  func gramMultiplyAddsPerVector() -> Double?
}

extension JacobianProducts {
  public func transposedProducts<T: TensorScalar>(_ vs: Tensor<Double>, into rows: UnsafeMutableBufferPointer<T>) {
    let products = transposedProducts(vs)
    precondition(rows.count == products.count, "\(rows.count) values for \(products.shape) products")
    _ = rows.initialize(from: products.scalars.lazy.map { T($0) })
  }

  /// `Jᵀ·v` (dθ entries).
  public func transposedProduct(_ v: Tensor<Double>) -> Tensor<Double> {
    transposedProducts(v.reshaped([1, inputCount])).reshaped([parameterCount])
  }

  /// `J·Jᵀ·v`.
  public func gramProduct(_ v: Tensor<Double>) -> Tensor<Double> { product(transposedProduct(v)) }

  /// `J·Jᵀ·v` for each row of `[K, dx]`, as two batched passes: `[K, dx]`.
  public func gramProducts(_ vs: Tensor<Double>) -> Tensor<Double> {
    var ignored = 0.0
    return gramProducts(vs, transposedSeconds: &ignored)
  }
}

extension MixedJacobian: JacobianProducts {
  public var precision: DType { S.dtype }
  public var sharedGradientF64: Tensor<Double> { Tensor<Double>(sharedGradient) }

  public func product(_ delta: Tensor<Double>) -> Tensor<Double> {
    Tensor<Double>(apply(Tensor<S>(delta)))
  }

  public func products(_ deltas: Tensor<Double>) -> Tensor<Double> {
    Tensor<Double>(applyBatch(Tensor<S>(deltas)))
  }

  public func transposedProducts(_ vs: Tensor<Double>) -> Tensor<Double> {
    Tensor<Double>(applyTransposedBatch(Tensor<S>(vs)))
  }

  public func gramProducts(_ vs: Tensor<Double>, transposedSeconds: inout Double) -> Tensor<Double> {
    Tensor<Double>(applyGramBatch(Tensor<S>(vs), transposedSeconds: &transposedSeconds))
  }

  public func gramMultiplyAddsPerVector() -> Double? {
    if gramMultiplyAdds == nil { _ = applyGram(Tensor<S>(zeros: [inputCount])) }
    return gramMultiplyAdds
  }

  public func transposedProducts<T: TensorScalar>(_ vs: Tensor<Double>, into rows: UnsafeMutableBufferPointer<T>) {
    precondition(vs.rank == 2 && rows.count == vs.shape[0] * parameterCount,
                 "\(rows.count) values for \(vs.shape[0]) rows of \(parameterCount)")
    guard let base = rows.baseAddress else { return }
    applyTransposedBatch(Tensor<S>(vs), into: base)
  }
}
