import ArgumentParser
import Foundation
import Leakage

/// Options shared by every command that sets up a victim: model, weights, sample, perturbation.
struct ScenarioOptions: ParsableArguments {
  @Option(help: "Architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
  var model = "convnet5"

  @Option(help: "Hidden width of the mlp.")
  var width = 128

  @Option(name: .customLong("init"), help: "Weights: uniform, normal, xavier, kaiming, or a safetensors weights file.")
  var initialization = "uniform"

  @Option(help: "Weights file (safetensors, PyTorch state_dict names); same as --init FILE.")
  var weights: String?

  @Option(help: "Seed of the random initialisation.")
  var seed: UInt64 = 0

  @Option(help: "Private sample: digits:17, faces:3, photos:chelsea, mnist:0, cifar10:42, digits:0-3, or a safetensors file with x [B,C,H,W] and y [B].")
  var sample = "digits:0"

  @Option(help: "The private sample as a safetensors file (same as --sample FILE).")
  var input: String?

  @Option(help: "Directory with your MNIST IDX files or CIFAR-10 binary batches.")
  var data: String?

  @Option(help: "Directory of the embedded samples (default: ./Samples, $I2F_SAMPLES, or next to the executable).")
  var samples: String?

  @Option(help: "Number of classes, when the sample file does not say.")
  var classes: Int?

  @Option(help: "Perturbation δ of the shared gradient: none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top:K, direction:bottom:K.")
  var noise = "gaussian:1e-3"

  @Option(help: "δ from a safetensors file with one tensor per parameter name (overrides --noise).")
  var perturbation: String?

  @Option(help: "‖δ‖ of a singular-direction perturbation (default: 10% of ‖g0‖).")
  var norm: Double?

  @Option(help: "Seed of the perturbation's random draws.")
  var noiseSeed: UInt64 = 0

  @Option(help: "Ridge ε of the regularised I2F: a number, or a multiple of λmax written like 1e-6x.")
  var ridge = "1e-6x"

  /// The scenario these options describe.
  func scenario() throws -> Scenario {
    var s = Scenario()
    guard let arch = Architecture(rawValue: model.lowercased()) else { throw ModelError.unknownArchitecture(model) }
    guard width > 0 else { throw ValidationError("--width must be positive") }
    s.architecture = arch
    s.hiddenWidth = width
    s.weights = try WeightSource(parsing: weights ?? initialization, seed: seed)
    s.sample = input ?? sample
    s.classCount = classes
    s.perturbation = try perturbation.map { .file($0) } ?? Perturbation(parsing: noise)
    if let norm, !(norm >= 0 && norm.isFinite) { throw ValidationError("--norm must be a number ≥ 0") }
    s.directionNorm = norm
    s.noiseSeed = noiseSeed
    s.ridge = try Ridge(parsing: ridge)
    return s
  }

  /// The catalogue that resolves sample addresses.
  func catalogue() -> SampleCatalogue {
    SampleCatalogue(samplesDirectory: samples.map { URL(fileURLWithPath: $0) }, dataDirectory: data.map { URL(fileURLWithPath: $0) })
  }
}
