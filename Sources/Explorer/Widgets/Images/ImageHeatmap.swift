/// How image values become colours.
public enum HeatmapMapping: Hashable, Sendable {
  /// Values in `range` spread over the colour map (one channel) or each RGB channel (three).
  case magnitude(range: ClosedRange<Double>, colormap: Colormap)
  /// Signed values on the symmetric range `[-limit, limit]` of a diverging map; exact zero is
  /// white. Three-channel images show the channel mean.
  case signed(limit: Double, colormap: Colormap)

  /// Magnitude over the image's own value range.
  public static func magnitude(of image: HeatmapImage, colormap: Colormap = .grays) -> HeatmapMapping {
    .magnitude(range: image.valueRange, colormap: colormap)
  }

  /// Signed over `[-m, m]` with `m` the image's largest |value|.
  public static func signed(of image: HeatmapImage, colormap: Colormap = .redBlue) -> HeatmapMapping {
    .signed(limit: image.maxMagnitude, colormap: colormap)
  }
}

/// Where an image goes in the space available: the scale, and the cells it covers.
public struct ImageFit: Hashable, Sendable {
  public var scale: ImageScale
  /// Cells the scaled image covers (may exceed the space when even the smallest scale is too big).
  public var size: Size
  /// False when the image had to be clipped.
  public var fits: Bool
}

/// An image drawn as a heatmap. With 256 or 24-bit colour and Unicode, each cell is an upper half
/// block `▀` whose foreground is the top pixel and background the bottom one (square pixels, two
/// per cell). With colour but ASCII glyphs a pixel is two coloured spaces; without colour (or with
/// only the themed ANSI colours) it is two characters of a luminance ramp, and signed maps use two
/// glyph families (`- = #` below zero, `+ * @` above; blue and red on 8/16-colour terminals).
/// The image is scaled by an integer factor to fill the space (see ``fit(in:context:)``), centred.
public struct ImageHeatmap: Widget, Hashable, Sendable {
  public var image: HeatmapImage
  public var mapping: HeatmapMapping
  /// Largest nearest-neighbour enlargement.
  public var maxEnlargement: Int
  /// Largest averaging reduction tried before giving up and clipping.
  public var maxReduction: Int
  /// A scale to use instead of fitting, so panes that are compared side by side can share one
  /// (e.g. the smallest of their fitted scales).
  public var scale: ImageScale?

  public init(
    image: HeatmapImage, mapping: HeatmapMapping, maxEnlargement: Int = 8, maxReduction: Int = 4,
    scale: ImageScale? = nil
  ) {
    self.image = image
    self.mapping = mapping
    self.maxEnlargement = Swift.max(1, maxEnlargement)
    self.maxReduction = Swift.max(1, maxReduction)
    self.scale = scale
  }

  /// The three ways of putting pixels in cells.
  enum Technique {
    case halfBlocks, colorCells, ramp

    init(_ context: RenderContext) {
      if !context.colorMode.drawsImagesInColor {
        self = .ramp
      } else {
        self = context.glyphs.isUnicode ? .halfBlocks : .colorCells
      }
    }

    /// Cells covered by `w×h` pixels.
    func cells(width w: Int, height h: Int) -> Size {
      self == .halfBlocks ? Size(width: w, height: (h + 1) / 2) : Size(width: 2 * w, height: h)
    }
  }

  /// The scale and cell size for drawing into `space`: the largest enlargement that fits, else the
  /// smallest reduction (×½, ×⅓, …) that fits, else the largest reduction, clipped.
  /// With a fixed ``scale`` that scale is reported, with `fits` saying whether it fits.
  public func fit(in space: Size, context: RenderContext) -> ImageFit {
    if let scale {
      let cells = Technique(context).cells(width: scale.scaled(image.width), height: scale.scaled(image.height))
      return ImageFit(scale: scale, size: cells, fits: space.contains(cells))
    }
    return Self.fit(
      width: image.width, height: image.height, in: space, context: context,
      maxEnlargement: maxEnlargement, maxReduction: maxReduction)
  }

  /// ``fit(in:context:)`` for an image of `width×height` pixels, for layouts decided before the
  /// image exists.
  public static func fit(
    width: Int, height: Int, in space: Size, context: RenderContext, maxEnlargement: Int = 8, maxReduction: Int = 4
  ) -> ImageFit {
    let technique = Technique(context)
    for k in stride(from: Swift.max(1, maxEnlargement), through: 1, by: -1) {
      let cells = technique.cells(width: width * k, height: height * k)
      if space.contains(cells) { return ImageFit(scale: .enlarged(k), size: cells, fits: true) }
    }
    var last = ImageFit(scale: .identity, size: technique.cells(width: width, height: height), fits: false)
    if maxReduction >= 2 {
      for k in 2...maxReduction {
        let s = ImageScale.reduced(k)
        let cells = technique.cells(width: s.scaled(width), height: s.scaled(height))
        last = ImageFit(scale: s, size: cells, fits: space.contains(cells))
        if last.fits { return last }
      }
    }
    return last
  }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let technique = Technique(context)
    let fit = self.fit(in: rect.size, context: context)
    let scale = fit.scale
    let pw = scale.scaled(image.width)
    let ph = scale.scaled(image.height)
    let area = rect.centered(fit.size)
    // Clipped images keep their top-left corner rather than their centre.
    let origin = Point(x: fit.fits ? area.x : rect.x, y: fit.fits ? area.y : rect.y)

    var samples = [Double](repeating: .nan, count: pw * ph)
    var rgbSamples: [RGB?] = []
    let isRGB = image.channels == 3
    if case .magnitude(let range, _) = mapping, isRGB {
      rgbSamples = Array(repeating: nil, count: pw * ph)
      for py in 0..<ph {
        for px in 0..<pw {
          let r = pixel(px, py, channel: 0, scale: scale)
          let g = pixel(px, py, channel: 1, scale: scale)
          let b = pixel(px, py, channel: 2, scale: scale)
          if r.isFinite && g.isFinite && b.isFinite {
            let span = range.upperBound - range.lowerBound
            func unit(_ v: Double) -> Double { span > 0 ? (v - range.lowerBound) / span : 0.5 }
            rgbSamples[py * pw + px] = RGB(unit: unit(r), unit(g), unit(b))
          }
        }
      }
    } else {
      for py in 0..<ph {
        for px in 0..<pw {
          samples[py * pw + px] =
            isRGB
            ? (pixel(px, py, channel: 0, scale: scale) + pixel(px, py, channel: 1, scale: scale)
              + pixel(px, py, channel: 2, scale: scale)) / 3
            : pixel(px, py, channel: 0, scale: scale)
        }
      }
    }

    func color(_ px: Int, _ py: Int) -> TerminalColor {
      guard px < pw, py < ph else { return .default }
      let i = py * pw + px
      switch mapping {
      case .magnitude(let range, let colormap):
        if isRGB {
          guard let c = rgbSamples[i] else { return .default }
          return context.colorMode == .direct ? .rgb(c) : .palette(XTerm256.nearest(c))
        }
        let v = samples[i]
        guard v.isFinite else { return .default }
        return colormap.color(at: Self.unit(v, range), mode: context.colorMode)
      case .signed(let limit, let colormap):
        let v = samples[i]
        guard !v.isNaN else { return .default }
        return colormap.color(signed: v, limit: limit, mode: context.colorMode)
      }
    }

    switch technique {
    case .halfBlocks:
      for cy in 0..<fit.size.height {
        for cx in 0..<fit.size.width {
          let style = CellStyle(foreground: color(cx, 2 * cy), background: color(cx, 2 * cy + 1))
          canvas.put("▀", at: Point(x: origin.x + cx, y: origin.y + cy), style: style, clip: rect)
        }
      }
    case .colorCells:
      for py in 0..<ph {
        for px in 0..<pw {
          let style = CellStyle(background: color(px, py))
          for dx in 0..<2 {
            canvas.put(" ", at: Point(x: origin.x + 2 * px + dx, y: origin.y + py), style: style, clip: rect)
          }
        }
      }
    case .ramp:
      for py in 0..<ph {
        for px in 0..<pw {
          let (glyph, style) = rampCell(px, py, pw: pw, samples: samples, rgbSamples: rgbSamples, context: context)
          for dx in 0..<2 {
            canvas.put(glyph, at: Point(x: origin.x + 2 * px + dx, y: origin.y + py), style: style, clip: rect)
          }
        }
      }
    }
  }

  /// Negative and positive glyph families of the signed ramp, weakest first.
  static let negativeGlyphs: [Unicode.Scalar] = ["-", "=", "#"]
  static let positiveGlyphs: [Unicode.Scalar] = ["+", "*", "@"]

  private func rampCell(
    _ px: Int, _ py: Int, pw: Int, samples: [Double], rgbSamples: [RGB?], context: RenderContext
  ) -> (Unicode.Scalar, CellStyle) {
    let i = py * pw + px
    let colored = context.colorMode >= .ansi8
    switch mapping {
    case .magnitude(let range, _):
      let t: Double
      if image.channels == 3 {
        guard let c = rgbSamples[i] else { return ("?", .plain) }
        t = c.luma
      } else {
        guard samples[i].isFinite else { return ("?", .plain) }
        t = Self.unit(samples[i], range)
      }
      let ramp = GlyphSet.imageRamp
      return (ramp[Swift.min(ramp.count - 1, Swift.max(0, Int(t * Double(ramp.count))))], .plain)
    case .signed(let limit, _):
      let v = samples[i]
      if v.isNaN { return ("?", .plain) }
      if v == 0 { return (" ", .plain) }
      let s = limit > 0 ? Swift.min(abs(v) / limit, 1) : 1
      let level = Swift.min(2, Swift.max(0, Int((s * 3).rounded(.up)) - 1))
      let negative = v < 0
      let glyph = negative ? Self.negativeGlyphs[level] : Self.positiveGlyphs[level]
      let style = colored ? CellStyle(foreground: .palette(negative ? 4 : 1)) : .plain
      return (glyph, style)
    }
  }

  /// `v` normalised into `range` (0.5 for a degenerate range).
  static func unit(_ v: Double, _ range: ClosedRange<Double>) -> Double {
    let span = range.upperBound - range.lowerBound
    return span > 0 ? (v - range.lowerBound) / span : 0.5
  }

  /// The value of scaled pixel (`px`, `py`) in `channel`: the source pixel for enlargements, the
  /// mean of the finite values of its block for reductions (NaN when there are none).
  private func pixel(_ px: Int, _ py: Int, channel: Int, scale: ImageScale) -> Double {
    if !scale.isReduction {
      return image.value(channel: channel, x: px / scale.factor, y: py / scale.factor)
    }
    let k = scale.factor
    var sum = 0.0
    var n = 0
    for y in (py * k)..<Swift.min(image.height, (py + 1) * k) {
      for x in (px * k)..<Swift.min(image.width, (px + 1) * k) {
        let v = image.value(channel: channel, x: x, y: y)
        if v.isFinite {
          sum += v
          n += 1
        }
      }
    }
    return n > 0 ? sum / Double(n) : .nan
  }
}
