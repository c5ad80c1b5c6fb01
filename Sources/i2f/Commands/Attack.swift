import ArgumentParser
import Autodiff
import Foundation
import Leakage

/// `i2f attack`: run a gradient-inversion attack headless and compare it with I2F's prediction.
struct Attack: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a gradient-inversion attack (dlg, ig, l2adam) on the perturbed gradient and score it.",
    discussion: "The attacker knows the model and weights and sees g0 + δ; labels are inferred from the gradient (iDLG) unless --given-labels. Restarts are chosen by the attack's own objective.")

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

  @Option(help: "Optimizer: lbfgs or adam.")
  var optimizer: String?

  @Option(help: "Objective: l2 or cosine.")
  var objective: String?

  @Option(help: "Adam on the sign of the gradient: true or false.")
  var signed: Bool?

  @Option(help: "Project pixels to [0, 1] after each step: true or false.")
  var box: Bool?

  @Option(help: "Learning rate ×0.1 at 3/8, 5/8, 7/8 of the run: true or false.")
  var schedule: Bool?

  @Option(help: "Independent restarts (the lowest objective wins).")
  var restarts: Int?

  @Option(help: "Start of x′: normal, uniform, zeros, truth+noise:S.")
  var start: String?

  @Option(help: "Seed of the attack's starting point.")
  var attackSeed: UInt64 = 0

  @Flag(help: "Give the attacker the true labels instead of inferring them from the gradient.")
  var givenLabels = false

  @Option(help: "Precision of the attack: f32 or f64.")
  var precision = "f32"

  @Option(help: "Directory to write original.png, reconstruction.png, i2f.png and trajectory.csv.")
  var save: String?

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func run() throws {
    SignalHandling.install()
    if listPresets {
      for p in AttackConfiguration.presets {
        print("\(p.preset.padding(toLength: 8, withPad: " ", startingAt: 0)) \(p.objective.rawValue) · \(p.optimizer.rawValue) lr \(p.learningRate) · \(p.iterations) iterations · TV \(p.totalVariation) · signed \(p.signedGradient) · box \(p.boxed) · schedule \(p.stepSchedule) · start \(p.initialization)")
        print("         \(AttackConfiguration.presetSources[p.preset] ?? "")")
      }
      return
    }
    let config = try configuration()
    let start = Date()
    let s = try scenario.scenario()
    let victim = try s.victim(using: scenario.catalogue())
    let analysis = try LeakageAnalysis(victim)
    let delta = try s.delta(for: analysis)
    let prediction = try analysis.evaluate(delta: delta, ridge: s.ridge.epsilon(lambdaMax: analysis.lambdaMax),
                                           gaussianSigma: s.perturbation.gaussianSigma)
    let problem = AttackProblem(victim: victim, observedGradient: analysis.sharedGradient + delta, inferLabels: !givenLabels)
    let outcome: Outcome
    switch precision.lowercased() {
    case "f32": outcome = try execute(AttackStepper<Float>(problem: problem, configuration: config))
    case "f64": outcome = try execute(AttackStepper<Double>(problem: problem, configuration: config))
    default: throw ValidationError("--precision must be f32 or f64")
    }
    let seconds = Date().timeIntervalSince(start)
    if let save {
      let dir = URL(fileURLWithPath: save)
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try ImageExport.writePNG(victim.images, to: dir.appendingPathComponent("original.png"))
      try ImageExport.writePNG(outcome.reconstruction, to: dir.appendingPathComponent("reconstruction.png"))
      try ImageExport.writePNG(prediction.predictedImages, to: dir.appendingPathComponent("i2f.png"))
      try ImageExport.writeTrajectory(outcome.history, to: dir.appendingPathComponent("trajectory.csv"))
    }
    let m = outcome.metrics
    if json {
      print(JSONValue.object([
        ("preset", .string(config.preset)), ("iterations", .integer(outcome.iterations)), ("objective", .finite(outcome.objective)),
        ("rmse", .finite(m.rmse)), ("psnr", .finite(m.psnr)), ("ssim", .finite(m.ssim)), ("mse", .finite(m.mse)),
        ("label_inferred", .bool(problem.labelsWereInferred)), ("label_correct", .bool(problem.labelsAreCorrect)),
        ("labels", .array(problem.attackerLabels.map { .integer($0) })),
        ("predicted_rmse", .finite(prediction.predictedRMSE)), ("i2f_norm", .finite(prediction.i2fNorm)),
        ("i2f_lb", .finite(prediction.lowerBound)), ("expected_rmse", .finite(prediction.expectedRMSE)),
        ("delta_norm", .finite(prediction.deltaNorm)), ("grad_norm", .finite(prediction.gradientNorm)),
        ("perturbation", .string(s.perturbation.description)), ("sample", .string(s.sample)),
        ("model", .string(victim.network.spec.description)), ("evaluations", .integer(outcome.evaluations)),
        ("seconds", .finite(seconds)),
      ]).rendered())
    } else {
      var t = Table()
      t.add("attack", config.preset, "\(config.objective.rawValue), \(config.optimizer.rawValue), lr \(Table.format(config.learningRate)), \(precision)")
      t.add("model", victim.network.spec.description, "weights: \(victim.weights.provenance)")
      t.add("sample", s.sample, "perturbation: \(s.perturbation.label)")
      t.add("labels", problem.attackerLabels.map(String.init).joined(separator: ","),
            problem.labelsWereInferred ? (problem.labelsAreCorrect ? "inferred (iDLG), correct" : "inferred (iDLG), WRONG: truth \(victim.labels)") : "given")
      t.add("iterations", String(outcome.iterations), "\(outcome.evaluations) objective evaluations")
      t.add("objective", outcome.objective)
      t.add("RMSE", m.rmse, "achieved by the attack")
      t.add("predicted RMSE", prediction.predictedRMSE, "I2F: ‖I2F(δ)‖/√dx")
      if let e = prediction.expectedRMSE { t.add("expected RMSE", e, "I2F over Gaussian draws of this σ") }
      t.add("PSNR", m.psnr, "dB, data range 1")
      t.add("SSIM", m.ssim)
      if victim.batchSize > 1 { t.add("matching", m.matching.map(String.init).joined(separator: ","), "reconstruction b ↔ original") }
      t.add("time", String(format: "%.2f s", seconds))
      print(t.rendered())
      if let save { print("  wrote \(save)/{original,reconstruction,i2f}.png and trajectory.csv") }
    }
  }

  struct Outcome {
    let reconstruction: Tensor<Double>
    let metrics: ImageMetrics
    let history: [AttackRecord]
    let iterations: Int
    let objective: Double
    let evaluations: Int
  }

  func execute<S: TensorScalar>(_ attack: AttackStepper<S>) throws -> Outcome {
    var attack = attack
    var progress = ProgressLine(total: attack.totalIterations)
    attack.run { a in
      let last = a.state.history.last
      progress.update(a.iterationsDone, "objective \(Table.format(last?.objective))  RMSE \(Table.format(last?.rmse))")
      return true
    }
    progress.finish()
    if let divergence = attack.divergence { throw divergence }
    return Outcome(reconstruction: attack.reconstruction, metrics: attack.metrics(), history: attack.state.history,
                   iterations: attack.iterationsDone, objective: attack.state.bestObjective ?? attack.objectiveValue,
                   evaluations: attack.state.evaluations)
  }

  func configuration() throws -> AttackConfiguration {
    var c = try AttackConfiguration.preset(named: preset)
    if paper && c.preset != "dlg" { c.iterations = 24_000 }
    if let iterations { c.iterations = iterations }
    if let lr { c.learningRate = lr }
    if let tv { c.totalVariation = tv }
    if let optimizer {
      guard let o = AttackConfiguration.Optimizer(rawValue: optimizer.lowercased()) else { throw ValidationError("--optimizer must be lbfgs or adam") }
      c.optimizer = o
    }
    if let objective {
      guard let o = AttackConfiguration.Objective(rawValue: objective.lowercased()) else { throw ValidationError("--objective must be l2 or cosine") }
      c.objective = o
    }
    if let signed { c.signedGradient = signed }
    if let box { c.boxed = box }
    if let schedule { c.stepSchedule = schedule }
    if let restarts { c.restarts = restarts }
    if let start { c.initialization = try .init(parsing: start) }
    c.seed = attackSeed
    return try c.validated()
  }
}
