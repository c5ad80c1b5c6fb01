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
}
