import Testing

@testable import Explorer

@Suite struct HeatmapTests {
  let gray = ImageHeatmap(image: TestImages.grayRamp, mapping: .magnitude(range: 0...1, colormap: .grays))
  let viridis = ImageHeatmap(image: TestImages.grayRamp, mapping: .magnitude(range: 0...1, colormap: .viridis))
  let rgb = ImageHeatmap(image: TestImages.rgb, mapping: .magnitude(range: 0...1, colormap: .grays))
  let signed = ImageHeatmap(image: TestImages.signedError, mapping: .signed(of: TestImages.signedError))

  @Test func scaleFillsTheSpaceWithIntegerFactors() {
    let context = colorUnicode
    // 8×8 in half blocks is 8 cols × 4 rows per unit of scale.
    #expect(gray.fit(in: Size(width: 40, height: 12), context: context).scale == .enlarged(3))
    #expect(gray.fit(in: Size(width: 40, height: 12), context: context).size == Size(width: 24, height: 12))
    #expect(gray.fit(in: Size(width: 8, height: 4), context: context).scale == .identity)
    #expect(gray.fit(in: Size(width: 12, height: 3), context: context).scale == .reduced(2))
    let clipped = gray.fit(in: Size(width: 1, height: 1), context: context)
    #expect(clipped.scale == .reduced(4) && !clipped.fits)
    // Without colour a pixel is two characters on one row.
    #expect(gray.fit(in: Size(width: 40, height: 12), context: monoASCII).scale == .identity)
    #expect(gray.fit(in: Size(width: 40, height: 12), context: monoASCII).size == Size(width: 16, height: 8))
    // 28×28 MNIST in a 32×16 pane is ×1; 32×32 CIFAR in 16×8 is ×½.
    #expect(
      ImageHeatmap.fit(width: 28, height: 28, in: Size(width: 32, height: 16), context: context).scale == .identity)
    #expect(
      ImageHeatmap.fit(width: 32, height: 32, in: Size(width: 16, height: 8), context: context).scale == .reduced(2))
  }

  @Test func aFixedScaleOverridesFitting() {
    var fixed = gray
    fixed.scale = .reduced(2)
    let fit = fixed.fit(in: Size(width: 40, height: 12), context: colorUnicode)
    #expect(fit == ImageFit(scale: .reduced(2), size: Size(width: 4, height: 2), fits: true))
    #expect(
      rendered(fixed, width: 40, height: 12).textLines[5] == String(repeating: " ", count: 18) + "▀▀▀▀"
        + String(repeating: " ", count: 18))
    #expect([ImageScale.enlarged(2), .reduced(2), .identity].min() == .reduced(2))
  }

  @Test func scaleLabels() {
    #expect(ImageScale.enlarged(2).label() == "×2")
    #expect(ImageScale.reduced(2).label() == "×½")
    #expect(ImageScale.reduced(2).label(glyphs: .ascii) == "x1/2")
    #expect(ImageScale.reduced(4).scaled(30) == 8)
    #expect(ImageScale.reduced(2).value == 0.5)
  }

  @Test func halfBlockPixelsCarryTopAndBottomColours() {
    let canvas = rendered(gray, width: 8, height: 4)
    // Top-left cell: pixels (0,0)=0 on top, (0,1)=1/14 below, both on the grey LUT.
    #expect(canvas[0, 0].scalar == "▀")
    #expect(canvas[0, 0].style.foreground == .palette(Colormap.grays.paletteIndex(at: 0)))
    #expect(canvas[0, 0].style.background == .palette(Colormap.grays.paletteIndex(at: 1.0 / 14)))
    // The bright square at (2...3, 2...3) is white.
    #expect(canvas[2, 1].style.foreground == .palette(231) && canvas[2, 1].style.background == .palette(231))
    let direct = rendered(gray, width: 8, height: 4, context: RenderContext(colorMode: .direct, glyphs: .unicode))
    #expect(direct[2, 1].style.foreground == .rgb(.white))
  }

  @Test func signedZeroIsWhiteInColourAndBlankWithout() {
    let canvas = rendered(signed, width: 8, height: 4)
    #expect(canvas[0, 0].style.foreground == .palette(231))  // the zero row
    let mono = rendered(signed, width: 16, height: 8, context: monoASCII)
    #expect(mono.textLines[0] == String(repeating: " ", count: 16))
  }

  @Test func imageShapeErrors() {
    #expect(throws: HeatmapImage.ShapeError.unsupportedChannels(2)) {
      try HeatmapImage(channels: 2, height: 1, width: 1, values: [0.0, 0.0])
    }
    #expect(throws: HeatmapImage.ShapeError.countMismatch(expected: 4, actual: 3)) {
      try HeatmapImage(channels: 1, height: 2, width: 2, values: [Float](repeating: 0, count: 3))
    }
    #expect(throws: HeatmapImage.ShapeError.emptyImage(height: 0, width: 3)) {
      try HeatmapImage(channels: 1, height: 0, width: 3, values: [Double]())
    }
  }

  @Test func nonFiniteValuesDoNotBreakRendering() throws {
    let image = try HeatmapImage(channels: 1, height: 2, width: 2, values: [Double.nan, .infinity, -.infinity, 0.5])
    #expect(image.valueRange == 0.5...0.5)
    let canvas = rendered(ImageHeatmap(image: image, mapping: .magnitude(of: image)), width: 2, height: 1)
    #expect(canvas[0, 0].style.foreground == .default)
    let mono = rendered(
      ImageHeatmap(image: image, mapping: .magnitude(of: image)), width: 4, height: 2, context: monoASCII)
    #expect(mono.textLines[0].hasPrefix("??"))
  }

  @Test(arguments: [(40, 12), (12, 3)])
  func snapshots(width: Int, height: Int) {
    let size = "\(width)x\(height)"
    assertSnapshot(rendered(gray, width: width, height: height), named: "heatmap-gray-\(size)")
    assertSnapshot(rendered(viridis, width: width, height: height), named: "heatmap-viridis-\(size)")
    assertSnapshot(rendered(rgb, width: width, height: height), named: "heatmap-rgb-\(size)")
    assertSnapshot(rendered(signed, width: width, height: height), named: "heatmap-signed-\(size)")
    assertSnapshot(rendered(gray, width: width, height: height, context: monoASCII), named: "heatmap-gray-mono-\(size)")
    assertSnapshot(
      rendered(signed, width: width, height: height, context: RenderContext(colorMode: .ansi16, glyphs: .unicode)),
      named: "heatmap-signed-ansi16-\(size)")
    assertSnapshot(
      rendered(gray, width: width, height: height, context: RenderContext(colorMode: .xterm256, glyphs: .ascii)),
      named: "heatmap-gray-ascii256-\(size)")
  }

  @Test(arguments: [(30, 2), (12, 1)])
  func colorBarSnapshots(width: Int, height: Int) {
    let size = "\(width)x\(height)"
    assertSnapshot(
      rendered(ColorBar(mapping: .magnitude(range: 0...1, colormap: .viridis)), width: width, height: height),
      named: "colorbar-viridis-\(size)")
    assertSnapshot(
      rendered(ColorBar(mapping: .signed(limit: 0.032, colormap: .redBlue)), width: width + 1, height: height),
      named: "colorbar-signed-\(size)")
    assertSnapshot(
      rendered(
        ColorBar(mapping: .signed(limit: 0.032, colormap: .redBlue)), width: width + 1, height: height,
        context: monoASCII),
      named: "colorbar-signed-mono-\(size)")
  }

  @Test func signedColorBarHasExactZeroInTheMiddle() {
    let canvas = rendered(ColorBar(mapping: .signed(limit: 1, colormap: .redBlue)), width: 15, height: 2)
    #expect(canvas[7, 0].style.background == .palette(231))
    #expect(canvas[6, 0].style.background != .palette(231))
    #expect(canvas.textLines[1] == "-1.00  0   1.00")
  }
}
