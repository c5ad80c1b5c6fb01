/// Where everything goes, as pure functions of the terminal size (so layouts are testable and the
/// mouse can be mapped back to panes).
public enum ExplorerLayout {
  /// Smallest terminal the explorer draws into.
  public static let minimumSize = Size(width: 80, height: 24)

  public struct Main: Equatable {
    public var title: Rect
    /// Image panels: original, attack, I2F prediction, then (when wide enough) the two error maps.
    public var images: [Rect]
    public var numbers: Rect
    public var spectrum: Rect
    public var attack: Rect
    public var status: Rect
  }

  /// The main screen for a terminal of `size`. The two error maps join the three images only when
  /// the screen is wide enough to show all five at full size (`imageWidth` pixels) or better.
  public static func main(size: Size, imageWidth: Int = 0) -> Main {
    let rows = Rect(size: size).rows([.fixed(1), .fill, .fixed(1)])
    let infoHeight = size.height >= 40 ? 17 : (size.height >= 30 ? 15 : 13)
    let body = rows[1].rows([.fill, .fixed(infoHeight)])
    let panelCount = size.width >= 130 && size.width / 5 - 4 >= imageWidth ? 5 : 3
    let images = body[0].splitEvenly(.horizontal, count: panelCount)
    let numbersWidth = size.width >= 120 ? 46 : 40
    let attackWidth = size.width >= 120 ? 40 : 0
    let info = body[1].columns([.fixed(numbersWidth), .fill, .fixed(attackWidth)])
    if attackWidth > 0 {
      return Main(title: rows[0], images: images, numbers: info[0], spectrum: info[1], attack: info[2], status: rows[2])
    }
    // Narrow: the spectrum above the attack, beside the numbers.
    let right = info[1].rows([.fixed(info[1].height * 2 / 5), .fill])
    return Main(title: rows[0], images: images, numbers: info[0], spectrum: right[0], attack: right[1], status: rows[2])
  }

  public struct Compare: Equatable {
    public var title: Rect
    /// The original image, shared by all panes.
    public var original: Rect
    public var panes: [Rect]
    public var ranking: Rect
    public var status: Rect
  }

  public static func compare(size: Size, paneCount: Int) -> Compare {
    let rows = Rect(size: size).rows([.fixed(1), .fill, .fixed(2), .fixed(1)])
    let originalWidth = Swift.min(30, Swift.max(18, size.width / 6))
    let columns = rows[1].columns([.fixed(originalWidth), .fill])
    let panes = columns[1].splitEvenly(.horizontal, count: Swift.max(1, paneCount))
    return Compare(title: rows[0], original: columns[0], panes: panes, ranking: rows[2], status: rows[3])
  }

  /// The results screen's regions.
  public struct Results: Equatable {
    public var title: Rect
    /// The list's frame.
    public var list: Rect
    /// Inside the frame: a header row, then the runs.
    public var table: Rect
    /// The selected run's details, framed.
    public var detail: Rect
    public var status: Rect

    /// Runs shown at once.
    public var visibleRows: Int { Swift.max(1, table.height - 1) }
  }

  /// The results screen: the list of runs, the selected run's details below it.
  public static func results(size: Size) -> Results {
    let rows = Rect(size: size).rows([.fixed(1), .fill, .fixed(size.height >= 30 ? 5 : 4), .fixed(1)])
    return Results(title: rows[0], list: rows[1], table: rows[1].inset(by: .all(1)).droppingRight(1), detail: rows[2], status: rows[3])
  }

  public struct SampleBrowserLayout: Equatable {
    public var frame: Rect
    public var tabs: Rect
    public var grid: Rect
    public var footer: Rect
  }

  public static func sampleBrowser(size: Size) -> SampleBrowserLayout {
    let frame = Rect(size: size).inset(by: .symmetric(horizontal: 2, vertical: 1))
    let inner = frame.inset(by: .all(1))
    let rows = inner.rows([.fixed(1), .fixed(1), .fill, .fixed(1)])
    return SampleBrowserLayout(frame: frame, tabs: rows[0], grid: rows[2], footer: rows[3])
  }
}
