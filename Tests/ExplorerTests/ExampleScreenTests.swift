import Testing

@testable import Explorer

/// The composed example screen at two sizes, with overlays, and too small.
@Suite struct ExampleScreenTests {
  private func model(iterations: Int) -> ExampleScreen.Model {
    var m = ExampleScreen.Model()
    for _ in 0..<iterations { ExampleScreen.advance(&m) }
    return m
  }

  @Test(arguments: [(120, 40), (80, 24)]) func mainScreen(width: Int, height: Int) {
    let size = Size(width: width, height: height)
    assertSnapshot(
      ExampleScreen.view(model(iterations: 120), size: size, context: colorUnicode), named: "example-\(width)x\(height)"
    )
    assertSnapshot(
      ExampleScreen.view(model(iterations: 120), size: size, context: monoASCII),
      named: "example-mono-\(width)x\(height)")
  }

  @Test func overlaysAndKeys() {
    let size = Size(width: 80, height: 24)
    let now = ContinuousClock.now
    var m = model(iterations: 20)
    ExampleScreen.update(&m, key: .character("s"), now: now, screen: size)
    ExampleScreen.update(&m, key: .down, now: now, screen: size)
    assertSnapshot(ExampleScreen.view(m, size: size, context: colorUnicode), named: "example-picker-80x24")
    ExampleScreen.update(&m, key: .enter, now: now, screen: size)
    #expect(m.sample == 4 && m.overlay == nil)
    ExampleScreen.update(&m, key: .space, now: now, screen: size)
    #expect(m.running)
    ExampleScreen.update(&m, key: .character("n"), now: now, screen: size)
    #expect(m.message?.text == "pause first")
    ExampleScreen.update(&m, key: .character("?"), now: now, screen: size)
    assertSnapshot(ExampleScreen.view(m, size: size, context: colorUnicode), named: "example-help-80x24")
    ExampleScreen.update(&m, key: .escape, now: now, screen: size)
    #expect(m.overlay == nil)
    ExampleScreen.update(&m, key: nil, now: now.advanced(by: .seconds(5)), screen: size)
    #expect(m.message == nil && m.iteration == 21)
    ExampleScreen.update(&m, key: .character("q"), now: now, screen: size)
    #expect(m.quit)
  }

  @Test func tooSmall() {
    assertSnapshot(
      ExampleScreen.view(ExampleScreen.Model(), size: Size(width: 50, height: 15), context: colorUnicode),
      named: "example-too-small-50x15")
  }
}
