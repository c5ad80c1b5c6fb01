import ArgumentParser
import Foundation
import Leakage

/// Options shared by every command that sets up a victim: model, weights, sample, perturbation.
/// Options are optional so that `apply(to:)` can tell what was given (the explorer lays the
/// command line over a reopened view); `scenario()` fills the rest with the defaults.
struct ScenarioOptions: ParsableArguments {
  @OptionGroup var modelOptions: ModelOptions

  @Option(name: .customLong("sample"),
          help: "Private sample: digits:17, faces:3, photos:chelsea, mnist:0, cifar10:42, digits:0-3, or a safetensors file with x [B,C,H,W] and y [B] (default: digits:0).")
  var givenSample: String?

  @Option(help: "The private sample as a safetensors file (same as --sample FILE).")
  var input: String?

  @OptionGroup var dataOptions: DataOptions

  @OptionGroup var memoryOptions: MemoryOptions

  @Option(help: "Number of classes, only where nothing else says: a weights file's classifier is the authority.")
  var classes: Int?

  @Option(help: ArgumentHelp(
    "Input normalisation as the model's first layer: MEAN:STD (comma lists per channel) or mnist, cifar10, imagenet.",
    discussion: "Images stay pixels in [0, 1] for display, the attack's box and PSNR/SSIM; weights files written by i2f remember it."),
    transform: Parse.normalization)
  var normalize: InputNormalization?

  @Option(name: .customLong("space"), help: ArgumentHelp(
    "Space of J, the spectrum, I2F, the bounds and RMSE: pixel, or model (the normalised tensor z = (x − mean)/std).",
    discussion: "model is what the official I2F code and most PyTorch scripts compute. Default: pixel. Per channel J_pixel = J_model / std, so λ_pixel = λ_model / std², ‖J·δ‖_pixel = ‖J·δ‖_model / std and I2F_pixel = std · I2F_model."))
  var givenSpace: InputSpace?

  @Flag(help: "The sample file holds normalised tensors (mapped back to pixels with --normalize).")
  var normalizedSample = false

  @Option(name: .customLong("noise"),
          help: "Perturbation δ of the shared gradient: none, gaussian:SIGMA, laplace:B, prune:FRACTION, dp:CLIP:MULT, direction:top:K, direction:bottom:K (default: gaussian:1e-3).",
          transform: Parse.perturbation)
  var givenNoise: Perturbation?

  @Option(help: "δ from a safetensors file with one tensor per parameter name (overrides --noise).")
  var perturbation: String?

  @Option(help: "‖δ‖ of a singular-direction perturbation (default: 10% of ‖g0‖).")
  var norm: Double?

  @Option(name: .customLong("noise-seed"), help: "Seed of the perturbation's random draws (default: 0).")
  var givenNoiseSeed: UInt64?

  @Option(name: .customLong("ridge"), help: "Ridge ε of the regularised I2F: a number, or a multiple of λmax written like 1e-6x (default: 1e-6x).",
          transform: Parse.ridge)
  var givenRidge: Ridge?

  @Option(name: .customLong("method"), help: "How the spectrum of J·Jᵀ is computed: auto (dense when J fits), dense, matrix-free, or lower-bound (λmax only: ‖J·δ‖ and the I2F lower bound, quick on large models) (default: auto).")
  var givenMethod: AnalysisMethod?

  func validate() throws {
    if let norm, !(norm >= 0 && norm.isFinite) { throw ValidationError("--norm must be a number ≥ 0") }
    if let classes, classes < 2 { throw ValidationError("--classes must be at least 2") }
    if normalizedSample && normalize == nil { throw ValidationError("--normalized-sample needs --normalize MEAN:STD (the normalisation that made the tensors)") }
  }

  /// The scenario these options describe (defaults for what was not given).
  func scenario() throws -> Scenario {
    var s = Scenario()
    try apply(to: &s)
    return s
  }

  /// Sets in `s` what was given on the command line, leaving the rest as it is.
  func apply(to s: inout Scenario) throws {
    try modelOptions.apply(to: &s)
    if let sample = input ?? givenSample { s.sample = sample }
    if let classes { s.classCount = classes }
    if let normalize { s.normalization = normalize }
    if let givenSpace { s.space = givenSpace }
    if normalizedSample { s.sampleIsNormalized = true }
    if let perturbation {
      s.perturbation = .file(perturbation)
    } else if let givenNoise {
      s.perturbation = givenNoise
    }
    if let norm { s.directionNorm = norm }
    if let givenNoiseSeed { s.noiseSeed = givenNoiseSeed }
    if let givenRidge { s.ridge = givenRidge }
    if let givenMethod { s.method = givenMethod }
  }

  /// Whether a perturbation was given (`--noise` or `--perturbation`).
  var perturbationGiven: Bool { perturbation != nil || givenNoise != nil }

  /// The catalogue that resolves sample addresses.
  func catalogue() -> SampleCatalogue { dataOptions.catalogue() }

  /// The seed of the random initialisation.
  var seed: UInt64 { modelOptions.seed }
}
