import Autodiff

/// Labels recovered from a shared gradient alone (iDLG, Zhao et al. 2020).
///
/// Under cross-entropy the gradient of the last layer's bias is the batch mean of
/// `softmax − onehot`: entries of classes present in the batch are pulled negative. For one
/// sample the true class is the (only) negative entry; for a batch of B, the B most negative
/// entries are taken (the most negative repeated if fewer than B are negative).
public enum LabelInference {
  /// Labels inferred from `gradient` (flat, θ order) for a batch of `batchSize`, read off the
  /// gradient of the network's classifier bias; nil when the network has none.
  public static func infer(from gradient: Tensor<Double>, network: any Network, batchSize: Int) -> [Int]? {
    let layout = ParameterLayout(network)
    let k = network.spec.classCount
    guard let name = network.classifierBias, let p = layout.names.firstIndex(of: name), layout.shapes[p] == [k] else { return nil }
    let bias = Array(gradient.scalars[layout.offsets[p]..<(layout.offsets[p] + k)])
    let order = (0..<k).sorted { bias[$0] < bias[$1] }
    let negative = order.filter { bias[$0] < 0 }
    let pool = negative.isEmpty ? [order[0]] : negative
    return (0..<batchSize).map { pool[$0 % pool.count] }.sorted()
  }

  /// Whether inferred labels equal the true ones as a multiset (order in a batch is unknowable).
  public static func matches(_ inferred: [Int], _ truth: [Int]) -> Bool { inferred.sorted() == truth.sorted() }
}
