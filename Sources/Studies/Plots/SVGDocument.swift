/// A small SVG 1.1 document built element by element: the one SVG writer of i2f. Text and
/// attribute values are escaped; coordinates are rounded to hundredths so files stay small and
/// stable.
public struct SVGDocument: Sendable {
  /// Horizontal anchoring of text.
  public enum Anchor: String, Sendable { case start, middle, end }

  public let width: Double
  public let height: Double
  /// The document's `<title>` (shown by viewers, read by screen readers).
  public var title: String
  private var elements: [String] = []

  public init(width: Double, height: Double, title: String) {
    self.width = width
    self.height = height
    self.title = title
  }

  public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                            stroke: String, width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
    add("line", ["x1": svgNumber(x1), "y1": svgNumber(y1), "x2": svgNumber(x2), "y2": svgNumber(y2), "stroke": stroke, "stroke-width": svgNumber(width),
                 "stroke-dasharray": dash, "stroke-opacity": opacity.map(svgNumber)])
  }

  public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                            stroke: String? = nil, opacity: Double? = nil) {
    add("rect", ["x": svgNumber(x), "y": svgNumber(y), "width": svgNumber(max(width, 0)), "height": svgNumber(max(height, 0)), "fill": fill, "stroke": stroke,
                 "fill-opacity": opacity.map(svgNumber)])
  }

  public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, opacity: Double? = nil) {
    add("circle", ["cx": svgNumber(cx), "cy": svgNumber(cy), "r": svgNumber(r), "fill": fill, "fill-opacity": opacity.map(svgNumber)])
  }

  public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5,
                                dash: String? = nil, opacity: Double? = nil) {
    guard points.count >= 2 else { return }
    add("polyline", ["points": points.map { "\(svgNumber($0.x)),\(svgNumber($0.y))" }.joined(separator: " "), "fill": "none", "stroke": stroke,
                     "stroke-width": svgNumber(width), "stroke-dasharray": dash, "stroke-opacity": opacity.map(svgNumber)])
  }

  /// Text at (x, y) (the baseline), optionally rotated by `rotate` degrees about that point.
  public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                            rotate: Double? = nil, weight: String? = nil, fill: String = "#222") {
    let attributes: [String: String?] = [
      "x": svgNumber(x), "y": svgNumber(y), "font-size": svgNumber(size), "text-anchor": anchor.rawValue, "fill": fill, "font-weight": weight,
      "transform": rotate.map { "rotate(\(svgNumber($0)) \(svgNumber(x)) \(svgNumber(y)))" },
    ]
    add("text", attributes, content: Self.escape(content))
  }

  /// The document as UTF-8 text.
  public func rendered() -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(svgNumber(width))" height="\(svgNumber(height))" \
    viewBox="0 0 \(svgNumber(width)) \(svgNumber(height))" font-family="Helvetica, Arial, sans-serif">
    <title>\(Self.escape(title))</title>
    <rect x="0" y="0" width="\(svgNumber(width))" height="\(svgNumber(height))" fill="#ffffff"/>

    """ + elements.joined(separator: "\n") + "\n</svg>\n"
  }

  /// `&`, `<`, `>`, `"` and `'` as entities; control characters XML cannot hold dropped.
  public static func escape(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      case let c where c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF: continue
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  private mutating func add(_ name: String, _ attributes: [String: String?], content: String? = nil) {
    let attrs = attributes.compactMap { k, v in v.map { (k, $0) } }.sorted { $0.0 < $1.0 }
      .map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined()
    elements.append(content.map { "<\(name)\(attrs)>\($0)</\(name)>" } ?? "<\(name)\(attrs)/>")
  }
}

/// A coordinate rounded to hundredths, without a trailing `.0`.
func svgNumber(_ x: Double) -> String {
  guard x.isFinite else { return "0" }
  let r = (x * 100).rounded() / 100
  return r == r.rounded() ? String(Int(r)) : String(r)
}
