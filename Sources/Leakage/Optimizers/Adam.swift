import Autodiff
import RealModule

/// Adam (Kingma & Ba) on a flat vector, with optional sign-of-gradient updates (Inverting
/// Gradients) — state is plain data so attacks can be cloned and saved.
public struct Adam<S: TensorScalar>: Sendable, Codable, Equatable {
  public var beta1: Double = 0.9
  public var beta2: Double = 0.999
  public var epsilon: Double = 1e-8
  /// First and second moment estimates.
  public var m: [S]
  public var v: [S]
  /// Steps taken so far.
  public var t: Int = 0

  public init(count: Int) {
    m = [S](repeating: 0, count: count)
    v = [S](repeating: 0, count: count)
  }

  /// One update of `x` against `gradient` with learning rate `lr`; `signed` replaces the gradient
  /// by its sign first.
  @_specialize(where S == Float)
  @_specialize(where S == Double)
  public mutating func step(_ x: inout [S], gradient: [S], lr: Double, signed: Bool) {
    precondition(x.count == m.count && gradient.count == m.count, "Adam state has \(m.count) entries")
    t += 1
    let b1 = S(beta1), b2 = S(beta2), eps = S(epsilon)
    let c1 = S(1 - Double.pow(beta1, Double(t))), c2 = S(1 - Double.pow(beta2, Double(t)))
    let rate = S(lr)
    for i in 0..<x.count {
      let g = signed ? (gradient[i] > 0 ? 1 : (gradient[i] < 0 ? -1 : 0)) : gradient[i]
      m[i] = b1 * m[i] + (1 - b1) * g
      v[i] = b2 * v[i] + (1 - b2) * g * g
      x[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
    }
  }
}
