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
    let labels = pane.victim.map { $0.labels.map(String.init).joined(separator: ",") }
    var perturbation = "\(control.kind.shortTitle) \(control.valueLabel)"
    if control.kind == .file, let r = pane.report { perturbation += " ‖δ‖ = \(Self.format(r.deltaNorm))" }
    let spans = [
      TextSpan(" i2f ", style: t.badgeActive),
      TextSpan("  \(pane.victim?.architecture ?? scenario.model.shortName)", style: t.badgeNeutral),
      TextSpan(" · \(screen == .compare ? "\(panes.count) initialisations" : pane.weights.description)", style: t.badgeNeutral),
      TextSpan(" · \(scenario.sample)\(labels.map { " [\($0)]" } ?? "")", style: t.badgeNeutral),
      TextSpan(" · \(perturbation)", style: t.badgeNeutral),
      TextSpan(" · attack \(attack.preset)", style: t.badgeNeutral),
    ]
    canvas.draw(spans, at: rect.origin, clip: rect)
  }

  func drawStatus(_ canvas: inout Canvas, in rect: Rect, context: RenderContext, tick: Int) {
    let pane = panes[activePane]
    var mode: String, tone: StatusBar.Tone
    if let a = pane.attack {
      mode = a.finished ? "DONE it \(a.iteration) \(a.status.rawValue)" : "\(a.isRunning ? "RUNNING" : "PAUSED") it \(a.iteration)/\(a.total)"
      tone = a.isRunning ? .active : (a.status == .diverged ? .error : .paused)
    } else {
      switch pane.phase {
      case .loading: (mode, tone) = ("LOADING", .active)
      case .training(let p): (mode, tone) = ("TRAINING \(Int(p.fraction * 100))%", .active)
      case .products, .largestEigenvalue: (mode, tone) = ("ANALYSING", .active)
      case .spectrum(let f): (mode, tone) = ("SPECTRUM" + (f.map { " \(Int($0 * 100))%" } ?? ""), .active)
      case .complete: (mode, tone) = ("READY", .paused)
      case .failed: (mode, tone) = ("ERROR", .error)
      }
    }
    let summary = "speed \(AttackSpeed.levels[speed].label)" + (screen == .compare ? " · pane \(focus + 1)/\(panes.count)" : "")
    canvas.render(StatusBar(mode: mode, tone: tone, summary: summary, message: message, hints: keymap.hints(scopes: scopes)),
                  in: rect, context: context)
  }

  /// A panel's title and right-hand detail for a panel `width` columns wide: both when they fit
  /// side by side, else the two joined in the title (which the frame cuts at the end).
  static func titled(_ title: String, _ detail: String, width: Int) -> (title: String, detail: String) {
    guard !detail.isEmpty, title.terminalWidth + detail.terminalWidth + 9 > width else { return (title, detail) }
    return ("\(title) \(detail)", "")
  }

  /// What the pane's analysis is doing, in words (empty once complete).
  /// `spinner`: led by a spinner frame (not when a progress bar shows its own).
  func phaseLabel(_ pane: PaneState, tick: Int, glyphs: GlyphSet, spinner: Bool = true) -> String {
    let spin = spinner ? "\(Spinner.frame(tick: tick, glyphs: glyphs)) " : ""
    switch pane.phase {
    case .loading: return "\(spin)loading the model"
    case .training(let p): return "\(spin)training the weights: epoch \(p.epoch)/\(p.epochs) \(Int(p.fraction * 100))%"
    case .products: return "\(spin)computing g0 and J·δ"
    case .largestEigenvalue: return "\(spin)computing λmax"
    case .spectrum(let f): return "\(spin)computing J·Jᵀ" + (f.map { " \(Int($0 * 100))%" } ?? "")
    case .complete: return ""
    case .failed(let text): return text
    }
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

  /// Predicted and achieved leakage as text for one pane: only what its analysis computed. Numbers
  /// whose stage is still running show "…"; those the matrix-free path does not compute show "—";
  /// ridge forms and estimates say so.
  func numbersRows(_ pane: PaneState, full: Bool) -> [KeyValueTable.Row] {
    guard let r = pane.report else { return [] }
    let pending = "…"
    let dense = r.shift != nil
    let matrixFree = !dense && r.ridgeShift != nil
    var rows: [KeyValueTable.Row] = [
      .pair("‖J·δ‖", Self.format(r.jDeltaNorm)),
      .pair("λmax(J·Jᵀ)", r.lambdaMax.map(Self.format) ?? pending),
    ]
    if dense {
      rows += [
        .pair("λmin(J·Jᵀ)", Self.format(r.lambdaMin)),
        .pair("condition", r.condition.map(Self.format) ?? "∞ (singular)"),
        .pair("rank", r.rank.map { "\($0)/\(r.inputCount)" } ?? "—"),
        .pair("‖I2F(δ)‖", Self.format(r.i2fNorm)),
      ]
      if full { rows.append(.pair("‖I2F_ε(δ)‖", Self.format(r.i2fRidgeNorm) + " ε=\(Self.format(r.ridge))")) }
    } else if matrixFree {
      rows += [
        .pair("λmin ≈", "\(Self.format(r.lambdaMinEstimate)) (estimate)"),
        .pair("rank", "— (matrix-free)"),
        .pair("‖I2F_ε(δ)‖", Self.format(r.i2fRidgeNorm) + (full ? " ε=\(Self.format(r.ridge))" : "")),
      ]
    } else {
      rows += [.pair("λmin(J·Jᵀ)", pending), .pair("rank", pending), .pair("‖I2F(δ)‖", pending)]
    }
    if full {
      rows.append(.pair("lower bound", r.lowerBound.map(Self.format) ?? pending))
      if dense {
        rows.append(.pair("upper bound", r.upperBound.map(Self.format) ?? "— (singular)"))
      } else if matrixFree {
        rows.append(.pair("upper bound ≈", r.upperBoundEstimate.map { "\(Self.format($0)) (estimate)" } ?? "—"))
      } else {
        rows.append(.pair("upper bound", pending))
      }
    }
    if dense {
      rows.append(.pair("predicted RMSE", Self.format(r.predictedRMSE)))
      if control.kind == .gaussian { rows.append(.pair("expected RMSE", Self.format(r.expectedRMSE))) }
      if full { rows.append(.pair("σ for RMSE \(NumberFormat.compact(targetRMSE))", Self.format(r.sigma(forTargetRMSE: targetRMSE)))) }
    } else if matrixFree {
      rows.append(.pair("predicted RMSE_ε", Self.format(r.predictedRidgeRMSE)))
      if control.kind == .gaussian { rows.append(.pair("expected RMSE_ε", Self.format(r.expectedRidgeRMSE))) }
      if full { rows.append(.pair("σ_ε for RMSE \(NumberFormat.compact(targetRMSE))", Self.format(r.ridgeSigma(forTargetRMSE: targetRMSE)))) }
    } else {
      rows.append(.pair("predicted RMSE", pending))
    }
    if full { rows.append(.pair("‖δ‖ / ‖g0‖", "\(Self.format(r.deltaNorm)) / \(Self.format(r.gradientNorm))")) }
    return rows
  }

  /// The RMSE I2F predicts for a pane, for rankings: the expected one over Gaussian draws when
  /// that applies, else the one for this δ (ridge forms on the matrix-free path).
  static func predictedRMSE(_ r: Evaluation, gaussian: Bool) -> Double? {
    let exact = gaussian ? r.expectedRMSE ?? r.predictedRMSE : r.predictedRMSE
    let ridge = gaussian ? r.expectedRidgeRMSE ?? r.predictedRidgeRMSE : r.predictedRidgeRMSE
    return exact ?? ridge
  }
}
