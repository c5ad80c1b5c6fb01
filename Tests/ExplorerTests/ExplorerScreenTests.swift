import Foundation
import Testing
@testable import Explorer
@testable import Leakage

/// Every explorer screen and overlay rendered into an in-memory canvas, at two sizes.
@Suite("Explorer screens")
struct ExplorerScreenTests {
  static let sizes = [Size(width: 80, height: 24), Size(width: 140, height: 42)]
  let context = RenderContext(colorMode: .xterm256, glyphs: .unicode, theme: .standard(for: .xterm256))

  func render(_ s: ExplorerState, _ size: Size) -> Canvas { s.view(size: size, context: context, tick: 0) }

  @Test(arguments: sizes) func mainScreen(_ size: Size) {
    assertSnapshot(render(ExplorerFixtures.state(), size), named: "explorer-main-\(size.width)x\(size.height)")
  }

  @Test(arguments: sizes) func compareView(_ size: Size) {
    assertSnapshot(render(ExplorerFixtures.state(compare: true), size), named: "explorer-compare-\(size.width)x\(size.height)")
  }

  @Test(arguments: sizes) func helpOverlay(_ size: Size) {
    var s = ExplorerFixtures.state()
    s.overlay = .help(scroll: 0)
    assertSnapshot(render(s, size), named: "explorer-help-\(size.width)x\(size.height)")
  }

  @Test(arguments: sizes) func initialisationPicker(_ size: Size) {
    var s = ExplorerFixtures.state()
    _ = s.update(.key(.character("i")), now: .now, screen: size)
    assertSnapshot(render(s, size), named: "explorer-picker-\(size.width)x\(size.height)")
  }

  @Test(arguments: sizes) func sampleBrowser(_ size: Size) {
    var s = ExplorerFixtures.state()
    s.datasets["digits"] = ExplorerFixtures.digits
    s.overlay = .samples(SampleBrowser(datasetIndex: 0, selection: 3))
    assertSnapshot(render(s, size), named: "explorer-samples-\(size.width)x\(size.height)")
  }

  /// The spectrum at 40%: the original, the attack and the cheap numbers are already there.
  @Test(arguments: sizes) func analysingScreen(_ size: Size) {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    s.scenario.sample = "digits:3"
    guard case .analyze(let id, let gen, _)? = s.start().first else { Issue.record("no analysis"); return }
    var stage = ExplorerFixtures.productsStage
    stage.hasLargestEigenvalue = true
    stage.method = "λmax only"
    var report = ExplorerFixtures.productsReport()
    report.lambdaMax = 2.48e-2
    for event: ExplorerEvent in [
      .victimLoaded(id, generation: gen, ExplorerFixtures.victim), .analysisStage(id, generation: gen, stage),
      .analysisProgress(id, generation: gen, fraction: 0.4),
    ] { _ = s.update(event, now: .now, screen: size) }
    s.panes[0].report = report
    s.panes[0].evaluating = false
    s.panes[0].attack = ExplorerFixtures.attack(iteration: 0)
    let canvas = render(s, size)
    assertSnapshot(canvas, named: "explorer-analysing-\(size.width)x\(size.height)")
    if size.width >= 140 {
      for expected in ["computing J·Jᵀ 40%", "5.90e-04", "2.38e-02", "PAUSED it 0/300", "λmin(J·Jᵀ)"] {
        #expect(canvas.text.contains(expected), "analysing screen lacks \(expected)")
      }
    }
  }

  @Test(arguments: sizes) func matrixFreeScreen(_ size: Size) {
    var s = ExplorerFixtures.state()
    s.panes[0].analysis = ExplorerFixtures.matrixFreeSummary
    s.panes[0].report = ExplorerFixtures.matrixFreeReport()
    assertSnapshot(render(s, size), named: "explorer-matrix-free-\(size.width)x\(size.height)")
  }

  /// Only what the matrix-free path computed, with ridge forms and estimates labelled.
  @Test func matrixFreeNumbersAreLabelledAndNothingIsInvented() {
    var s = ExplorerFixtures.state()
    s.panes[0].analysis = ExplorerFixtures.matrixFreeSummary
    s.panes[0].report = ExplorerFixtures.matrixFreeReport()
    let text = render(s, Size(width: 140, height: 42)).text
    for expected in ["λmin ≈", "4.10e-05 (estimate)", "— (matrix-free)", "‖I2F_ε(δ)‖", "upper bound ≈", "predicted RMSE_ε",
                     "I2F x0+I2F_ε(δ)"] {
      #expect(text.contains(expected), "matrix-free screen lacks \(expected)")
    }
    for invented in ["64/64", "λmin(J·Jᵀ)", "condition", "‖I2F(δ)‖ ", "1.79e+01"] {
      #expect(!text.contains(invented), "matrix-free screen shows \(invented)")
    }
  }

  @Test func anAttackThatStoppedEarlySaysHow() {
    var s = ExplorerFixtures.state()
    s.panes[0].attack = ExplorerFixtures.attack(iteration: 26, status: .stalled)
    let text = render(s, Size(width: 140, height: 42)).text
    #expect(text.contains("─ it 26/300 stalled ─") && text.contains("DONE it 26 stalled"))
    #expect(!text.contains("✓ ─"))
    s.screen = .compare
    s.panes.append(s.panes[0].with(id: PaneID(9)))
    s.panes[1].attack = ExplorerFixtures.attack(iteration: 300, status: .converged)
    let compare = render(s, Size(width: 140, height: 42)).text
    #expect(compare.contains("it 26/300 stalled") && compare.contains("it 300/300 converged"))
  }

  @Test func attacksThatNeverRanAreNotRanked() {
    var s = ExplorerFixtures.state(compare: true)
    s.panes[1].attack = ExplorerFixtures.attack(iteration: 0)
    let (_, achieved) = s.rankings()
    #expect(achieved.hasPrefix("1. uniform ") && achieved.hasSuffix("not run: kaiming"))
    s.panes[0].attack = ExplorerFixtures.attack(iteration: 0)
    #expect(s.rankings().achieved == "not run: uniform, kaiming (A runs all)")
    let text = render(s, Size(width: 140, height: 42)).text
    #expect(text.contains("not run: uniform, kaiming"))
    #expect(text.split(separator: "\n").filter { $0.contains("│attack RMSE") && $0.contains("not run") }.count == 1)
  }

  @Test func aPerturbationFileShowsItsNameAndNorm() {
    var s = ExplorerFixtures.state()
    s.control = PerturbationControl(.file("/tmp/some/delta-bottom-1.safetensors"))
    let text = render(s, Size(width: 140, height: 42)).text
    #expect(text.contains("δ file delta-bottom-1.safetensors ‖δ‖ = 1.08e-01"))
  }

  @Test func tooSmallTerminalSaysSo() {
    let canvas = render(ExplorerFixtures.state(), Size(width: 60, height: 20))
    #expect(canvas.text.contains("60×20"))
    #expect(canvas.text.contains("80×24"))
  }

  @Test func numbersOnTheMainScreenAreTheReportsNumbers() {
    let text = render(ExplorerFixtures.state(), Size(width: 140, height: 42)).text
    for expected in ["3.64e-01", "2.48e-02", "3.30e-05", "64/64", "1.79e+01", "it 120/300", "Original", "I2F x0+I2F(δ)"] {
      #expect(text.contains(expected), "main screen lacks \(expected)")
    }
  }

  @Test(arguments: sizes) func resultsList(_ size: Size) throws {
    var s = try ResultsFixtures.state()
    let opened = s.results?.entries[3].row.id
    s.results?.opened = opened
    _ = s.update(.key(.down), now: .now, screen: size)
    assertSnapshot(render(s, size), named: "explorer-results-\(size.width)x\(size.height)")
  }

  /// The matrix-free spectrum names its phases with their times while it runs.
  @Test(arguments: sizes) func matrixFreeProgress(_ size: Size) {
    var s = ExplorerFixtures.state()
    let t0 = ContinuousClock.now
    var stage = ExplorerFixtures.productsStage
    stage.hasLargestEigenvalue = true
    stage.method = "λmax only"
    var report = ExplorerFixtures.productsReport()
    report.lambdaMax = 2.48e-2
    s.panes[0].analysis = stage
    s.panes[0].report = report
    s.panes[0].phase = .spectrum(fraction: nil)
    s.panes[0].spectrumStarted = t0
    s.panes[0].spectrumSteps = [
      AnalysisStep(text: "Lanczos: λmax, λmin and the top 24 eigenpairs of J·Jᵀ", started: t0, ended: t0 + .seconds(48)),
      AnalysisStep(text: "Hutch++: trace of (J·Jᵀ + εI)⁻¹", started: t0 + .seconds(48)),
    ]
    s.clock = t0 + .milliseconds(72_400)
    let canvas = render(s, size)
    assertSnapshot(canvas, named: "explorer-matrix-free-progress-\(size.width)x\(size.height)")
    // The spectrum panel (wide enough at 140 columns) names each phase with its time; the image
    // placeholders name the running one without.
    let wide = size.width >= 140
    for expected in ["matrix-free spectrum of J·Jᵀ · 1 min 12 s", "✓ Lanczos: λmax, λmin", "Hutch++: trace of (J·Jᵀ + εI)⁻¹ · 24 s"] where wide {
      #expect(canvas.text.contains(expected), "matrix-free progress lacks \(expected)")
    }
    #expect(canvas.text.contains("⠋ Hutch++"))
  }

  /// The steps the update records from the engine's status lines, with the times of arrival.
  @Test func statusLinesBecomeTimedSteps() {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    guard case .analyze(let id, let gen, _)? = s.start().first else { Issue.record("no analysis"); return }
    var stage = ExplorerFixtures.productsStage
    stage.hasLargestEigenvalue = true
    let t0 = ContinuousClock.now
    _ = s.update(.analysisStage(id, generation: gen, stage), now: t0, screen: Size(width: 140, height: 42))
    _ = s.update(.analysisStatus(id, generation: gen, "Lanczos"), now: t0 + .seconds(1), screen: Size(width: 140, height: 42))
    _ = s.update(.analysisStatus(id, generation: gen + 1, "stale"), now: t0 + .seconds(2), screen: Size(width: 140, height: 42))
    _ = s.update(.analysisStatus(id, generation: gen, "Hutch++"), now: t0 + .seconds(3), screen: Size(width: 140, height: 42))
    #expect(s.panes[0].spectrumStarted == t0)
    #expect(s.panes[0].spectrumSteps == [AnalysisStep(text: "Lanczos", started: t0 + .seconds(1), ended: t0 + .seconds(3)),
                                         AnalysisStep(text: "Hutch++", started: t0 + .seconds(3))])
    _ = s.update(.tick, now: t0 + .seconds(5), screen: Size(width: 140, height: 42))
    #expect(s.phaseLabel(s.panes[0], tick: 0, glyphs: .unicode, spinner: false) == "Hutch++ · 2.0 s")
    _ = s.update(.analysisStage(id, generation: gen, ExplorerFixtures.matrixFreeSummary), now: t0 + .seconds(9), screen: Size(width: 140, height: 42))
    #expect(s.panes[0].spectrumSteps.last?.ended == t0 + .seconds(9))
    // Dense: the fraction and the time so far.
    var dense = s
    dense.panes[0].spectrumSteps = []
    dense.panes[0].phase = .spectrum(fraction: 0.4)
    #expect(dense.phaseLabel(dense.panes[0], tick: 0, glyphs: .unicode, spinner: false) == "computing J·Jᵀ 40% · 9.0 s")
  }

  /// A model that does not load (a bogus .onnx file) leaves the loader's error in the pane.
  @Test(arguments: sizes) func aModelThatDoesNotLoadShowsTheLoadersError(_ size: Size) {
    var scenario = Scenario()
    scenario.model = .onnx("Models/bogus.onnx")
    var s = ExplorerState(scenario: scenario, attack: .dlg, weightChoices: [], datasetNames: [])
    guard case .analyze(let id, let gen, _)? = s.start().first else { Issue.record("no analysis"); return }
    let error = "Models/bogus.onnx: not an ONNX model (protobuf field 1 has wire type 7)"
    _ = s.update(.analysisFailed(id, generation: gen, message: error), now: .now, screen: size)
    let canvas = render(s, size)
    assertSnapshot(canvas, named: "explorer-model-failed-\(size.width)x\(size.height)")
    // The whole line is in the I2F panel (wrapped as needed), and the title names the file.
    let numbers = ExplorerLayout.main(size: size).numbers.inset(by: .all(1))
    let panelText = (numbers.minY..<numbers.maxY).map { y in
      String(String.UnicodeScalarView(canvas.textLines[y].unicodeScalars.dropFirst(numbers.x).prefix(numbers.width)))
    }.joined(separator: " ")
      .split(separator: " ").joined(separator: " ")
    #expect(panelText.contains("✗ \(error)"), "\(panelText)")
    #expect(canvas.text.contains("bogus.onnx") && canvas.text.contains("ERROR"))
  }

  @Test func theTitleSaysWhichSpaceTheNumbersAreIn() {
    var s = ExplorerFixtures.state()
    let size = Size(width: 140, height: 42)
    #expect(s.spaceLabel(s.panes[0]) == nil)
    #expect(!render(s, size).text.contains("space"))
    s.scenario.normalization = InputNormalization.presets["mnist"]
    s.scenario.space = .model
    var title = render(s, size).textLines[0]
    #expect(title.hasPrefix(" i2f  model space   convnet5 (z = (x−0.1307)/0.3081) · uniform"), "\(title)")
    #expect(render(s, size).text.contains("I2F · model space"))
    s.scenario.space = .pixel
    title = render(s, Size(width: 80, height: 24)).textLines[0]
    #expect(title.hasPrefix(" i2f  pixel space   convnet5 (z = (x−0.1307)/0.3081)"), "\(title)")
    #expect(render(s, size).text.contains("I2F · pixel space"))
    // Per-channel values are named by the preset.
    #expect(ExplorerState.formula(InputNormalization.presets["cifar10"]!) == "z = (x−m)/s, cifar10")
    // A normalisation read from the weights file counts as well.
    s.scenario.normalization = nil
    s.panes[0].victim?.normalization = InputNormalization.presets["mnist"]
    #expect(s.spaceLabel(s.panes[0])?.space == "pixel space")
  }

  /// In model space the attack's RMSE is measured on the normalised images, like I2F's.
  @Test func theAchievedRMSEIsInTheSpaceOfThePrediction() throws {
    var s = ExplorerFixtures.state()
    let pixel = try #require(s.panes[0].attack?.metrics.rmse)
    #expect(ExplorerState.achievedRMSE(s.panes[0]) == pixel)
    s.panes[0].report?.space = .model
    s.panes[0].report?.normalization = InputNormalization.presets["mnist"]
    let model = try #require(ExplorerState.achievedRMSE(s.panes[0]))
    #expect(Swift.abs(model - pixel / 0.3081) <= 1e-9 * model)
    #expect(render(s, Size(width: 140, height: 42)).text.contains(ExplorerState.format(model)))
  }
}
