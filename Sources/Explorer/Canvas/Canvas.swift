/// An in-memory grid of styled cells: what a view draws into and what the terminal backend copies
/// to the screen. A plain value, so a frame can be compared with the previous one, stored in a
/// test, or dumped as text (see ``Canvas/snapshot()``).
///
/// Every write is clipped to the canvas and, where a `clip` rectangle is given, to that rectangle
/// too; writes outside are ignored rather than trapping, so widgets can be drawn into rectangles
/// that a small terminal has squeezed to nothing.
public struct Canvas: Hashable, Sendable {
  public let size: Size
  /// Row-major cells, `size.width` per row.
  public internal(set) var cells: [Cell]

  /// A canvas of `size` filled with `fill`.
  public init(size: Size, fill: Cell = .blank) {
    self.size = size
    self.cells = Array(repeating: fill, count: size.area)
  }

  public var width: Int { size.width }
  public var height: Int { size.height }
  /// The whole canvas as a rectangle at the origin.
  public var bounds: Rect { Rect(size: size) }

  /// The cell at column `x`, row `y`; reading outside gives a blank, writing outside does nothing.
  public subscript(x: Int, y: Int) -> Cell {
    get {
      guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
      return cells[y * size.width + x]
    }
    set {
      guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
      cells[y * size.width + x] = newValue
    }
  }

  /// Writes one scalar at `point` if it lies inside `clip` (and the canvas). A scalar that does not
  /// occupy exactly one column is replaced by ``TextCells/substitute``.
  public mutating func put(_ scalar: Unicode.Scalar, at point: Point, style: CellStyle, clip: Rect? = nil) {
    if let clip, !clip.contains(point) { return }
    let s = scalar.terminalColumnWidth == 1 ? scalar : TextCells.substitute
    self[point.x, point.y] = Cell(s, style: style)
  }

  /// Fills `rect` (clipped) with `cell`.
  public mutating func fill(_ rect: Rect, with cell: Cell) {
    let r = rect.intersection(bounds)
    guard !r.isEmpty else { return }
    for yy in r.minY..<r.maxY {
      let base = yy * size.width
      for xx in r.minX..<r.maxX { cells[base + xx] = cell }
    }
  }

  /// Blanks `rect` with spaces in `style` (used by overlays to hide what is underneath).
  public mutating func clear(_ rect: Rect, style: CellStyle = .plain) {
    fill(rect, with: Cell(" ", style: style))
  }

  /// Rewrites the style of every cell in `rect` (clipped), keeping the characters; e.g. reverse video
  /// for a selected row.
  public mutating func restyle(_ rect: Rect, _ transform: (inout CellStyle) -> Void) {
    let r = rect.intersection(bounds)
    guard !r.isEmpty else { return }
    for yy in r.minY..<r.maxY {
      let base = yy * size.width
      for xx in r.minX..<r.maxX { transform(&cells[base + xx].style) }
    }
  }

  /// Copies `other` with its top-left corner at `origin`, clipped to this canvas.
  public mutating func paste(_ other: Canvas, at origin: Point) {
    for yy in 0..<other.height {
      for xx in 0..<other.width {
        self[origin.x + xx, origin.y + yy] = other[xx, yy]
      }
    }
  }
}
