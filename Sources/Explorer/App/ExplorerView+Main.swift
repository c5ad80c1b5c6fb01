import Autodiff
import Foundation
import Leakage

/// The main screen: original, attack and I2F side by side, the numbers, the spectrum, the attack.
extension ExplorerState {
  func drawMain(_ canvas: inout Canvas, context: RenderContext, tick: Int) {
    let pane = panes[0]
    let original = pane.summary.flatMap { Self.heatmapImage($0.images) }
    let layout = ExplorerLayout.main(size: canvas.size, imageWidth: original?.width ?? 0)
    let t = context.theme
    drawTitle(&canvas, in: layout.title, context: context)
    let attack = pane.attack.flatMap { Self.heatmapImage($0.reconstruction) }
    let predicted = pane.report?.predictedImages.flatMap(Self.heatmapImage)
    let scale = Self.sharedScale(original, in: layout.images, context: context)
    let waiting: String
    switch pane.analysis {
    case .computing(let f): waiting = "\(String(Spinner.frame(tick: tick, glyphs: context.glyphs))) computing J·Jᵀ \(Int(f * 100))%"
    case .failed(let text): waiting = text
    default: waiting = "…"
    }
    Self.drawImage(&canvas, original, mapping: Self.pixels, title: "Original", detail: scale?.label(glyphs: context.glyphs) ?? "",
                   in: layout.images[0], scale: scale, placeholder: waiting, context: context)
    let attackTitle = pane.attack.map { "Attack \(attackLabel($0))" } ?? "Attack"
    Self.drawImage(&canvas, attack, mapping: Self.pixels, title: attackTitle, in: layout.images[1], scale: scale,
                   placeholder: pane.summary == nil ? waiting : "space to run, n to step", context: context)
    Self.drawImage(&canvas, predicted, mapping: Self.pixels, title: "I2F prediction x0+I2F(δ)", in: layout.images[2], scale: scale,
                   placeholder: pane.evaluating ? "evaluating…" : waiting, context: context)
    if layout.images.count == 5, let s = pane.summary {
      let attackError = pane.attack.map { $0.reconstruction - s.images }
      let i2fError = pane.report?.predictedImages.map { $0 - s.images }
      let limit = Swift.max(attackError?.maxAbs() ?? 0, i2fError?.maxAbs() ?? 0, 1e-12)
      let signed = HeatmapMapping.signed(limit: limit, colormap: .redBlue)
      Self.drawImage(&canvas, attackError.flatMap(Self.heatmapImage), mapping: signed, title: "Attack − original",
                     in: layout.images[3], scale: scale, placeholder: "—", context: context)
      Self.drawImage(&canvas, i2fError.flatMap(Self.heatmapImage), mapping: signed, title: "I2F − original",
                     in: layout.images[4], scale: scale, placeholder: "—", context: context)
    }

    // Numbers.
    let numbersPanel = Panel(title: "I2F", detail: pane.summary.map { "\($0.method), dx \($0.inputCount), dθ \(NumberFormat.grouped($0.parameterCount))" } ?? "")
    canvas.render(numbersPanel, in: layout.numbers, context: context)
    let inner = numbersPanel.contentRect(in: layout.numbers)
    if pane.summary != nil {
      var rows = numbersRows(pane, full: true)
      if pane.evaluating { rows.insert(.pair("", "updating…", style: t.secondary), at: 0) }
      canvas.render(KeyValueTable(rows: rows), in: inner, context: context)
    } else {
      canvas.render(ProgressBar(fraction: progress(of: pane), label: waiting, tick: tick), in: inner.top(1), context: context)
    }

    // Spectrum of J·Jᵀ with the chosen direction marked.
    let spectrumPanel = Panel(title: "Spectrum of J·Jᵀ", detail: "eigenvalues, log scale, largest first")
    canvas.render(spectrumPanel, in: layout.spectrum, context: context)
    let spectrumInner = spectrumPanel.contentRect(in: layout.spectrum)
    if let values = pane.summary?.eigenvalues {
      let descending = Array(values.reversed())
      let positive = descending.map { Swift.max($0, 1e-300) }
      let rank = pane.report?.rank ?? values.count
      var marker: Int?
      if control.kind == .direction {
        marker = control.directionEnd == .top ? control.directionIndex - 1 : rank - control.directionIndex
      }
      canvas.render(LineChart(values: positive, scale: .logarithmic, fill: .area, marker: marker), in: spectrumInner.droppingBottom(1), context: context)
      let caption = "λ1 = \(Self.format(descending.first)) … λ\(rank) = \(Self.format(descending[Swift.max(0, Swift.min(rank, descending.count) - 1)]))"
        + (marker == nil ? "" : " · marked: k=\(control.directionIndex) (\(control.directionEnd))")
      canvas.draw(caption, in: spectrumInner.bottom(1), style: t.secondary)
    } else if pane.summary != nil {
      canvas.draw("matrix-free path: λmax = \(Self.format(pane.summary?.lambdaMax)), λmin = \(Self.format(pane.summary?.lambdaMin))",
                  in: spectrumInner, style: t.secondary)
    }

    drawAttackPanel(&canvas, pane, in: layout.attack, context: context)
    drawStatus(&canvas, in: layout.status, context: context, tick: tick)
  }

  /// `it 120/300`, with a check mark once finished.
  func attackLabel(_ a: AttackSnapshot) -> String {
    "it \(a.iteration)/\(a.total)" + (a.finished ? " ✓" : "")
  }

  func progress(of pane: PaneState) -> Double? {
    if case .computing(let f) = pane.analysis { return f }
    return nil
  }

  /// Attack progress: objective sparkline, achieved vs predicted RMSE, PSNR, SSIM, labels.
  func drawAttackPanel(_ canvas: inout Canvas, _ pane: PaneState, in rect: Rect, context: RenderContext) {
    let t = context.theme
    let panel = Panel(title: "Attack \(attack.preset)", detail: "\(attack.objective.rawValue) · \(attack.optimizer.rawValue)")
    canvas.render(panel, in: rect, context: context)
    let inner = panel.contentRect(in: rect)
    guard let a = pane.attack else {
      canvas.draw(pane.summary == nil ? "waiting for the analysis" : "preparing…", in: inner, style: t.secondary)
      return
    }
    let rows = inner.rows([.fixed(1), .fixed(inner.height >= 9 ? 2 : 1), .fill])
    canvas.draw("objective \(Self.format(a.objectives.last)) (log scale)", in: rows[0], style: t.label)
    canvas.render(Sparkline(values: a.objectives.map { Swift.max($0, 1e-30) }, scale: .logarithmic, overflow: .compress, style: t.chart),
                  in: rows[1], context: context)
    var table: [KeyValueTable.Row] = [
      .pair("iteration", "\(a.iteration)/\(a.total)" + (a.rate > 0 && pane.attackRunning ? " · \(Int(a.rate))/s" : "")),
      .pair("RMSE achieved", Self.format(a.metrics.rmse)),
      .pair("RMSE predicted", Self.format(pane.report?.predictedRMSE)),
      .pair("PSNR", a.metrics.psnr.isFinite ? String(format: "%.1f dB", a.metrics.psnr) : "∞"),
      .pair("SSIM", a.metrics.ssim.isFinite ? String(format: "%.3f", a.metrics.ssim) : "—"),
      .pair("labels", a.labels.map(String.init).joined(separator: ",") + (a.labelsInferred ? (a.labelsCorrect ? " (inferred ✓)" : " (inferred ✗)") : " (given)")),
    ]
    if a.trial > 0 { table.insert(.pair("restart", "\(a.trial + 1)/\(attack.restarts)"), at: 1) }
    canvas.render(KeyValueTable(rows: table), in: rows[2], context: context)
  }
}
