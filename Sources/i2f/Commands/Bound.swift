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
      bound ‖J·δ‖/λmin (full rank only), and for Gaussian noise the expected reconstruction RMSE. \
      The matrix-free path reports only what it can compute: the ridge forms (labelled), λmax, an \
      estimate of λmin, and no rank.
      """)

  @OptionGroup var scenario: ScenarioOptions

  @Option(help: "Precision of the Jacobian products and of the dense path's J·Jᵀ (its eigendecomposition is always f64).")
  var precision: Precision = .f64

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
    scenario.memoryOptions.apply()
    var s = try scenario.scenario()
    s.precision = precision
    let started = Date()
    let run = try ScenarioRun(s, catalogue: scenario.catalogue(), status: { line in
      let seconds = String(format: "%6.1f", Date().timeIntervalSince(started))
      FileHandle.standardError.write(Data("  [\(seconds) s] \(line)\n".utf8))
    })
    Warnings.print(run.victim.network.warnings)
    let spectrum = try singularValues(run.analysis)
    if let save { try write(run, to: save) }
    if json {
      let fields = run.fields(targetRMSE: targetRmse) + [
        ("top_singular_values", .array(spectrum.top.map { .finite($0) })),
        ("bottom_singular_values", .array(spectrum.bottom.map { .finite($0) })),
      ]
      print(JSONValue.object(fields.map { (key: $0.0, value: $0.1) }).rendered())
    } else {
      print(Self.table(run, targetRMSE: targetRmse))
      if !spectrum.top.isEmpty {
        print("  singular values σ_k = √λ_k of J: top \(spectrum.top.map(Table.format).joined(separator: ", ")); "
          + "bottom \(spectrum.bottom.map(Table.format).joined(separator: ", "))")
        print("  (δ = c·v_k moves the reconstruction by c/σ_k along u_k: bottom directions protect best)")
      }
      if let save { print("  wrote \(save)/") }
    }
  }

  /// σ_k for k = 1…directions from each end (dense path only).
  func singularValues(_ analysis: Analysis) throws -> (top: [Double], bottom: [Double]) {
    guard directions > 0, case .dense(let gram) = analysis.spectrum else { return ([], []) }
    let k = min(directions, gram.rank)
    guard k > 0 else { return ([], []) }
    return (try (1...k).map { try analysis.singularValue(.top, $0) }, try (1...k).map { try analysis.singularValue(.bottom, $0) })
  }

  /// Images of the original and the prediction, and of each listed direction.
  func write(_ run: ScenarioRun, to path: String) throws {
    let dir = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let analysis = run.analysis
    try ImageExport.writePNG(analysis.victim.images, to: dir.appendingPathComponent("original.png"))
    if let predicted = run.evaluation.predictedImages {
      try ImageExport.writePNG(predicted, to: dir.appendingPathComponent("i2f.png"))
    }
    guard case .dense(let gram) = analysis.spectrum, directions > 0 else { return }
    for end in SpectralEnd.allCases {
      for k in 1...max(1, min(directions, gram.rank)) where gram.rank > 0 {
        let u = Tensor(shape: analysis.victim.images.shape, scalars: gram.eigen.eigenvector(try gram.eigenIndex(end, k)))
        // Signed unit vector shown as gray: 0.5 ± u/(2·max|u|).
        let shown = u * (0.5 / max(u.maxAbs(), .leastNormalMagnitude)) + 0.5
        try ImageExport.writePNG(shown, to: dir.appendingPathComponent("direction-\(end)-\(k).png"))
        let v = try analysis.singularDirection(end, k, norm: 1)
        try PerturbationFile.write(v, layout: analysis.jacobian.layout, to: dir.appendingPathComponent("delta-\(end)-\(k).safetensors").path)
      }
    }
  }

  static func table(_ run: ScenarioRun, targetRMSE: Double) -> String {
    let r = run.evaluation, s = run.scenario, victim = run.victim
    let dense = r.rank != nil
    var t = Table()
    t.add("model", victim.network.summary, "weights: \(victim.weights.provenance)")
    t.add("sample", s.sample, "dx = \(r.inputCount), dθ = \(r.parameterCount), labels \(victim.labels)")
    t.add("perturbation", s.perturbation.label)
    t.add("loss", r.loss)
    t.add("‖g0‖", r.gradientNorm, "shared gradient")
    t.add("‖δ‖", r.deltaNorm, "‖δ‖/‖g0‖ = \(Table.format(r.relativeDelta))")
    t.add("‖J·δ‖", r.jDeltaNorm)
    t.add("λmax(J·Jᵀ)", r.lambdaMax, "eigenvalue; σmax(J) = \(Table.format(r.lambdaMax?.squareRoot()))"
      + (r.lambdaMaxResidual.map { ", ± \(Table.format($0)) (Ritz residual)" } ?? ""))
    if dense {
      t.add("λmin(J·Jᵀ)", r.lambdaMin, r.isFullRank ? "" : "J·Jᵀ is singular")
      t.add("rank", r.rank.map(String.init) ?? "—", "of \(r.inputCount) (eigenvalues > 1e-10·λmax)")
      t.add("condition", r.condition, r.condition == nil ? "infinite: J·Jᵀ is singular" : "")
      t.add("‖I2F(δ)‖", r.i2fNorm, r.isFullRank ? "(J·Jᵀ)⁻¹·J·δ" : "pseudo-inverse over the rank")
    } else {
      t.add("λmin estimate", r.lambdaMinEstimate,
            "smallest Ritz value (≥ λmin), residual \(Table.format(r.lambdaMinResidual)): an estimate, not a bound")
      t.add("rank", "—", "not computed on the matrix-free path")
    }
    t.add("‖I2F_ε(δ)‖", r.i2fRidgeNorm, "(J·Jᵀ + εI)⁻¹·J·δ, ε = \(Table.format(r.ridge)) (\(s.ridge))")
    t.add("lower bound", r.lowerBound, "‖J·δ‖/λmax")
    if dense {
      t.add("upper bound", r.upperBound, r.upperBound == nil ? "undefined: J·Jᵀ is rank-deficient" : "‖J·δ‖/λmin")
      t.add("predicted RMSE", r.predictedRMSE, "‖I2F‖/√dx")
      if let e = r.expectedRMSE { t.add("expected RMSE", e, "√(σ²·tr((J·Jᵀ)⁺)/dx) over Gaussian draws") }
      t.add("σ for RMSE \(Table.format(targetRMSE))", r.sigma(forTargetRMSE: targetRMSE), "Gaussian noise level")
    } else {
      t.add("upper bound", r.upperBoundEstimate, "estimate ‖J·δ‖/(λmin estimate); not a bound")
      t.add("predicted RMSE (ridge)", r.predictedRidgeRMSE,
            "‖I2F_ε‖/√dx" + (r.ridgeRelativeErrorBound.map { ", relative error ≤ \(Table.format($0))" } ?? ""))
      if let e = r.expectedRidgeRMSE { t.add("expected RMSE (ridge)", e, "√(σ²·tr((J·Jᵀ + εI)⁻¹)/dx), Hutch++ estimate") }
      t.add("σ for RMSE \(Table.format(targetRMSE))", r.ridgeSigma(forTargetRMSE: targetRMSE), "Gaussian noise level (ridge trace)")
    }
    t.add("method", r.method, r.iterations > 0 ? "\(r.iterations) solver iterations\(r.converged ? "" : ", NOT converged")" : "")
    t.add("time", String(format: "%.2f s", run.analysisSeconds))
    return t.rendered()
  }
}
