import ArgumentParser
import Autodiff
import Foundation
import Leakage

/// `i2f bound`: the I2F numbers for one victim and one perturbation, headless.
struct Bound: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compute I2F, its bounds and the spectrum of J·Jᵀ for one sample and perturbation.",
    discussion: """
      Prints ‖J·δ‖, λmax and λmin of J·Jᵀ (eigenvalues, i.e. squared singular values of J), the \
      numerical rank, ‖I2F(δ)‖ exactly and with the ridge ε, the lower bound ‖J·δ‖/λmax, the upper \
      bound ‖J·δ‖/λmin (full rank only), and for Gaussian noise the expected reconstruction RMSE.
      """)

  @OptionGroup var scenario: ScenarioOptions

  @Option(help: "How the spectrum is computed: auto, dense, matrix-free.")
  var method = "auto"

  @Option(help: "Precision of the Jacobian products: f32 or f64 (the dense eigendecomposition is always f64).")
  var precision = "f64"

  @Option(help: "Reconstruction RMSE to find the Gaussian σ for (pixels in [0, 1]).")
  var targetRmse = 0.1

  @Option(help: "How many singular directions of J to list from the top and the bottom of the spectrum (dense path).")
  var directions = 3

  @Option(help: "Directory to write original.png, i2f.png (x0 + I2F(δ)), and each listed singular direction as an image (u_k) and a perturbation file (v_k).")
  var save: String?

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func run() throws {
    SignalHandling.install()
    let start = Date()
    let s = try scenario.scenario()
    guard let method = LeakageAnalysis.Method(rawValue: method) else {
      throw ValidationError("--method must be auto, dense or matrix-free")
    }
    guard let dtype = ["f32": DType.float32, "f64": .float64][precision.lowercased()] else {
      throw ValidationError("--precision must be f32 or f64")
    }
    let victim = try s.victim(using: scenario.catalogue())
    let analysis = try LeakageAnalysis(victim, method: method, precision: dtype)
    let delta = try s.delta(for: analysis)
    let ridge = s.ridge.epsilon(lambdaMax: analysis.lambdaMax)
    let r = try analysis.evaluate(delta: delta, ridge: ridge, gaussianSigma: s.perturbation.gaussianSigma)
    let spectrum = try singularValues(analysis)
    if let save { try write(analysis, r, to: save) }
    let seconds = Date().timeIntervalSince(start)
    if json {
      var object = Self.json(r, scenario: s, victim: victim, seconds: seconds, targetRMSE: targetRmse)
      if case .object(var members) = object {
        members.append(("top_singular_values", .array(spectrum.top.map { .finite($0) })))
        members.append(("bottom_singular_values", .array(spectrum.bottom.map { .finite($0) })))
        object = .object(members)
      }
      print(object.rendered())
    } else {
      print(Self.table(r, scenario: s, victim: victim, seconds: seconds, targetRMSE: targetRmse))
      if !spectrum.top.isEmpty {
        print("  singular values σ_k = √λ_k of J: top \(spectrum.top.map(Table.format).joined(separator: ", ")); "
          + "bottom \(spectrum.bottom.map(Table.format).joined(separator: ", "))")
        print("  (δ = c·v_k moves the reconstruction by c/σ_k along u_k: bottom directions protect best)")
      }
      if let save { print("  wrote \(save)/") }
    }
  }

  /// σ_k for k = 1…directions from each end (dense path only).
  func singularValues(_ analysis: LeakageAnalysis) throws -> (top: [Double], bottom: [Double]) {
    guard directions > 0, case .dense(let gram) = analysis.spectrum else { return ([], []) }
    let k = min(directions, gram.rank)
    return (try (1...max(k, 1)).prefix(k).map { try analysis.singularValue(.top, $0) },
            try (1...max(k, 1)).prefix(k).map { try analysis.singularValue(.bottom, $0) })
  }

  /// Images of the original and the prediction, and of each listed direction.
  func write(_ analysis: LeakageAnalysis, _ r: I2FReport, to path: String) throws {
    let dir = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try ImageExport.writePNG(analysis.victim.images, to: dir.appendingPathComponent("original.png"))
    try ImageExport.writePNG(r.predictedImages, to: dir.appendingPathComponent("i2f.png"))
    guard case .dense(let gram) = analysis.spectrum else { return }
    for end in SpectralEnd.allCases {
      for k in 1...max(1, min(directions, gram.rank)) where directions > 0 {
        let u = Tensor(shape: analysis.victim.images.shape, scalars: gram.eigen.eigenvector(try gram.eigenIndex(end, k)))
        // Signed unit vector shown as gray: 0.5 ± u/(2·max|u|).
        let shown = u * (0.5 / max(u.maxAbs(), .leastNormalMagnitude)) + 0.5
        try ImageExport.writePNG(shown, to: dir.appendingPathComponent("direction-\(end)-\(k).png"))
        let v = try analysis.singularDirection(end, k, norm: 1)
        try PerturbationFile.write(v, layout: analysis.jacobian.layout, to: dir.appendingPathComponent("delta-\(end)-\(k).safetensors").path)
      }
    }
  }

  static func json(_ r: I2FReport, scenario s: Scenario, victim: VictimBatch, seconds: Double, targetRMSE: Double) -> JSONValue {
    .object([
      ("model", .string(victim.network.spec.description)), ("weights", .string(victim.weights.provenance)),
      ("sample", .string(s.sample)), ("perturbation", .string(s.perturbation.description)),
      ("loss", .finite(r.loss)), ("grad_norm", .finite(r.gradientNorm)), ("delta_norm", .finite(r.deltaNorm)),
      ("jdelta_norm", .finite(r.jDeltaNorm)), ("lambda_max", .finite(r.lambdaMax)), ("lambda_min", .finite(r.lambdaMin)),
      ("rank", r.rank.map { .integer($0) } ?? .null), ("condition", .finite(r.condition)),
      ("i2f_norm", .finite(r.i2fNorm)), ("i2f_ridge_norm", .finite(r.i2fRidgeNorm)), ("ridge", .finite(r.ridge)),
      ("i2f_lb", .finite(r.lowerBound)), ("i2f_ub", .finite(r.upperBound)), ("predicted_rmse", .finite(r.predictedRMSE)),
      ("expected_rmse", .finite(r.expectedRMSE)), ("trace_inverse", .finite(r.traceOfInverse)),
      ("sigma_for_target_rmse", .finite(r.sigma(forTargetRMSE: targetRMSE))), ("target_rmse", .finite(targetRMSE)),
      ("dx", .integer(r.inputCount)), ("dtheta", .integer(r.parameterCount)), ("method", .string(r.method)),
      ("iterations", .integer(r.iterations)), ("converged", .bool(r.converged)), ("seconds", .finite(seconds)),
    ])
  }

  static func table(_ r: I2FReport, scenario s: Scenario, victim: VictimBatch, seconds: Double, targetRMSE: Double) -> String {
    var t = Table()
    t.add("model", victim.network.spec.description, "weights: \(victim.weights.provenance)")
    t.add("sample", s.sample, "dx = \(r.inputCount), dθ = \(r.parameterCount), labels \(victim.labels)")
    t.add("perturbation", s.perturbation.label)
    t.add("loss", r.loss)
    t.add("‖g0‖", r.gradientNorm, "shared gradient")
    t.add("‖δ‖", r.deltaNorm, "‖δ‖/‖g0‖ = \(Table.format(r.relativeDelta))")
    t.add("‖J·δ‖", r.jDeltaNorm)
    t.add("λmax(J·Jᵀ)", r.lambdaMax, "eigenvalue; σmax(J) = \(Table.format(r.lambdaMax.squareRoot()))")
    t.add("λmin(J·Jᵀ)", r.lambdaMin, r.rank == r.inputCount ? "" : "J·Jᵀ is singular")
    t.add("rank", r.rank.map(String.init) ?? "—", r.rank == nil ? "matrix-free path: not computed" : "of \(r.inputCount) (eigenvalues > 1e-10·λmax)")
    t.add("condition", r.condition)
    t.add("‖I2F(δ)‖", r.i2fNorm, r.rank == r.inputCount ? "(J·Jᵀ)⁻¹·J·δ" : "pseudo-inverse over the rank")
    t.add("‖I2F_ε(δ)‖", r.i2fRidgeNorm, "ridge ε = \(Table.format(r.ridge)) (\(s.ridge))")
    t.add("lower bound", r.lowerBound, "‖J·δ‖/λmax")
    t.add("upper bound", r.upperBound, r.upperBound == nil ? "undefined: J·Jᵀ is rank-deficient" : "‖J·δ‖/λmin")
    t.add("predicted RMSE", r.predictedRMSE, "‖I2F‖/√dx, pixels in [0, 1]")
    if let e = r.expectedRMSE { t.add("expected RMSE", e, "√(σ²·tr((J·Jᵀ)⁺)/dx) over Gaussian draws") }
    t.add("σ for RMSE \(Table.format(targetRMSE))", r.sigma(forTargetRMSE: targetRMSE), "Gaussian noise level")
    t.add("method", r.method, r.iterations > 0 ? "\(r.iterations) solver iterations\(r.converged ? "" : ", NOT converged")" : "")
    t.add("time", String(format: "%.2f s", seconds))
    return t.rendered()
  }
}
