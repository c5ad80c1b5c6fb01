/// 2-D convolutions of plain tensors, with the two adjoint convolutions.
///
/// Leading dimensions beyond `[N, C, H, W]` fold into the batch. A weight with leading dimensions
/// beyond `[O, C, kh, kw]` is a batch of weights applied to one input (this is what a batch of
/// cotangents produces in a backward pass); its leading dimensions come first in the result.
extension Tensor {
  /// Cross-correlation of `self` `[..., N, C, H, W]` with `weight` `[..., O, C, kh, kw]`, no bias.
  public func conv2d(_ weight: Tensor, window: Window2D = Window2D()) -> Tensor {
    precondition(rank >= 4 && weight.rank >= 4, "conv2d needs input [N,C,H,W] and weight [O,C,kh,kw], got \(shape) and \(weight.shape)")
    let (C, H, W) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
    let w4 = Array(weight.shape.suffix(4))
    precondition(w4[1] == C, "conv2d weight \(weight.shape) expects \(w4[1]) input channels, input \(shape) has \(C)")
    if weight.rank == 4 {
      let lead = Array(shape.dropLast(3))
      let g = Conv2DGeometry(batch: lead.elementCount, inChannels: C, inHeight: H, inWidth: W, outChannels: w4[0],
                             kernelHeight: w4[2], kernelWidth: w4[3], strideH: window.strideH, strideW: window.strideW,
                             padH: window.padH, padW: window.padW, dilationH: window.dilationH, dilationW: window.dilationW)
      return Tensor(shape: lead + [g.outChannels, g.outHeight, g.outWidth]) { out in
        withPointers(self, weight) { Scalar.conv2d(g, input: $0, weight: $1, output: out.baseAddress!) }
      }
    }
    precondition(rank == 4, "conv2d with a batch of weights \(weight.shape) needs a plain [N,C,H,W] input, got \(shape)")
    let lead = Array(weight.shape.dropLast(4)), e = lead.elementCount
    let stacked = self.conv2d(weight.reshaped([e * w4[0]] + Array(w4.dropFirst())), window: window)  // [N, E·O, H', W']
    let (n, oh, ow) = (stacked.shape[0], stacked.shape[2], stacked.shape[3])
    return stacked.reshaped([n, e, w4[0], oh, ow]).permuted([1, 0, 2, 3, 4]).reshaped(lead + [n, w4[0], oh, ow])
  }

  /// The adjoint of ``conv2d(_:window:)`` in its input: from `outputGrad` `[..., N, O, H', W']` and
  /// `weight` `[..., O, C, kh, kw]` to `[..., N, C, H, W]` with `inputSize` = (H, W).
  public static func conv2dInputGrad(
    _ outputGrad: Tensor, weight: Tensor, inputSize: (height: Int, width: Int), window: Window2D = Window2D()
  ) -> Tensor {
    let g = outputGrad
    precondition(g.rank >= 4 && weight.rank >= 4, "conv2dInputGrad needs [N,O,H',W'] and [O,C,kh,kw], got \(g.shape) and \(weight.shape)")
    let w4 = Array(weight.shape.suffix(4))
    precondition(g.shape[g.rank - 3] == w4[0], "conv2dInputGrad: gradient \(g.shape) has \(g.shape[g.rank - 3]) channels, weight \(weight.shape) has \(w4[0]) outputs")
    if weight.rank == 4 {
      let lead = Array(g.shape.dropLast(3))
      let geo = Conv2DGeometry(batch: lead.elementCount, inChannels: w4[1], inHeight: inputSize.height, inWidth: inputSize.width,
                               outChannels: w4[0], kernelHeight: w4[2], kernelWidth: w4[3], strideH: window.strideH,
                               strideW: window.strideW, padH: window.padH, padW: window.padW, dilationH: window.dilationH, dilationW: window.dilationW)
      precondition(geo.outHeight == g.shape[g.rank - 2] && geo.outWidth == g.shape[g.rank - 1],
                   "conv2dInputGrad: gradient \(g.shape) does not match input size \(inputSize) with \(window)")
      return Tensor(shape: lead + [w4[1], inputSize.height, inputSize.width]) { out in
        withPointers(g, weight) { Scalar.conv2dInputGrad(geo, outputGrad: $0, weight: $1, inputGrad: out.baseAddress!) }
      }
    }
    precondition(g.rank == 4, "conv2dInputGrad with a batch of weights \(weight.shape) needs a plain [N,O,H',W'] gradient, got \(g.shape)")
    let lead = Array(weight.shape.dropLast(4)), e = lead.elementCount
    if g.shape[0] == 1 && e >= WeightBatchInputGrad.minimumWeightCount {
      let geo = Conv2DGeometry(batch: 1, inChannels: w4[1], inHeight: inputSize.height, inWidth: inputSize.width,
                               outChannels: w4[0], kernelHeight: w4[2], kernelWidth: w4[3], strideH: window.strideH,
                               strideW: window.strideW, padH: window.padH, padW: window.padW, dilationH: window.dilationH, dilationW: window.dilationW)
      precondition(geo.outHeight == g.shape[2] && geo.outWidth == g.shape[3],
                   "conv2dInputGrad: gradient \(g.shape) does not match input size \(inputSize) with \(window)")
      return Tensor(shape: lead + [1, w4[1], inputSize.height, inputSize.width]) { out in
        withPointers(g, weight) {
          Scalar.conv2dInputGradForWeightBatch(geo, weightCount: e, outputGrad: $0, weights: $1, inputGrad: out.baseAddress!)
        }
      }
    }
    // Stack the weights along the input-channel axis: [O, E·C, kh, kw].
    let stackedWeight = weight.reshaped([e] + w4).permuted([1, 0, 2, 3, 4]).reshaped([w4[0], e * w4[1], w4[2], w4[3]])
    let stacked = conv2dInputGrad(g, weight: stackedWeight, inputSize: inputSize, window: window)  // [N, E·C, H, W]
    let n = g.shape[0]
    return stacked.reshaped([n, e, w4[1], inputSize.height, inputSize.width]).permuted([1, 0, 2, 3, 4])
      .reshaped(lead + [n, w4[1], inputSize.height, inputSize.width])
  }

  /// The adjoint of ``conv2d(_:window:)`` in its weight: from `input` `[..., N, C, H, W]` and
  /// `outputGrad` `[..., N, O, H', W']` to `[O, C, kh, kw]`, summed over all batch dimensions when
  /// both carry the same leading dimensions. When only one of them carries extra leading
  /// dimensions, the result keeps them: `[..., O, C, kh, kw]`.
  public static func conv2dWeightGrad(
    input: Tensor, outputGrad: Tensor, kernelSize: (height: Int, width: Int), window: Window2D = Window2D()
  ) -> Tensor {
    let (x, g) = (input, outputGrad)
    precondition(x.rank >= 4 && g.rank >= 4, "conv2dWeightGrad needs [N,C,H,W] and [N,O,H',W'], got \(x.shape) and \(g.shape)")
    if x.rank == g.rank {
      precondition(x.shape.dropLast(3) == g.shape.dropLast(3), "conv2dWeightGrad: batch dimensions of \(x.shape) and \(g.shape) differ")
      let geo = Conv2DGeometry(batch: x.shape.dropLast(3).reduce(1, *), inChannels: x.shape[x.rank - 3],
                               inHeight: x.shape[x.rank - 2], inWidth: x.shape[x.rank - 1], outChannels: g.shape[g.rank - 3],
                               kernelHeight: kernelSize.height, kernelWidth: kernelSize.width, strideH: window.strideH,
                               strideW: window.strideW, padH: window.padH, padW: window.padW, dilationH: window.dilationH, dilationW: window.dilationW)
      precondition(geo.outHeight == g.shape[g.rank - 2] && geo.outWidth == g.shape[g.rank - 1],
                   "conv2dWeightGrad: gradient \(g.shape) does not match input \(x.shape) with kernel \(kernelSize), \(window)")
      return Tensor(shape: geo.weightShape) { out in
        withPointers(x, g) { Scalar.conv2dWeightGrad(geo, input: $0, outputGrad: $1, weightGrad: out.baseAddress!) }
      }
    }
    if x.rank > 4 {
      precondition(g.rank == 4, "conv2dWeightGrad: unsupported batch layout \(x.shape) with \(g.shape)")
      // A batch of inputs against one gradient: stack the inputs along channels.
      let lead = Array(x.shape.dropLast(4)), e = lead.elementCount
      let (n, c, h, w) = (x.shape[x.rank - 4], x.shape[x.rank - 3], x.shape[x.rank - 2], x.shape[x.rank - 1])
      let stackedInput = x.reshaped([e, n, c, h, w]).permuted([1, 0, 2, 3, 4]).reshaped([n, e * c, h, w])
      let o = g.shape[1]
      let geo = Conv2DGeometry(batch: n, inChannels: e * c, inHeight: h, inWidth: w, outChannels: o,
                               kernelHeight: kernelSize.height, kernelWidth: kernelSize.width, strideH: window.strideH,
                               strideW: window.strideW, padH: window.padH, padW: window.padW, dilationH: window.dilationH, dilationW: window.dilationW)
      if WideWeightGradBlocking.isProfitable(geo) {
        precondition(geo.outHeight == g.shape[2] && geo.outWidth == g.shape[3],
                     "conv2dWeightGrad: gradient \(g.shape) does not match input \(x.shape) with kernel \(kernelSize), \(window)")
        // Written straight in the [E, O, C, kh, kw] order: no stacked result to permute.
        return Tensor(shape: lead + [o, c, kernelSize.height, kernelSize.width]) { out in
          withPointers(stackedInput, g) {
            Scalar.conv2dWeightGradWide(geo, input: $0, outputGrad: $1, weightGrad: out.baseAddress!, groups: e)
          }
        }
      }
      let stacked = conv2dWeightGrad(input: stackedInput, outputGrad: g, kernelSize: kernelSize, window: window)  // [O, E·C, kh, kw]
      return stacked.reshaped([o, e, c, kernelSize.height, kernelSize.width]).permuted([1, 0, 2, 3, 4])
        .reshaped(lead + [o, c, kernelSize.height, kernelSize.width])
    }
    precondition(x.rank == 4, "conv2dWeightGrad: unsupported batch layout \(x.shape) with \(g.shape)")
    // One input against a batch of gradients: stack the gradients along output channels.
    let lead = Array(g.shape.dropLast(4)), e = lead.elementCount
    let (n, o, oh, ow) = (g.shape[g.rank - 4], g.shape[g.rank - 3], g.shape[g.rank - 2], g.shape[g.rank - 1])
    let stackedGrad = g.reshaped([e, n, o, oh, ow]).permuted([1, 0, 2, 3, 4]).reshaped([n, e * o, oh, ow])
    let stacked = conv2dWeightGrad(input: x, outputGrad: stackedGrad, kernelSize: kernelSize, window: window)  // [E·O, C, kh, kw]
    return stacked.reshaped(lead + [o, x.shape[1], kernelSize.height, kernelSize.width])
  }
}

/// Calls `body` with base addresses of two non-empty tensors' storage.
@inline(__always)
func withPointers<S: TensorScalar, R>(
  _ a: Tensor<S>, _ b: Tensor<S>, _ body: (UnsafePointer<S>, UnsafePointer<S>) -> R
) -> R {
  a.scalars.withUnsafeBufferPointer { pa in
    b.scalars.withUnsafeBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!) }
  }
}
