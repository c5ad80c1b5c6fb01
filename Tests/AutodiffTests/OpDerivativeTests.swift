import Autodiff
import Testing

/// Every differentiable op, checked by ``DerivativeCheck`` in Float64.
enum OpCases {
  static let elementwise: [OpCase] = [
    OpCase(name: "add broadcast", shapes: [[2, 3, 4], [3, 1]]) { $0[0] + $0[1] },
    OpCase(name: "subtract broadcast", shapes: [[3, 1], [2, 1, 4]]) { $0[0] - $0[1] },
    OpCase(name: "multiply broadcast", shapes: [[2, 3, 4], [4]]) { $0[0] * $0[1] },
    OpCase(name: "divide broadcast", shapes: [[2, 3], [3]], positive: true) { $0[0] / $0[1] },
    OpCase(name: "negate", shapes: [[5]]) { -$0[0] },
    OpCase(name: "scalar ops", shapes: [[2, 3]]) { 3 - ($0[0] * 2.5 + 1) / 4 },
    OpCase(name: "pow 3", shapes: [[7]], positive: true) { $0[0].pow(3) },
    OpCase(name: "pow -1.5", shapes: [[7]], positive: true) { $0[0].pow(-1.5) },
    OpCase(name: "square", shapes: [[2, 5]]) { $0[0].square() },
    OpCase(name: "sqrt", shapes: [[6]], positive: true) { $0[0].sqrt() },
    OpCase(name: "abs", shapes: [[9]]) { $0[0].abs() },
    OpCase(name: "exp", shapes: [[6]]) { $0[0].exp() },
    OpCase(name: "log", shapes: [[6]], positive: true) { $0[0].log() },
    OpCase(name: "sigmoid", shapes: [[3, 4]]) { $0[0].sigmoid() },
    OpCase(name: "tanh", shapes: [[3, 4]]) { $0[0].tanh() },
    OpCase(name: "relu", shapes: [[12]]) { $0[0].relu() },
    OpCase(name: "leaky relu", shapes: [[12]]) { $0[0].leakyRelu(slope: 0.1) },
    OpCase(name: "softplus", shapes: [[3, 4]]) { ($0[0] * 3).softplus() },
    OpCase(name: "elu", shapes: [[12]]) { $0[0].elu(alpha: 0.7) },
  ]

  static let shapes: [OpCase] = [
    OpCase(name: "reshape", shapes: [[2, 6]]) { $0[0].reshaped([3, 4]) },
    OpCase(name: "flatten", shapes: [[2, 3, 2, 2]]) { $0[0].flattened() },
    OpCase(name: "permute", shapes: [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
    OpCase(name: "transpose", shapes: [[2, 3, 5]]) { $0[0].transposed() },
    OpCase(name: "slice", shapes: [[4, 5]]) { $0[0].sliced(axis: 1, 1..<4) },
    OpCase(name: "pad", shapes: [[3, 2]]) { $0[0].padded(axis: 0, before: 1, after: 2) },
    OpCase(name: "broadcast", shapes: [[3, 1]]) { $0[0].broadcast(to: [2, 3, 4]) },
    OpCase(name: "summed to shape", shapes: [[2, 3, 4]]) { $0[0].summed(toShape: [1, 3, 1]) },
    OpCase(name: "concatenate", shapes: [[2, 3], [2, 2]]) { Variable.concatenated($0, axis: 1) },
  ]

  static let reductions: [OpCase] = [
    OpCase(name: "sum", shapes: [[3, 4]]) { $0[0].sum() },
    OpCase(name: "sum axes", shapes: [[2, 3, 4]]) { $0[0].sum(axes: [0, 2]) },
    OpCase(name: "sum axis keepDims", shapes: [[2, 3, 4]]) { $0[0].sum(axes: [-1], keepDims: true) },
    OpCase(name: "mean", shapes: [[5, 2]]) { $0[0].mean() },
    OpCase(name: "mean axes", shapes: [[2, 3, 4]]) { $0[0].mean(axes: [1]) },
  ]

  static let products: [OpCase] = [
    OpCase(name: "matmul", shapes: [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "matmul Aᵀ", shapes: [[4, 3], [4, 5]]) { $0[0].matmul($0[1], transposeSelf: true) },
    OpCase(name: "matmul Bᵀ", shapes: [[3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeOther: true) },
    OpCase(name: "matmul AᵀBᵀ", shapes: [[4, 3], [5, 4]]) { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true) },
    OpCase(name: "matmul batch × matrix", shapes: [[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "matmul matrix × batch", shapes: [[3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) },
    OpCase(name: "matmul batch broadcast", shapes: [[2, 1, 3, 4], [3, 4, 2]]) { $0[0].matmul($0[1]) },
    OpCase(name: "linear", shapes: [[2, 5], [3, 5], [3]]) { $0[0].linear(weight: $0[1], bias: $0[2]) },
  ]

  static let convolutions: [OpCase] = [
    OpCase(name: "conv2d k5 s2 p2 + bias", shapes: [[1, 2, 7, 9], [3, 2, 5, 5], [3]]) {
      $0[0].conv2d($0[1], bias: $0[2], window: Window2D(stride: 2, padding: 2))
    },
    OpCase(name: "conv2d k5 s1 p2", shapes: [[2, 1, 6, 5], [2, 1, 5, 5]]) {
      $0[0].conv2d($0[1], window: Window2D(stride: 1, padding: 2))
    },
    OpCase(name: "conv2d k3 s1 p1", shapes: [[2, 3, 5, 4], [2, 3, 3, 3]]) {
      $0[0].conv2d($0[1], window: Window2D(stride: 1, padding: 1))
    },
    OpCase(name: "conv2d k3 s2 p1", shapes: [[1, 2, 7, 7], [3, 2, 3, 3]]) {
      $0[0].conv2d($0[1], window: Window2D(stride: 2, padding: 1))
    },
    OpCase(name: "conv2d k1 s2 p0", shapes: [[2, 3, 5, 6], [2, 3, 1, 1]]) {
      $0[0].conv2d($0[1], window: Window2D(stride: 2, padding: 0))
    },
    OpCase(name: "conv2d k2×3 s(2,1) p(0,1)", shapes: [[1, 2, 5, 4], [2, 2, 2, 3]]) {
      $0[0].conv2d($0[1], window: Window2D(strideH: 2, strideW: 1, padH: 0, padW: 1))
    },
    OpCase(name: "conv2d k3 dilation 2 p2 + bias", shapes: [[2, 2, 7, 6], [3, 2, 3, 3], [3]]) {
      $0[0].conv2d($0[1], bias: $0[2], window: Window2D(stride: 1, padding: 2, dilation: 2))
    },
    OpCase(name: "conv2d k3×2 s(2,1) d(2,3)", shapes: [[1, 2, 9, 8], [2, 2, 3, 2]]) {
      $0[0].conv2d($0[1], window: Window2D(strideH: 2, strideW: 1, padH: 1, padW: 2, dilationH: 2, dilationW: 3))
    },
    OpCase(name: "conv2dInputGrad", shapes: [[2, 3, 4, 3], [3, 2, 3, 3]]) {
      Variable.conv2dInputGrad($0[0], weight: $0[1], inputSize: (7, 5), window: Window2D(stride: 2, padding: 1))
    },
    OpCase(name: "conv2dWeightGrad", shapes: [[2, 2, 7, 5], [2, 3, 4, 3]]) {
      Variable.conv2dWeightGrad(input: $0[0], outputGrad: $0[1], kernelSize: (3, 3), window: Window2D(stride: 2, padding: 1))
    },
  ]

  static let pooling: [OpCase] = [
    OpCase(name: "max pool 2 s2", shapes: [[2, 2, 6, 5]]) { $0[0].maxPool2d(2) },
    OpCase(name: "max pool 3 s2 p1", shapes: [[1, 2, 7, 7]]) { $0[0].maxPool2d(3, stride: 2, padding: 1) },
    OpCase(name: "avg pool 2 s2", shapes: [[2, 2, 6, 4]]) { $0[0].avgPool2d(2) },
    OpCase(name: "avg pool 3 s2 p1", shapes: [[1, 2, 5, 7]]) { $0[0].avgPool2d(3, stride: 2, padding: 1) },
    OpCase(name: "global avg pool", shapes: [[2, 3, 4, 5]]) { $0[0].globalAvgPool2d() },
    OpCase(name: "max pool 3 s2 p1 ceil", shapes: [[1, 2, 8, 7]]) {
      $0[0].maxPool2d(Pool2DGeometry(planes: 1, inHeight: 8, inWidth: 7, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2,
                                     padH: 1, padW: 1, ceilMode: true))
    },
    OpCase(name: "max pool 2×3 dilation 2 asymmetric pads", shapes: [[2, 1, 7, 8]]) {
      $0[0].maxPool2d(Pool2DGeometry(planes: 1, inHeight: 7, inWidth: 8, kernelHeight: 2, kernelWidth: 3, strideH: 1, strideW: 2,
                                     padH: 1, padW: 0, padBottom: 0, padRight: 1, dilationH: 2, dilationW: 2))
    },
    OpCase(name: "avg pool 3 s2 p1 ceil, padding not counted", shapes: [[1, 2, 7, 8]]) {
      $0[0].avgPool2d(Pool2DGeometry(planes: 1, inHeight: 7, inWidth: 8, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2,
                                     padH: 1, padW: 1, ceilMode: true, countIncludePad: false))
    },
  ]

  static let losses: [OpCase] = [
    OpCase(name: "log softmax", shapes: [[3, 5]]) { $0[0].logSoftmax() },
    OpCase(name: "softmax axis 0", shapes: [[4, 2]]) { $0[0].softmax(axis: 0) },
    OpCase(name: "cross entropy labels", shapes: [[3, 4]]) { $0[0].crossEntropy(labels: [2, 0, 3]) },
    OpCase(name: "cross entropy soft", shapes: [[2, 3], [2, 3]]) { $0[0].crossEntropy(targets: $0[1].softmax()) },
    OpCase(name: "batch norm eval", shapes: [[2, 3, 2, 2], [3], [3]]) {
      $0[0].batchNorm(runningMean: Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]),
                      runningVariance: Tensor(shape: [3], scalars: [0.5, 1.5, 2.0]), weight: $0[1], bias: $0[2])
    },
    OpCase(name: "batch norm train", shapes: [[3, 2, 2, 3], [2], [2]]) { $0[0].batchNorm(weight: $0[1], bias: $0[2]) },
  ]
}

@Suite("Op derivatives (Float64, finite differences and batched cotangents)")
struct OpDerivativeTests {
  @Test(arguments: OpCases.elementwise) func elementwise(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.shapes) func shapes(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.reductions) func reductions(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.products) func products(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.convolutions) func convolutions(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.pooling) func pooling(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
  @Test(arguments: OpCases.losses) func losses(_ op: OpCase) { var c = DerivativeCheck(); c.run(op) }
}
