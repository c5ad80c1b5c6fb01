import Autodiff
import Foundation
@testable import Explorer
@testable import Leakage

/// Deterministic explorer states for snapshot and state-machine tests: every number and image is
/// written out here, nothing is computed by the numeric core.
enum ExplorerFixtures {
  /// A 8×8 "digit": a ring.
  static func image(_ shift: Double = 0) -> Tensor<Double> {
    Tensor(shape: [1, 1, 8, 8], scalars: (0..<64).map { i in
      let (y, x) = (Double(i / 8) - 3.5, Double(i % 8) - 3.5)
      let r = (x * x + y * y).squareRoot()
      return Swift.max(0, Swift.min(1, 1 - Swift.abs(r - 2.5) / 1.5 + shift * Double(i % 5 - 2)))
    })
  }

  static let victim = VictimSummary(
    images: image(), labels: [3], model: "convnet5(1×8×8 → 10)", architecture: "convnet5", weights: "uniform, seed 0",
    inputCount: 64, parameterCount: 11_638)

  /// The dense analysis, complete.
  static let summary = AnalysisSummary(
    method: "dense", isComplete: true, hasLargestEigenvalue: true, eigenvalues: (0..<64).map { 3.3e-5 * Foundation.pow(750, Double($0) / 63) },
    gradientNorm: 4.33, seconds: 0.05)

  /// The first stage: products only.
  static let productsStage = AnalysisSummary(
    method: "products only", isComplete: false, hasLargestEigenvalue: false, eigenvalues: nil, gradientNorm: 4.33, seconds: 0.01)

  /// The matrix-free analysis, complete.
  static let matrixFreeSummary = AnalysisSummary(
    method: "matrix-free", isComplete: true, hasLargestEigenvalue: true, eigenvalues: nil, gradientNorm: 4.33, seconds: 0.5)

  static func report(_ scale: Double = 1) -> Evaluation {
    let pattern = Tensor(shape: [64], scalars: (0..<64).map { Double(($0 * 7) % 11 - 5) })
    let shift = pattern * (0.364 * scale / pattern.norm())
    // ‖J·δ‖/λmax = 0.0238·scale, ‖J·δ‖/λmin = 17.9·scale, ‖shift‖ ≈ 0.364·scale.
    var e = Evaluation(
      loss: 2.19, gradientNorm: 4.33, deltaNorm: 0.108 * scale, jDeltaNorm: 5.9e-4 * scale, inputCount: 64, parameterCount: 11_638,
      method: "dense", delta: Tensor(zeros: [11_638]), images: image())
    e.lambdaMax = 2.48e-2
    e.lambdaMin = 3.3e-5
    e.rank = 64
    e.shift = shift.scalars
    e.ridge = 2.48e-8
    e.ridgeShift = shift.scalars.map { $0 * 0.9997 }
    e.traceOfInverse = 1.25e5 * scale * scale
    e.gaussianSigma = 1e-3
    return e
  }

  /// What the matrix-free path reports for the same δ: ridge forms, λmax, an estimate of λmin.
  static func matrixFreeReport() -> Evaluation {
    var e = report()
    e.method = "matrix-free"
    e.lambdaMin = nil
    e.rank = nil
    e.shift = nil
    e.traceOfInverse = nil
    e.lambdaMaxResidual = 1e-9
    e.lambdaMinEstimate = 4.1e-5
    e.lambdaMinResidual = 2e-6
    e.traceOfRidgeInverse = 1.2e5
    return e
  }

  /// What the products stage alone reports: ‖J·δ‖.
  static func productsReport() -> Evaluation {
    var e = report()
    e.method = "products only"
    e.lambdaMax = nil
    e.lambdaMin = nil
    e.rank = nil
    e.shift = nil
    e.ridge = nil
    e.ridgeShift = nil
    e.traceOfInverse = nil
    return e
  }

  static func attack(iteration: Int, running: Bool = false, status: AttackStatus? = nil) -> AttackSnapshot {
    let reconstruction = image(0.02)
    return AttackSnapshot(
      iteration: iteration, total: 300, trial: 0, objectives: (0...iteration).map { 0.2 * Foundation.exp(-Double($0) / 20) + 1e-4 },
      reconstruction: reconstruction, metrics: ImageMetrics(reconstruction: reconstruction, truth: image()),
      status: status ?? (iteration == 300 ? .maxIterations : .running), labels: [3], labelsInferred: true, labelsCorrect: true,
      rate: 0, isRunning: running)
  }

  /// A state with the analysis, report and an attack at iteration 120 in every pane.
  static func state(compare: Bool = false) -> ExplorerState {
    var s = ExplorerState(
      scenario: Scenario(), attack: .dlg, compare: compare ? [.initializer(.kaiming, seed: 0)] : [],
      weightChoices: Initializer.allCases.map { .initializer($0, seed: 0) }, datasetNames: ["digits", "faces", "photos"])
    s.scenario.sample = "digits:3"
    for i in s.panes.indices {
      s.panes[i].phase = .complete
      s.panes[i].victim = victim
      s.panes[i].analysis = summary
      s.panes[i].report = report(i == 0 ? 1 : 0.5)
      s.panes[i].attack = attack(iteration: 120)
      s.panes[i].attackGeneration = 1
    }
    if compare { s.screen = .compare }
    return s
  }

  /// A tiny data set for the sample browser.
  static let digits: Dataset = {
    let pixels = (0..<12).flatMap { k in image(Double(k) * 0.01).scalars.map { UInt8(Swift.max(0, Swift.min(255, $0 * 255))) } }
    return try! Dataset(name: "digits", imageShape: [1, 8, 8], pixels: pixels, labels: (0..<12).map { $0 % 10 },
                        classNames: (0..<10).map(String.init), itemNames: nil)
  }()
}
