import Autodiff
import Foundation
import Leakage

/// The compare view: one pane per initialisation, same sample and perturbation, with rankings.
extension ExplorerState {
  func drawCompare(_ canvas: inout Canvas, context: RenderContext, tick: Int) {
    let layout = ExplorerLayout.compare(size: canvas.size, paneCount: panes.count)
    let t = context.theme
    drawTitle(&canvas, in: layout.title, context: context)
    let original = panes.lazy.compactMap(\.victim).first.flatMap { Self.heatmapImage($0.images) }
    // One scale for every image on screen: half of a pane's width each (attack and I2F side by side).
    let imageSlots = layout.panes.map { r in
      Rect(x: r.x, y: r.y + 1, width: (r.width - 2) / 2 + 2, height: Swift.max(6, (r.height - 2) / 2))
    } + [Rect(x: layout.original.x, y: layout.original.y, width: layout.original.width, height: Swift.max(6, layout.original.height / 2))]
    let scale = Self.sharedScale(original, in: imageSlots, context: context)
    Self.drawImage(&canvas, original, mapping: Self.pixels, title: "Original", detail: scale?.label(glyphs: context.glyphs) ?? "",
                   in: imageSlots.last!, scale: scale, placeholder: "…", context: context)
    let legend = layout.original.droppingTop(imageSlots.last!.height)
    canvas.draw("same sample and δ,", in: legend, row: 1, style: t.secondary)
    canvas.draw("one initialisation", in: legend, row: 2, style: t.secondary)
    canvas.draw("per pane", in: legend, row: 3, style: t.secondary)
    canvas.draw("Tab focus · i init", in: legend, row: 5, style: t.secondary)
    canvas.draw("o add · x close", in: legend, row: 6, style: t.secondary)

    for (i, rect) in layout.panes.enumerated() where panes.indices.contains(i) {
      let pane = panes[i]
      let label = Self.titled("\(i + 1) \(pane.weights.shortName)", pane.attack.map { attackLabel($0) } ?? "", width: rect.width)
      let panel = Panel(title: label.title, detail: label.detail, isFocused: i == focus)
      canvas.render(panel, in: rect, context: context)
      let inner = panel.contentRect(in: rect)
      let imageArea = inner.top(imageSlots[i].height - 1)
      let halves = imageArea.droppingBottom(1).columns([.fill, .fill])
      let captions = imageArea.bottom(1).columns([.fill, .fill])
      canvas.draw("attack", in: captions[0], alignment: .center, style: t.secondary)
      canvas.draw("I2F prediction", in: captions[1], alignment: .center, style: t.secondary)
      let phase = phaseLabel(pane, tick: tick, glyphs: context.glyphs)
      let placeholders = [attackUnavailableReason(pane) ?? "…", phase.isEmpty ? "…" : phase]
      for (half, (image, placeholder)) in zip(halves, zip([pane.attack.flatMap { Self.heatmapImage($0.reconstruction) },
                                                          pane.report?.predictedImages.flatMap(Self.heatmapImage)], placeholders)) {
        if let image {
          canvas.render(ImageHeatmap(image: image, mapping: Self.pixels, scale: scale), in: half, context: context)
        } else {
          canvas.draw(placeholder, in: half.centered(Size(width: half.width, height: 1)), alignment: .center, style: t.secondary)
        }
      }
      var rows = numbersRows(pane, full: false)
      if let a = pane.attack, pane.attackRan {
        rows += [.pair("attack RMSE", Self.format(a.metrics.rmse)), .pair("attack SSIM", a.metrics.ssim.isFinite ? String(format: "%.3f", a.metrics.ssim) : "—")]
      } else if pane.attack != nil {
        rows += [.pair("attack RMSE", "not run")]
      }
      let below = inner.droppingTop(imageArea.height)
      canvas.render(KeyValueTable(rows: rows), in: below, context: context)
      if let a = pane.attack, below.height > rows.count + 2 {
        let spark = below.droppingTop(rows.count + 1)
        canvas.draw("objective \(Self.format(a.objectives.last))", in: spark.top(1), style: t.label)
        canvas.render(Sparkline(values: a.objectives.map { Swift.max($0, 1e-30) }, scale: .logarithmic, overflow: .compress, style: t.chart),
                      in: spark.droppingTop(1).top(Swift.min(3, spark.height - 1)), context: context)
      }
    }

    // Rankings: most leakage (lowest reconstruction RMSE) first, by I2F and by the attacks that ran.
    let gaussian = control.kind == .gaussian
    let (predicted, achieved) = rankings()
    canvas.draw([TextSpan(gaussian ? "Leakage rank · I2F expected RMSE: " : "Leakage rank · I2F predicted RMSE: ", style: t.label),
                 TextSpan(predicted, style: t.value)], at: layout.ranking.origin, clip: layout.ranking)
    canvas.draw([TextSpan("               attack RMSE:       ", style: t.label), TextSpan(achieved, style: t.value)],
                at: Point(x: layout.ranking.x, y: layout.ranking.y + 1), clip: layout.ranking)
    drawStatus(&canvas, in: layout.status, context: context, tick: tick)
  }

  /// The two ranking lines: panes by the RMSE I2F predicts, and by the RMSE their attacks
  /// reached — attacks that have not run are not ranked but listed as not run.
  func rankings() -> (predicted: String, achieved: String) {
    func ranking(_ values: [(Int, Double)]) -> String {
      values.sorted { $0.1 < $1.1 }.enumerated().map { "\($0.offset + 1). \(panes[$0.element.0].weights.shortName) \(Self.format($0.element.1))" }
        .joined(separator: "   ")
    }
    let gaussian = control.kind == .gaussian
    let predicted = ranking(panes.indices.compactMap { i in panes[i].report.flatMap { Self.predictedRMSE($0, gaussian: gaussian) }.map { (i, $0) } })
    let ran = panes.indices.filter { panes[$0].attackRan }
    let notRun = panes.indices.filter { !panes[$0].attackRan }.map { panes[$0].weights.shortName }
    var achieved = ranking(ran.compactMap { i in panes[i].attack.map { (i, $0.metrics.rmse) } })
    if !notRun.isEmpty {
      achieved += (achieved.isEmpty ? "" : "   ") + "not run: \(notRun.joined(separator: ", "))" + (ran.isEmpty ? " (A runs all)" : "")
    }
    return (predicted, achieved)
  }
}
