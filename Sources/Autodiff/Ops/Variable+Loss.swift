/// Log-softmax and cross-entropy, composed from differentiable primitives.
extension Variable {
  /// `x − log Σ exp(x)` along `axis`, shifted by the (constant) maximum for stability.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func logSoftmax(axis: Int = -1) -> Variable {
    let shifted = self - withoutGradient { $0.max(axis: axis, keepDims: true) }
    return shifted - shifted.exp().sum(axes: [axis], keepDims: true).log()
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func softmax(axis: Int = -1) -> Variable { logSoftmax(axis: axis).exp() }

  /// Mean cross-entropy of logits `[N, K]` against integer class labels (one per row).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func crossEntropy(labels: [Int]) -> Variable {
    precondition(rank == 2 && labels.count == shape[0], "crossEntropy needs logits [N, K] and N labels, got \(shape) and \(labels.count)")
    let k = shape[1]
    var oneHot = Tensor<Scalar>(zeros: shape)
    for (n, label) in labels.enumerated() {
      precondition(label >= 0 && label < k, "label \(label) outside 0..<\(k)")
      oneHot.scalars[n * k + label] = 1
    }
    return crossEntropy(targets: Variable(oneHot))
  }

  /// Mean cross-entropy of logits `[N, K]` against target distributions `[N, K]` (soft labels,
  /// which may themselves be differentiable).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func crossEntropy(targets: Variable) -> Variable {
    precondition(targets.shape == shape && rank == 2, "crossEntropy: targets \(targets.shape) must match logits \(shape)")
    return -(targets * logSoftmax(axis: -1)).sum() * (1 / Scalar(shape[0]))
  }
}
