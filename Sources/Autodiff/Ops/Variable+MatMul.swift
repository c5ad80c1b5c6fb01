/// Differentiable matrix products and the affine layer built on them.
extension Variable {
  /// `op(self) · op(other)` over the last two dimensions with broadcast batch dimensions;
  /// `op` transposes when asked (the transposes cost nothing: they are GEMM flags).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func matmul(_ other: Variable, transposeSelf tA: Bool = false, transposeOther tB: Bool = false) -> Variable {
    Variable.record("matmul", inputs: [self, other], forward: { $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB) }) { c in
      let (a, b, g, r) = (c.inputs[0], c.inputs[1], c.gradient, c.output.rank)
      // With A' = op(a), B' = op(b): dA' = g·B'ᵀ, dB' = A'ᵀ·g, transposed back where op transposed.
      let ga = c.needsGradient[0]
        ? (tA ? b.matmul(g, transposeSelf: tB, transposeOther: true) : g.matmul(b, transposeOther: !tB)) : nil
      let gb = c.needsGradient[1]
        ? (tB ? g.matmul(a, transposeSelf: true, transposeOther: tA) : a.matmul(g, transposeSelf: !tA)) : nil
      return [ga?.unbroadcast(to: a.shape, outputRank: r), gb?.unbroadcast(to: b.shape, outputRank: r)]
    }
  }

  /// `self · weightᵀ + bias` for `self` `[..., in]`, `weight` `[out, in]`, `bias` `[out]`
  /// (PyTorch's `nn.Linear`).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func linear(weight: Variable, bias: Variable?) -> Variable {
    let y = matmul(weight, transposeOther: true)
    return bias.map { y + $0 } ?? y
  }
}
