import Autodiff
import Foundation

/// δ stored as safetensors with one tensor per parameter name (the layout of a PyTorch
/// `state_dict` of gradients), flattened into θ order.
public enum PerturbationFile {
  /// Reads `path` and checks that its tensors are exactly the network's parameters.
  public static func read(_ path: String, layout: ParameterLayout) throws -> Tensor<Double> {
    let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
    var parts: [Tensor<Double>] = []
    var missing: [String] = [], misshapen: [String] = []
    for (name, shape) in zip(layout.names, layout.shapes) {
      guard file.tensors[name] != nil else { missing.append(name); continue }
      let t = try file.tensor(name, as: Double.self)
      if t.shape != shape { misshapen.append("\(name) \(t.shape) (expected \(shape))") }
      parts.append(t.reshaped(t.shape == shape ? shape : [t.count]))
    }
    let unexpected = file.tensors.keys.filter { !layout.names.contains($0) }.sorted()
    if !missing.isEmpty || !misshapen.isEmpty || !unexpected.isEmpty {
      throw ModelError.mismatchedWeights(source: path, missing: missing, unexpected: unexpected, misshapen: misshapen)
    }
    let delta = layout.join(parts)
    if let bad = delta.scalars.firstIndex(where: { !$0.isFinite }) {
      throw AnalysisError.invalidPerturbation("\(path): δ entry \(bad) is not finite")
    }
    return delta
  }

  /// Writes δ (flat, θ order) as one tensor per parameter name.
  public static func write(_ delta: Tensor<Double>, layout: ParameterLayout, to path: String) throws {
    var file = SafeTensors(fileName: path)
    for (name, part) in zip(layout.names, layout.split(delta)) { file.set(name, part) }
    try file.write(to: URL(fileURLWithPath: path))
  }
}
