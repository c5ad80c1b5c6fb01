/// The legend of a heatmap: the colour ramp with its end values, so colour never hides the numbers.
/// One row: `0.00 ████████ 1.00`. Two or more rows: the bar on the first, labels under its ends
/// (and `0` under the middle of a signed map). Without colour the bar uses the same character
/// ramp as the image.
public struct ColorBar: Widget, Hashable, Sendable {
  public var mapping: HeatmapMapping
  /// Significant digits of the labels (see ``NumberFormat/compact(_:significantDigits:)``).
  public var significantDigits: Int

  public init(mapping: HeatmapMapping, significantDigits: Int = 3) {
    self.mapping = mapping
    self.significantDigits = significantDigits
  }

  /// The value at each end of the bar.
  public var endValues: (low: Double, high: Double) {
    switch mapping {
    case .magnitude(let range, _): return (range.lowerBound, range.upperBound)
    case .signed(let limit, _): return (-limit, limit)
    }
  }

  private func label(_ v: Double) -> String { NumberFormat.compact(v, significantDigits: significantDigits) }

  public func render(in rect: Rect, on canvas: inout Canvas, context: RenderContext) {
    guard !rect.isEmpty else { return }
    let (low, high) = endValues
    let lowText = label(low)
    let highText = label(high)
    let labelStyle = context.theme.secondary
    if rect.height >= 2 {
      drawBar(in: rect.row(0), canvas: &canvas, context: context)
      let labels = rect.row(1)
      canvas.draw(lowText, in: labels, alignment: .leading, style: labelStyle, ellipsis: context.glyphs.ellipsis)
      if lowText.terminalWidth + highText.terminalWidth + 1 <= labels.width {
        canvas.draw(highText, in: labels, alignment: .trailing, style: labelStyle)
      }
      // "0" under the middle cell, with at least a space between it and each end label.
      let middle = (labels.width - 1) / 2
      if case .signed = mapping, middle >= lowText.terminalWidth + 1,
        middle + 2 <= labels.width - highText.terminalWidth
      {
        canvas.put("0", at: Point(x: labels.x + middle, y: labels.y), style: labelStyle, clip: labels)
      }
      return
    }
    let row = rect.row(0)
    let labelsWidth = lowText.terminalWidth + highText.terminalWidth + 2
    if row.width - labelsWidth >= 4 {
      canvas.draw(lowText, at: row.origin, style: labelStyle, clip: row)
      canvas.draw(highText, in: row, alignment: .trailing, style: labelStyle)
      let bar = Rect(x: row.x + lowText.terminalWidth + 1, y: row.y, width: row.width - labelsWidth, height: 1)
      drawBar(in: bar, canvas: &canvas, context: context)
    } else {
      drawBar(in: row, canvas: &canvas, context: context)
    }
  }

  /// The bar alone: cell `i` of `n` shows the colour at the centre of its bin; in a signed map with
  /// an odd width the middle cell is exactly zero.
  private func drawBar(in rect: Rect, canvas: inout Canvas, context: RenderContext) {
    let n = rect.width
    guard n > 0 else { return }
    for i in 0..<n {
      let t = n == 1 ? 0.5 : Double(i) / Double(n - 1)
      let point = Point(x: rect.x + i, y: rect.y)
      switch mapping {
      case .magnitude(_, let colormap):
        if context.colorMode.drawsImagesInColor {
          canvas.put(
            " ", at: point, style: CellStyle(background: colormap.color(at: t, mode: context.colorMode)), clip: rect)
        } else {
          let ramp = GlyphSet.imageRamp
          canvas.put(ramp[Swift.min(ramp.count - 1, Int(t * Double(ramp.count)))], at: point, style: .plain, clip: rect)
        }
      case .signed(let limit, let colormap):
        let value = (2 * t - 1) * (limit > 0 ? limit : 1)
        let exactZero = n % 2 == 1 && i == n / 2
        if context.colorMode.drawsImagesInColor {
          let color = colormap.color(
            signed: exactZero ? 0 : value, limit: limit > 0 ? limit : 1, mode: context.colorMode)
          canvas.put(" ", at: point, style: CellStyle(background: color), clip: rect)
        } else {
          let s = abs(2 * t - 1)
          let level = Swift.min(2, Swift.max(0, Int((s * 3).rounded(.up)) - 1))
          let glyph: Unicode.Scalar =
            exactZero || s == 0
            ? " " : (value < 0 ? ImageHeatmap.negativeGlyphs[level] : ImageHeatmap.positiveGlyphs[level])
          let style =
            context.colorMode >= .ansi8 && !exactZero ? CellStyle(foreground: .palette(value < 0 ? 4 : 1)) : .plain
          canvas.put(glyph, at: point, style: style, clip: rect)
        }
      }
    }
  }
}
