import Testing

@testable import Explorer

@Suite struct ColorTests {
  private func distance(_ a: RGB, _ b: RGB) -> Int {
    let dr = Int(a.r) - Int(b.r)
    let dg = Int(a.g) - Int(b.g)
    let db = Int(a.b) - Int(b.b)
    return dr * dr + dg * dg + db * db
  }

  private func bruteForceBest(_ c: RGB) -> Int {
    (16...255).map { distance(XTerm256.rgb(of: UInt8($0)), c) }.min()!
  }

  @Test func nearest256IsExactlyOptimalOnASample() {
    var rng = RepeatableRandom(seed: 42)
    var samples: [RGB] = (0..<20_000).map { _ in
      RGB(
        UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng),
        UInt8.random(in: 0...255, using: &rng))
    }
    // Every grey, and colours either side of each cube level and cube-level midpoint.
    samples += (0...255).map { RGB(UInt8($0), UInt8($0), UInt8($0)) }
    let edges = [
      0, 47, 48, 75, 94, 95, 96, 114, 115, 116, 134, 135, 155, 175, 195, 215, 234, 235, 238, 239, 246, 247, 255,
    ]
    for r in edges {
      for g in edges { for b in [0, 48, 115, 238, 255] { samples.append(RGB(UInt8(r), UInt8(g), UInt8(b))) } }
    }
    var worse = 0
    for c in samples where distance(XTerm256.rgb(of: XTerm256.nearest(c)), c) != bruteForceBest(c) { worse += 1 }
    #expect(worse == 0)
  }

  @Test func nearest256SpotValues() {
    #expect(XTerm256.nearest(RGB(255, 0, 0)) == 196)
    #expect(XTerm256.nearest(RGB(128, 128, 128)) == 244)
    #expect(XTerm256.nearest(RGB(0, 95, 135)) == 24)
    #expect(XTerm256.nearest(RGB(250, 250, 250)) == 231)
    #expect(XTerm256.nearest(.black) == 16)
    #expect(XTerm256.rgb(of: 196) == RGB(255, 0, 0))
    #expect(XTerm256.rgb(of: 232) == RGB(8, 8, 8))
    #expect(XTerm256.rgb(of: 255) == RGB(238, 238, 238))
  }

  @Test func colormapEndpoints() {
    #expect(Colormap.grays.paletteIndex(at: 0) == 16)
    #expect(Colormap.grays.paletteIndex(at: 1) == 231)
    #expect(Colormap.grays.paletteIndex(at: -5) == 16)
    #expect(Colormap.grays.paletteIndex(at: .nan) == 16)
    #expect(Colormap.viridis.rgb(at: 0) == RGB(hex: 0x440154))
    #expect(Colormap.viridis.rgb(at: 1) == RGB(hex: 0xFDE725))
    #expect(Colormap.redBlue.rgb(at: 0) == RGB(hex: 0x053061))
    #expect(Colormap.redBlue.rgb(at: 0.5) == RGB(hex: 0xF7F6F6))
    #expect(Colormap.redBlue.rgb(at: 1) == RGB(hex: 0x67001F))
    #expect(Colormap.viridis.color(at: 1, mode: .direct) == .rgb(RGB(hex: 0xFDE725)))
    #expect(Colormap.viridis.color(at: 1, mode: .ansi16) == .default)
    // The LUT ends are the Lab-nearest palette entries of the anchors: dark purple and yellow.
    #expect(Colormap.viridis.paletteIndex(at: 0) == 53)
    #expect(Colormap.viridis.paletteIndex(at: 1) == 220)
    #expect(Colormap.redBlue.paletteIndex(at: 0) == 24)
    #expect(Colormap.redBlue.paletteIndex(at: 1) == 52)
  }

  @Test func greyLUTIsMonotoneAndRich() {
    let lum = Colormap.grays.lut256.map { XTerm256.rgb(of: $0).luma }
    #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(Set(Colormap.grays.lut256).count >= 28)
  }

  @Test func divergingZeroIsWhiteAndSignsAreBlueAndRed() {
    let map = Colormap.redBlue
    #expect(map.color(signed: 0, limit: 1, mode: .xterm256) == .palette(231))
    #expect(map.color(signed: 0, limit: 1, mode: .direct) == .rgb(.white))
    #expect(map.color(signed: 0, limit: 0, mode: .xterm256) == .palette(231))
    #expect(map.color(signed: 1e-9, limit: 1, mode: .xterm256) != .palette(231))
    let negative = map.rgb(at: Colormap.signedPosition(-0.8, limit: 1))
    let positive = map.rgb(at: Colormap.signedPosition(0.8, limit: 1))
    #expect(negative.b > negative.r)
    #expect(positive.r > positive.b)
    #expect(Colormap.signedPosition(-5, limit: 1) == 0)
    #expect(Colormap.signedPosition(5, limit: 1) == 1)
    #expect(Colormap.signedPosition(.infinity, limit: 1) == 1)
  }

  @Test func colorModeLadder() {
    func resolve(
      _ env: [String: String] = ["TERM": "xterm-256color"], flag: Bool = false, has: Bool = true, colors: Int = 256,
      limit: ColorMode = .direct
    ) -> ColorMode {
      ColorMode.resolve(environment: env, noColorFlag: flag, hasColors: has, colorCount: colors, limit: limit)
    }
    #expect(resolve() == .xterm256)
    #expect(resolve(colors: 1 << 24) == .direct)
    #expect(resolve(colors: 1 << 24, limit: .xterm256) == .xterm256)
    #expect(resolve(colors: 16) == .ansi16)
    #expect(resolve(colors: 8) == .ansi8)
    #expect(resolve(colors: 2) == .none)
    #expect(resolve(["TERM": "xterm", "NO_COLOR": "1"]) == .none)
    #expect(resolve(["TERM": "xterm", "NO_COLOR": ""]) == .xterm256)
    #expect(resolve(flag: true) == .none)
    #expect(resolve(["TERM": "dumb"]) == .none)
    #expect(resolve(has: false) == .none)
  }

  @Test func colorsResolvedForEachMode() {
    #expect(TerminalColor.rgb(RGB(255, 0, 0)).resolved(for: .xterm256) == .palette(196))
    #expect(TerminalColor.rgb(RGB(255, 0, 0)).resolved(for: .direct) == .rgb(RGB(255, 0, 0)))
    #expect(TerminalColor.rgb(RGB(255, 0, 0)).resolved(for: .ansi16) == .palette(9))
    #expect(TerminalColor.palette(196).resolved(for: .ansi8) == .palette(1))
    #expect(TerminalColor.palette(9).resolved(for: .ansi8) == .palette(1))
    #expect(TerminalColor.palette(196).resolved(for: .direct) == .rgb(RGB(255, 0, 0)))
    #expect(TerminalColor.palette(3).resolved(for: .direct) == .palette(3))
    #expect(TerminalColor.palette(196).resolved(for: .none) == .default)
    #expect(TerminalColor.default.resolved(for: .direct) == .default)
  }

  @Test func themesUseOnlyColoursTheModeHas() {
    for mode in ColorMode.allCases {
      let t = Theme.standard(for: mode)
      let styles = [
        t.text, t.secondary, t.label, t.value, t.heading, t.frame, t.focusedFrame, t.title, t.focusedTitle, t.accent,
        t.chart, t.key,
        t.keyDescription, t.selection, t.disabled, t.success, t.warning, t.error, t.badgeNeutral, t.badgeActive,
        t.badgePaused, t.badgeError,
      ]
      for s in styles {
        for c in [s.foreground, s.background] {
          #expect(c.resolved(for: mode) == c || mode == .none && c == .default, "\(mode) \(c)")
        }
      }
    }
  }
}
