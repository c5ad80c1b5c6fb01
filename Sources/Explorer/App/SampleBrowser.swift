import Leakage

/// The sample browser: thumbnails of one data set at a time, with a selection.
public struct SampleBrowser: Sendable, Equatable {
  /// Index into the state's data set names.
  public var datasetIndex: Int
  /// Selected item.
  public var selection: Int
  /// First visible row of thumbnails.
  public var scroll = 0

  public init(datasetIndex: Int, selection: Int) {
    self.datasetIndex = datasetIndex
    self.selection = selection
  }

  /// Thumbnail grid geometry for a data set of `shape` [C, H, W] in `space` cells: each cell is
  /// `cellWidth` columns by `cellHeight` rows (image plus a caption line).
  public static func grid(imageShape shape: [Int], space: Size) -> (columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, scale: Int) {
    let (h, w) = (shape[1], shape[2])
    // Thumbnails at ×1 for images up to 16 px, else halved (half-blocks: two pixel rows per cell).
    let scale = h > 16 ? 2 : 1
    let imageWidth = (w + scale - 1) / scale, imageRows = ((h + scale - 1) / scale + 1) / 2
    let cellWidth = Swift.max(imageWidth, 6) + 2, cellHeight = imageRows + 1
    return (Swift.max(1, space.width / cellWidth), Swift.max(1, space.height / cellHeight), cellWidth, cellHeight, scale)
  }

  /// Moves the selection by `delta` items within `count`, scrolling to keep it visible.
  public mutating func move(by delta: Int, count: Int, columns: Int, visibleRows: Int) {
    guard count > 0 else { return }
    selection = Swift.min(Swift.max(0, selection + delta), count - 1)
    let row = selection / Swift.max(columns, 1)
    if row < scroll { scroll = row }
    if row >= scroll + visibleRows { scroll = row - visibleRows + 1 }
  }
}
