/// Differentiable 2-D convolution. Its two adjoints are ops too, each with its own derivative, so
/// gradients of gradients (and batches of cotangents) flow through convolutions.
extension Variable {
  /// Cross-correlation with `weight` `[O, C, kh, kw]` plus an optional `bias` `[O]`
  /// (PyTorch's `nn.Conv2d`): `[N, C, H, W]` → `[N, O, H', W']`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func conv2d(_ weight: Variable, bias: Variable? = nil, window: Window2D = Window2D()) -> Variable {
    let inputSize = (height: shape[rank - 2], width: shape[rank - 1])
    let kernelSize = (height: weight.shape[weight.rank - 2], width: weight.shape[weight.rank - 1])
    let y = Variable.record("conv2d", inputs: [self, weight], forward: { $0[0].conv2d($0[1], window: window) }) { c in
      let (x, w, g) = (c.inputs[0], c.inputs[1], c.gradient)
      return [
        c.needsGradient[0] ? Variable.conv2dInputGrad(g, weight: w, inputSize: inputSize, window: window) : nil,
        c.needsGradient[1] ? Variable.conv2dWeightGrad(input: x, outputGrad: g, kernelSize: kernelSize, window: window) : nil,
      ]
    }
    guard let bias else { return y }
    return y + bias.reshaped([bias.count, 1, 1])
  }

  /// The adjoint of ``conv2d(_:bias:window:)`` in its input (a transposed convolution).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func conv2dInputGrad(
    _ outputGrad: Variable, weight: Variable, inputSize: (height: Int, width: Int), window: Window2D
  ) -> Variable {
    let kernelSize = (height: weight.shape[weight.rank - 2], width: weight.shape[weight.rank - 1])
    return record("conv2dInputGrad", inputs: [outputGrad, weight], forward: {
      Tensor.conv2dInputGrad($0[0], weight: $0[1], inputSize: inputSize, window: window)
    }) { c in
      // Bilinear in (outputGrad, weight): each partial is the original convolution or its weight adjoint.
      let (gy, w, gamma) = (c.inputs[0], c.inputs[1], c.gradient)
      return [
        c.needsGradient[0] ? gamma.conv2d(w, window: window) : nil,
        c.needsGradient[1] ? conv2dWeightGrad(input: gamma, outputGrad: gy, kernelSize: kernelSize, window: window) : nil,
      ]
    }
  }

  /// The adjoint of ``conv2d(_:bias:window:)`` in its weight.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func conv2dWeightGrad(
    input: Variable, outputGrad: Variable, kernelSize: (height: Int, width: Int), window: Window2D
  ) -> Variable {
    let inputSize = (height: input.shape[input.rank - 2], width: input.shape[input.rank - 1])
    return record("conv2dWeightGrad", inputs: [input, outputGrad], forward: {
      Tensor.conv2dWeightGrad(input: $0[0], outputGrad: $0[1], kernelSize: kernelSize, window: window)
    }) { c in
      let (x, gy, gamma) = (c.inputs[0], c.inputs[1], c.gradient)
      return [
        c.needsGradient[0] ? conv2dInputGrad(gy, weight: gamma, inputSize: inputSize, window: window) : nil,
        c.needsGradient[1] ? x.conv2d(gamma, window: window) : nil,
      ]
    }
  }
}
