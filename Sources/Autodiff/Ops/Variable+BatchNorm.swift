/// Batch normalisation over `[N, C, H, W]` (or `[N, C]`), per channel.
extension Variable {
  /// Evaluation mode: normalise with fixed running statistics, then scale by `weight` and shift by
  /// `bias` (all `[C]`). The statistics are constants; `weight` and `bias` may be parameters.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func batchNorm(
    runningMean: Tensor<Scalar>, runningVariance: Tensor<Scalar>, weight: Variable, bias: Variable, epsilon: Scalar = 1e-5
  ) -> Variable {
    let channelShape = [shape[1]] + [Int](repeating: 1, count: rank - 2)
    let invStd = Variable((runningVariance + epsilon).map(.sqrt).map(.reciprocal))
    let scale = weight * invStd
    let shift = bias - Variable(runningMean) * scale
    return self * scale.reshaped(channelShape) + shift.reshaped(channelShape)
  }

  /// Training mode: normalise with the batch's own mean and (biased) variance over every axis but
  /// the channel axis, as PyTorch does in the forward pass.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func batchNorm(weight: Variable, bias: Variable, epsilon: Scalar = 1e-5) -> Variable {
    let channelShape = [shape[1]] + [Int](repeating: 1, count: rank - 2)
    let axes = [0] + Array(2..<rank)
    let centred = self - mean(axes: axes, keepDims: true)
    let variance = centred.square().mean(axes: axes, keepDims: true)
    return centred / (variance + epsilon).sqrt() * weight.reshaped(channelShape) + bias.reshaped(channelShape)
  }

  /// The batch statistics that training mode normalises with: per-channel mean and unbiased
  /// variance (what PyTorch folds into its running averages).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func batchStatistics() -> (mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
    let axes = [0] + Array(2..<rank)
    let n = Scalar(count / shape[1])
    let mean = value.sum(axes: axes) * (1 / n)
    let centred = value - mean.reshaped([shape[1]] + [Int](repeating: 1, count: rank - 2))
    let variance = (centred * centred).sum(axes: axes) * (1 / Swift.max(n - 1, 1))
    return (mean, variance)
  }
}
