import Autodiff
import Leakage
import Testing

@Suite("Model shapes, parameter counts and initialisers")
struct ModelShapeTests {
  @Test func parameterCountsMatchTheArchitectures() throws {
    // Counts worked out by hand from each layer's shapes (LeNet-5's 61,706 is the classic figure).
    let expected: [(ModelSpec, Int)] = [
      (ModelSpec(.convnet5, inputShape: [1, 28, 28], classCount: 10), 312 + 3 * 3612 + 588 * 10 + 10),
      (ModelSpec(.convnet5, inputShape: [3, 32, 32], classCount: 10), 912 + 3 * 3612 + 768 * 10 + 10),
      (ModelSpec(.mlp, inputShape: [1, 8, 8], classCount: 10), 64 * 128 + 128 + 128 * 10 + 10),
      (ModelSpec(.lenet5, inputShape: [1, 28, 28], classCount: 10), 61_706),
      (ModelSpec(.resnet8, inputShape: [3, 32, 32], classCount: 10), 78_042),
      // torchvision's resnet18 has 11,689,512 with 1000 classes; 10 classes drop 513,000 − 5,130,
      // and the CIFAR stem's 3×3 conv1 another 64·3·(49 − 9).
      (ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10, stem: .imagenet), 11_181_642),
      (ModelSpec(.resnet18, inputShape: [3, 32, 32], classCount: 10), 11_173_962),
    ]
    for (spec, count) in expected {
      #expect(try spec.makeNetwork().parameterCount == count, "\(spec)")
    }
  }

  @Test(arguments: [[1, 8, 8], [1, 25, 25], [1, 28, 28], [3, 32, 32]])
  func everyArchitectureAdaptsToTheInput(_ shape: [Int]) throws {
    for arch in Architecture.allCases {
      let network = try ModelSpec(arch, inputShape: shape, classCount: 7).makeNetwork()
      let weights = Initializer.kaiming.weights(for: network, seed: 1)
      let (_, binding) = weights.bind(network, as: Float.self, requiresGrad: false)
      var rng = SeededRandom(seed: 2)
      let y = network.logits(Variable(Tensor<Float>.uniform([3] + shape, using: &rng)), binding)
      #expect(y.shape == [3, 7], "\(arch) on \(shape)")
      #expect(y.value.scalars.allSatisfy { $0.isFinite })
    }
  }

  @Test func convnet5WithZeroWeightsIsComputableByHand() throws {
    // With every convolution weight zero, each layer outputs sigmoid(bias) per channel, so the
    // logits are fc·(flattened constants) + fc.bias.
    let network = try ModelSpec(.convnet5, inputShape: [1, 8, 8], classCount: 3).makeNetwork()
    var tensors = Initializer.uniform.weights(for: network, seed: 4).tensors
    for i in 1...4 { tensors["conv\(i).weight"] = Tensor(zeros: tensors["conv\(i).weight"]!.shape) }
    let weights = ModelWeights(tensors: tensors, provenance: "test")
    let b4 = tensors["conv4.bias"]!.scalars, fcW = tensors["fc.weight"]!, fcB = tensors["fc.bias"]!.scalars
    let spatial = fcW.shape[1] / 12
    let features = (0..<12).flatMap { c in [Double](repeating: 1 / (1 + Double.exp(-b4[c])), count: spatial) }
    let expected = (0..<3).map { k in fcB[k] + (0..<features.count).reduce(0) { $0 + fcW.scalars[k * features.count + $1] * features[$1] } }
    let (_, binding) = weights.bind(network, as: Double.self, requiresGrad: false)
    let logits = network.logits(Variable(Tensor<Double>(repeating: 0.3, shape: [1, 1, 8, 8])), binding).value.scalars
    for k in 0..<3 { #expect(Swift.abs(logits[k] - expected[k]) < 1e-12) }
  }

  @Test func initialisersFollowTheirDefinitions() throws {
    let network = try ModelSpec(.convnet5, inputShape: [1, 28, 28], classCount: 10).makeNetwork()
    let conv2 = network.parameters.first { $0.name == "conv2.weight" }!
    for initializer in Initializer.allCases {
      let w = initializer.weights(for: network, seed: 9)
      #expect(w == initializer.weights(for: network, seed: 9), "\(initializer) is not reproducible")
      #expect(w != initializer.weights(for: network, seed: 10))
      let values = w.tensors["conv2.weight"]!.scalars
      let biases = w.tensors["conv2.bias"]!.scalars
      #expect(biases.allSatisfy { $0 >= -0.5 && $0 < 0.5 })
      let maxAbs = values.map(Swift.abs).max()!
      let std = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
      switch initializer {
      case .uniform: #expect(maxAbs <= 0.5 && std > 0.27 && std < 0.31)  // U(−½, ½): std 1/√12 ≈ 0.289
      case .normal: #expect(std > 0.48 && std < 0.52)
      case .xavier:
        let a = (6.0 / Double(conv2.fanIn + conv2.fanOut)).squareRoot()
        #expect(maxAbs <= a && std > 0.9 * a / 3.0.squareRoot())
      case .kaiming:
        let b = (3.0 / Double(conv2.fanIn)).squareRoot()
        #expect(maxAbs <= b && std > 0.9 * b / 3.0.squareRoot())
      }
    }
  }

  @Test func mismatchedWeightsAreReportedByName() throws {
    let network = try ModelSpec(.mlp, inputShape: [1, 8, 8], classCount: 10, hiddenWidth: 4).makeNetwork()
    var tensors = Initializer.uniform.weights(for: network, seed: 1).tensors
    tensors["fc2.bias"] = nil
    tensors["fc1.weight"] = Tensor(zeros: [3, 64])
    tensors["extra"] = Tensor(zeros: [1])
    #expect(throws: ModelError.mismatchedWeights(source: "w.safetensors", missing: ["fc2.bias"], unexpected: ["extra"],
                                                 misshapen: ["fc1.weight [3, 64] (expected [4, 64])"])) {
      _ = try ModelWeights(tensors: tensors, provenance: "x").validated(for: network, source: "w.safetensors")
    }
  }

  @Test func thetaRoundTripsThroughTheLayout() throws {
    let network = try ModelSpec(.lenet5, inputShape: [1, 28, 28], classCount: 10).makeNetwork()
    let weights = Initializer.xavier.weights(for: network, seed: 3)
    let theta = weights.flattenedParameters(of: network)
    #expect(theta.count == network.parameterCount)
    #expect(weights.replacingParameters(of: network, with: theta) == weights)
    #expect(weights.replacingParameters(of: network, with: theta * 2) != weights)
  }
}
