import ArgumentParser
import Foundation
import Leakage

/// Options shared by every command that sets up a victim: model, weights, sample, perturbation.
struct ScenarioOptions: ParsableArguments {
  @OptionGroup var modelOptions: ModelOptions

  @Option(help: "Private sample: digits:17, faces:3, photos:chelsea, mnist:0, cifar10:42, digits:0-3, or a safetensors file with x [B,C,H,W] and y [B].")
  var sample = "digits:0"

  @Option(help: "The private sample as a safetensors file (same as --sample FILE).")
  var input: String?

  @OptionGroup var dataOptions: DataOptions

  @Option(help: "Number of classes, only where nothing else says: a weights file's classifier is the authority.")
  var classes: Int?

  @Option(help: "Perturbation δ of the shared gradient: none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top:K, direction:bottom:K.",
          transform: Parse.perturbation)
  var noise: Perturbation = .gaussian(sigma: 1e-3)

  @Option(help: "δ from a safetensors file with one tensor per parameter name (overrides --noise).")
  var perturbation: String?

  @Option(help: "‖δ‖ of a singular-direction perturbation (default: 10% of ‖g0‖).")
  var norm: Double?

  @Option(help: "Seed of the perturbation's random draws.")
  var noiseSeed: UInt64 = 0

  @Option(help: "Ridge ε of the regularised I2F: a number, or a multiple of λmax written like 1e-6x.", transform: Parse.ridge)
  var ridge: Ridge = .relative(1e-6)

  @Option(help: "How the spectrum of J·Jᵀ is computed: auto (dense when J fits), dense, matrix-free.")
  var method: AnalysisMethod = .auto

  func validate() throws {
    if let norm, !(norm >= 0 && norm.isFinite) { throw ValidationError("--norm must be a number ≥ 0") }
    if let classes, classes < 2 { throw ValidationError("--classes must be at least 2") }
  }

  /// The scenario these options describe.
  func scenario() throws -> Scenario {
    var s = Scenario()
    s.model = modelOptions.model
    s.hiddenWidth = modelOptions.width
    s.stem = modelOptions.stem
    s.weights = try modelOptions.weightSource()
    s.sample = input ?? sample
    s.classCount = classes
    s.perturbation = perturbation.map { .file($0) } ?? noise
    s.directionNorm = norm
    s.noiseSeed = noiseSeed
    s.ridge = ridge
    s.method = method
    return s
  }

  /// The catalogue that resolves sample addresses.
  func catalogue() -> SampleCatalogue { dataOptions.catalogue() }

  /// The seed of the random initialisation.
  var seed: UInt64 { modelOptions.seed }
}
