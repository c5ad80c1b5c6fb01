import ArgumentParser
import Autodiff
import Foundation
import Leakage

/// `i2f attack`: run a gradient-inversion attack headless and compare it with I2F's prediction.
struct Attack: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a gradient-inversion attack (dlg, ig, l2adam) on the perturbed gradient and score it.",
    discussion: """
      The attacker knows the model and weights and sees g0 + δ; labels are inferred from the \
      gradient (iDLG) unless --given-labels. Restarts are chosen by the attack's own objective. \
      The status says how the attack ended: converged (stopped at an optimum), stalled (stopped \
      early without reaching one), max-iterations, or diverged (exit status 1).
      """)

  @OptionGroup var scenario: ScenarioOptions

  @Option(help: "Attack preset: dlg, ig, l2adam (see --list-presets).")
  var preset = "dlg"

  @Flag(help: "List the presets with their settings and sources, and exit.")
  var listPresets = false

  @Option(help: "Iterations (default: the preset's).")
  var iterations: Int?

  @Flag(help: "Use the papers' iteration counts (24,000 for ig and l2adam).")
  var paper = false

  @Option(help: "Learning rate (initial step for L-BFGS).")
  var lr: Double?

  @Option(help: "Weight α of the total-variation prior.")
  var tv: Double?

  @Option(help: "Optimizer.")
  var optimizer: AttackConfiguration.Optimizer?

  @Option(help: "Objective.")
  var objective: AttackConfiguration.Objective?

  @Option(help: "Adam on the sign of the gradient: true or false.")
  var signed: Bool?

  @Option(help: "Project pixels to [0, 1] after each step: true or false.")
  var box: Bool?

  @Option(help: "Learning rate ×0.1 at 3/8, 5/8, 7/8 of the run: true or false.")
  var schedule: Bool?

  @Option(help: "L-BFGS iterations per step (PyTorch's max_iter; dlg: 20).")
  var innerIterations: Int?

  @Option(help: "Independent restarts (the lowest objective wins).")
  var restarts: Int?

  @Option(help: "Start of x′: normal, uniform, zeros, truth+noise:S.", transform: Parse.start)
  var start: AttackConfiguration.Initialization?

  @Option(help: "Seed of the attack's starting point.")
  var attackSeed: UInt64 = 0

  @Flag(help: "Give the attacker the true labels instead of inferring them from the gradient.")
  var givenLabels = false

  @Option(help: "Precision of the attack.")
  var precision: Precision = .f32

  @Option(help: "Directory to write original.png, reconstruction.png, i2f.png and trajectory.csv.")
  var save: String?

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func run() throws {
    SignalHandling.install()
    scenario.memoryOptions.apply()
    if listPresets {
      for p in AttackConfiguration.presets {
        print("\(p.preset.padding(toLength: 8, withPad: " ", startingAt: 0)) \(p.objective.rawValue) · \(p.optimizer.rawValue) lr \(p.learningRate) · \(p.iterations) iterations\(p.optimizer == .lbfgs ? " of up to \(p.innerIterations) L-BFGS steps" : "") · TV \(p.totalVariation) · signed \(p.signedGradient) · box \(p.boxed) · schedule \(p.stepSchedule) · start \(p.initialization)")
        print("         \(AttackConfiguration.presetSources[p.preset] ?? "")")
      }
      return
    }
    let config = try configuration()
    var run = try ScenarioRun(try scenario.scenario(), catalogue: scenario.catalogue())
    Warnings.print(run.victim.network.warnings)
    var progress = ProgressLine(total: config.iterations * config.restarts)
    try run.runAttack(config, precision: precision, inferLabels: !givenLabels) { p in
      progress.update(p.iteration, "objective \(Table.format(p.objective))  RMSE \(Table.format(p.rmse))")
      return true
    }
    progress.finish()
    guard let outcome = run.attack else { return }
    if let save {
      let dir = URL(fileURLWithPath: save)
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try ImageExport.writePNG(run.victim.images, to: dir.appendingPathComponent("original.png"))
      try ImageExport.writePNG(outcome.reconstruction, to: dir.appendingPathComponent("reconstruction.png"))
      if let predicted = run.evaluation.predictedImages {
        try ImageExport.writePNG(predicted, to: dir.appendingPathComponent("i2f.png"))
      }
      try ImageExport.writeTrajectory(outcome.history, to: dir.appendingPathComponent("trajectory.csv"))
    }
    if json {
      print(JSONValue.object(run.fields().map { (key: $0.0, value: $0.1) }).rendered())
    } else {
      print(table(run, outcome, config))
      if let save { print("  wrote \(save)/{original,reconstruction,i2f}.png and trajectory.csv") }
    }
    if outcome.status == .diverged {
      throw CommandFailure("the attack diverged at iteration \(outcome.iterations) (objective \(outcome.objective)); try a smaller --lr")
    }
  }

  func table(_ run: ScenarioRun, _ a: AttackOutcome, _ config: AttackConfiguration) -> String {
    let s = run.scenario, victim = run.victim, e = run.evaluation, m = a.metrics
    var t = Table()
    t.add("attack", config.preset, "\(config.objective.rawValue), \(config.optimizer.rawValue), lr \(Table.format(config.learningRate)), \(precision)")
    t.add("model", victim.network.spec.description, "weights: \(victim.weights.provenance)")
    t.add("sample", s.sample, "perturbation: \(s.perturbation.label)")
    t.add("labels", a.labels.map(String.init).joined(separator: ","),
          a.labelsInferred ? (a.labelsCorrect ? "inferred (iDLG), correct" : "inferred (iDLG), WRONG: truth \(victim.labels)") : "given")
    t.add("iterations", "\(a.iterations)/\(config.iterations * config.restarts)", "\(a.status.rawValue); \(a.evaluations) objective evaluations")
    t.add("objective", a.objective)
    t.add("RMSE", m.rmse, "achieved by the attack")
    if let p = e.predictedRMSE {
      t.add("predicted RMSE", p, "I2F: ‖I2F(δ)‖/√dx")
    } else {
      t.add("predicted RMSE (ridge)", e.predictedRidgeRMSE, "I2F: ‖I2F_ε(δ)‖/√dx, ε = \(Table.format(e.ridge))")
    }
    if let x = e.expectedRMSE { t.add("expected RMSE", x, "I2F over Gaussian draws of this σ") }
    t.add("PSNR", m.psnr, "dB, data range 1")
    t.add("SSIM", m.ssim)
    if victim.batchSize > 1 { t.add("matching", m.matching.map(String.init).joined(separator: ","), "reconstruction b ↔ original") }
    t.add("time", String(format: "%.2f s", run.analysisSeconds + a.seconds))
    return t.rendered()
  }

  func configuration() throws -> AttackConfiguration {
    var c = try AttackConfiguration.preset(named: preset)
    if paper && c.preset != "dlg" { c.iterations = 24_000 }
    if let iterations { c.iterations = iterations }
    if let lr { c.learningRate = lr }
    if let tv { c.totalVariation = tv }
    if let optimizer { c.optimizer = optimizer }
    if let objective { c.objective = objective }
    if let signed { c.signedGradient = signed }
    if let box { c.boxed = box }
    if let schedule { c.stepSchedule = schedule }
    if let restarts { c.restarts = restarts }
    if let innerIterations { c.innerIterations = innerIterations }
    if let start { c.initialization = start }
    c.seed = attackSeed
    return try c.validated()
  }
}
