import Autodiff
import Foundation
import Leakage

/// Pickers and the sample browser, drawn over the screens.
extension ExplorerState {
  func drawPicker(_ canvas: inout Canvas, _ kind: PickerKind, _ picker: ListPicker, context: RenderContext) {
    let title: String
    switch kind {
    case .model: title = "Model"
    case .initialization: title = "Initialisation of pane \(activePane + 1)"
    case .perturbation: title = "Perturbation"
    case .attack: title = "Attack preset"
    }
    let width = Swift.min(canvas.width - 4, 96)
    let overlay = ModalOverlay(title: title, footer: "Enter choose · / filter · Esc cancel",
                               contentSize: Size(width: width, height: Swift.min(canvas.height - 6, picker.items.count + 2)))
    canvas.render(overlay, in: canvas.bounds, context: context)
    canvas.render(ListPickerView(picker: picker), in: overlay.contentRect(in: canvas.bounds), context: context)
  }

  /// The class name of item `index` (its number when the data set names no classes).
  static func labelName(_ dataset: Dataset, _ index: Int) -> String {
    guard let l = try? dataset.label(at: index) else { return "?" }
    return dataset.classNames.indices.contains(l) ? dataset.classNames[l] : String(l)
  }

  func drawSampleBrowser(_ canvas: inout Canvas, _ browser: SampleBrowser, context: RenderContext) {
    let t = context.theme
    let layout = ExplorerLayout.sampleBrowser(size: canvas.size)
    canvas.clear(layout.frame)
    canvas.render(Panel(title: "Samples", isFocused: true), in: layout.frame, context: context)
    var x = layout.tabs.x
    for (i, name) in datasetNames.enumerated() {
      let label = " \(name)\(datasets[name].map { " (\($0.count))" } ?? "") "
      x = canvas.draw(label, at: Point(x: x, y: layout.tabs.y), style: i == browser.datasetIndex ? t.selection : t.secondary, clip: layout.tabs) + 1
    }
    let name = datasetNames[browser.datasetIndex]
    guard let dataset = datasets[name] else {
      canvas.draw("loading \(name)…", in: layout.grid, style: t.secondary)
      return
    }
    let grid = SampleBrowser.grid(imageShape: dataset.imageShape, space: layout.grid.size)
    for row in 0..<grid.rows {
      for col in 0..<grid.columns {
        let index = (browser.scroll + row) * grid.columns + col
        guard index < dataset.count, let pixels = try? dataset.image(at: index, as: Double.self),
              let image = Self.heatmapImage(pixels) else { continue }
        let cell = Rect(x: layout.grid.x + col * grid.cellWidth, y: layout.grid.y + row * grid.cellHeight,
                        width: grid.cellWidth - 1, height: grid.cellHeight)
        let selected = index == browser.selection
        canvas.render(ImageHeatmap(image: image, mapping: Self.pixels, scale: grid.scale > 1 ? .reduced(grid.scale) : .enlarged(1)),
                      in: cell.droppingBottom(1), context: context)
        let label = Self.labelName(dataset, index)
        canvas.draw("\(index):\(label)", in: cell.bottom(1), alignment: .center, style: selected ? t.selection : t.secondary)
      }
    }
    let label = Self.labelName(dataset, browser.selection)
    canvas.draw("\(dataset.address(of: browser.selection)) · label \(label) · \(dataset.imageShape.map(String.init).joined(separator: "×")) · arrows move · Tab data set · Enter choose · Esc close",
                in: layout.footer, style: t.secondary)
  }
}
