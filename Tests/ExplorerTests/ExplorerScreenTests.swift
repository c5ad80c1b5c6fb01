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

  @Test(arguments: sizes) func analysingScreen(_ size: Size) {
    var s = ExplorerState(scenario: Scenario(), attack: .dlg, weightChoices: [], datasetNames: [])
    _ = s.start()
    _ = s.update(.analysisProgress(pane: 0, generation: 1, fraction: 0.4), now: .now, screen: size)
    assertSnapshot(render(s, size), named: "explorer-analysing-\(size.width)x\(size.height)")
  }

  @Test func tooSmallTerminalSaysSo() {
    let canvas = render(ExplorerFixtures.state(), Size(width: 60, height: 20))
    #expect(canvas.text.contains("60×20"))
    #expect(canvas.text.contains("80×24"))
  }

  @Test func numbersOnTheMainScreenAreTheReportsNumbers() {
    let text = render(ExplorerFixtures.state(), Size(width: 140, height: 42)).text
    for expected in ["3.64e-01", "2.48e-02", "3.30e-05", "64/64", "1.79e+01", "it 120/300", "Original", "I2F prediction"] {
      #expect(text.contains(expected), "main screen lacks \(expected)")
    }
  }
}
