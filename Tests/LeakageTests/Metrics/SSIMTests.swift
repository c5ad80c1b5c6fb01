import Autodiff
import Foundation
import Leakage
import Testing

/// SSIM against scikit-image on reference pairs (Scripts/make_ssim_fixtures.py).
@Suite("SSIM against scikit-image")
struct SSIMTests {
  /// The script's `image(seed, c, h, w)`.
  static func image(_ seed: Int, _ c: Int, _ h: Int, _ w: Int) -> [Double] {
    ReferenceFormula.values(seed: seed, count: c * h * w, scale: 1, shift: 0.5)
  }

  /// The script's `smooth`: average with the lower, then (updated) with the right neighbour.
  static func smooth(_ x: [Double], _ c: Int, _ h: Int, _ w: Int) -> [Double] {
    var y = x
    for ch in 0..<c { for r in 0..<(h - 1) { for q in 0..<w {
      let i = (ch * h + r) * w + q
      y[i] = (y[i] + x[i + w]) / 2
    } } }
    for ch in 0..<c { for r in 0..<h { for q in 0..<(w - 1) {
      let i = (ch * h + r) * w + q
      y[i] = (y[i] + x[i + 1]) / 2
    } } }
    return y
  }

  @Test func matchesScikitImage() throws {
    let text = try String(contentsOf: ReferenceFormula.fixture("ssim_reference.json"), encoding: .utf8)
    guard case .array(let cases) = try JSONValue.parse(text, fileName: "ssim_reference.json") else {
      Issue.record("fixture is not an array")
      return
    }
    #expect(cases.count == 4)
    for item in cases {
      guard case .array(let shapeValues)? = item["shape"], let kind = item["kind"]?.stringValue,
            let expected = item["ssim"]?.doubleValue else { Issue.record("bad fixture entry"); continue }
      let shape = shapeValues.compactMap { $0.doubleValue.map(Int.init) }
      let (c, h, w) = (shape[0], shape[1], shape[2])
      let a = Self.smooth(Self.smooth(Self.image(11, c, h, w), c, h, w), c, h, w)
      let b: [Double]
      switch kind {
      case "independent": b = Self.image(12, c, h, w)
      case "noisy": b = zip(a, Self.image(13, c, h, w)).map { Swift.min(1, Swift.max(0, $0 + 0.2 * ($1 - 0.5))) }
      default: b = a.map { Swift.min(1, Swift.max(0, $0 * 0.8 + 0.1)) }
      }
      let m = ImageMetrics(reconstruction: Tensor(shape: [1, c, h, w], scalars: b), truth: Tensor(shape: [1, c, h, w], scalars: a))
      #expect(Swift.abs(m.ssim - expected) < 1e-9, "\(item["name"]?.stringValue ?? ""): \(m.ssim) vs scikit-image \(expected)")
    }
  }

  @Test func smallImagesUseASmallerWindow() {
    // 8×8 digits are smaller than the 11-pixel window: a 7-pixel window is used, and identical
    // images still score exactly 1 while a contrast change scores below it.
    let a = Self.smooth(Self.image(3, 1, 8, 8), 1, 8, 8)
    let t = Tensor(shape: [1, 1, 8, 8], scalars: a)
    #expect(ImageMetrics(reconstruction: t, truth: t).ssim == 1)
    let dimmer = Tensor(shape: [1, 1, 8, 8], scalars: a.map { $0 * 0.5 })
    #expect(ImageMetrics(reconstruction: dimmer, truth: t).ssim < 0.99)
  }
}
