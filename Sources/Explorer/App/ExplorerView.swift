import Autodiff
import Foundation
import Leakage

/// The explorer's screens as pure functions of the state: state → canvas.
extension ExplorerState {
  /// The whole screen. `tick` animates spinners.
  public func view(size: Size, context: RenderContext, tick: Int = 0) -> Canvas {
    var canvas = Canvas(size: size)
    guard size.contains(ExplorerLayout.minimumSize) else {
      canvas.render(TerminalTooSmallView(have: size, need: ExplorerLayout.minimumSize), in: canvas.bounds, context: context)
      return canvas
    }
    switch screen {
    case .main: drawMain(&canvas, context: context, tick: tick)
    case .compare: drawCompare(&canvas, context: context, tick: tick)
    }
    switch overlay {
    case .help(let scroll)?:
      canvas.render(HelpOverlay(keymap: keymap, scopes: Self.helpScopes, scroll: scroll, title: "i2f keys"), in: canvas.bounds, context: context)
    case .picker(let kind, let picker)?:
      drawPicker(&canvas, kind, picker, context: context)
    case .samples(let browser)?:
      drawSampleBrowser(&canvas, browser, context: context)
    case nil: break
    }
    return canvas
  }

  // MARK: - Shared pieces

  /// The title bar: the current configuration, always visible.
  func drawTitle(_ canvas: inout Canvas, in rect: Rect, context: RenderContext) {
    let t = context.theme
    canvas.clear(rect, style: t.badgeNeutral)
    let pane = panes[activePane]
    let labels = pane.summary.map { $0.labels.map(String.init).joined(separator: ",") }
    let spans = [
      TextSpan(" i2f ", style: t.badgeActive),
      TextSpan("  \(pane.summary?.architecture ?? scenario.model.shortName)", style: t.badgeNeutral),
      TextSpan(" · \(screen == .compare ? "\(panes.count) initialisations" : pane.weights.description)", style: t.badgeNeutral),
      TextSpan(" · \(scenario.sample)\(labels.map { " [\($0)]" } ?? "")", style: t.badgeNeutral),
      TextSpan(" · \(control.kind.shortTitle) \(control.valueLabel)", style: t.badgeNeutral),
      TextSpan(" · attack \(attack.preset)", style: t.badgeNeutral),
    ]
    canvas.draw(spans, at: rect.origin, clip: rect)
  }

  func drawStatus(_ canvas: inout Canvas, in rect: Rect, context: RenderContext, tick: Int) {
    let pane = panes[activePane]
    var mode = "READY", tone = StatusBar.Tone.paused
    if case .computing(let f) = pane.analysis {
      mode = "ANALYSING \(Int(f * 100))%"
      tone = .active
    } else if case .failed = pane.analysis {
      mode = "ERROR"
      tone = .error
    } else if let a = pane.attack {
      mode = a.finished ? "DONE it \(a.iteration)" : (pane.attackRunning ? "RUNNING it \(a.iteration)/\(a.total)" : "PAUSED it \(a.iteration)/\(a.total)")
      tone = pane.attackRunning ? .active : .paused
    }
    let summary = "speed \(AttackSpeed.levels[speed].label)" + (screen == .compare ? " · pane \(focus + 1)/\(panes.count)" : "")
    canvas.render(StatusBar(mode: mode, tone: tone, summary: summary, message: message, hints: keymap.hints(scopes: scopes)),
                  in: rect, context: context)
  }

  /// A pixel tensor `[B, C, H, W]` as one heatmap image, the batch side by side with a blank gap.
  static func heatmapImage(_ t: Tensor<Double>) -> HeatmapImage? {
    guard t.rank == 4 else { return nil }
    let (b, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
    let width = b * w + (b - 1)
    var values = [Double](repeating: .nan, count: c * h * width)
    for i in 0..<b {
      for ch in 0..<c {
        for y in 0..<h {
          for x in 0..<w { values[(ch * h + y) * width + i * (w + 1) + x] = t.scalars[((i * c + ch) * h + y) * w + x] }
        }
      }
    }
    return try? HeatmapImage(channels: c, height: h, width: width, values: values)
  }

  /// Draws an image panel: frame with title, the image at `scale`, and a colour-bar line.
  static func drawImage(
    _ canvas: inout Canvas, _ image: HeatmapImage?, mapping m: HeatmapMapping, title: String, detail: String = "",
    in rect: Rect, scale: ImageScale?, focused: Bool = false, placeholder: String, context: RenderContext
  ) {
    let panel = Panel(title: title, detail: detail, isFocused: focused)
    canvas.render(panel, in: rect, context: context)
    let inner = panel.contentRect(in: rect)
    guard let image else {
      canvas.draw(placeholder, in: inner.centered(Size(width: inner.width, height: 1)), alignment: .center, style: context.theme.secondary)
      return
    }
    let body = inner.droppingBottom(1)
    canvas.render(ImageHeatmap(image: image, mapping: m, scale: scale), in: body, context: context)
    canvas.render(ColorBar(mapping: m), in: inner.bottom(1).insetBy(dx: 1, dy: 0), context: context)
  }

  /// The largest scale at which `image` fits every rect.
  static func sharedScale(_ image: HeatmapImage?, in rects: [Rect], context: RenderContext) -> ImageScale? {
    guard let image else { return nil }
    return rects.map { r -> ImageScale in
      let inner = r.inset(by: .all(1)).droppingBottom(1)
      return ImageHeatmap(image: image, mapping: .magnitude(range: 0...1, colormap: .grays)).fit(in: inner.size, context: context).scale
    }.min()
  }

  /// Pixels in [0, 1] on the gray map (reconstructions outside the box saturate).
  static let pixels = HeatmapMapping.magnitude(range: 0...1, colormap: .grays)

  static func format(_ x: Double?) -> String {
    guard let x else { return "—" }
    if x.isNaN { return "nan" }
    if x.isInfinite { return "∞" }
    return NumberFormat.scientific(x, significantDigits: 3)
  }

  /// Predicted and achieved leakage as text for one pane.
  func numbersRows(_ pane: PaneState, full: Bool) -> [KeyValueTable.Row] {
    guard let s = pane.summary else { return [] }
    let r = pane.report
    var rows: [KeyValueTable.Row] = [
      .pair("‖J·δ‖", Self.format(r?.jDeltaNorm)),
      .pair("λmax(J·Jᵀ)", Self.format(s.lambdaMax)),
      .pair("λmin(J·Jᵀ)", Self.format(s.lambdaMin)),
      .pair("condition", Self.format(r?.condition ?? (s.lambdaMin > 0 ? s.lambdaMax / s.lambdaMin : .infinity))),
      .pair("rank", r?.rank.map { "\($0)/\(s.inputCount)" } ?? "—"),
      .pair("‖I2F(δ)‖", Self.format(r?.i2fNorm)),
    ]
    if full {
      rows += [
        .pair("‖I2F_ε(δ)‖", Self.format(r?.i2fRidgeNorm) + " ε=\(Self.format(r?.ridge))"),
        .pair("lower bound", Self.format(r?.lowerBound)),
        .pair("upper bound", r.map { $0.upperBound.map(Self.format) ?? "— (singular)" } ?? "—"),
      ]
    }
    rows.append(.pair("predicted RMSE", Self.format(r?.predictedRMSE)))
    if control.kind == .gaussian { rows.append(.pair("expected RMSE", Self.format(r?.expectedRMSE))) }
    if full, let r { rows.append(.pair("σ for RMSE \(NumberFormat.compact(targetRMSE))", Self.format(r.sigma(forTargetRMSE: targetRMSE)))) }
    if full { rows.append(.pair("‖δ‖ / ‖g0‖", r.map { "\(Self.format($0.deltaNorm)) / \(Self.format($0.gradientNorm))" } ?? "—")) }
    return rows
  }
}
