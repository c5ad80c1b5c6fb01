import Foundation

/// CIE L*a*b* (D65), used to match colormap entries to the 256-colour palette perceptually:
/// RGB-nearest collapses viridis' blue-purple third onto one muted colour, Lab-nearest does not.
struct CIELab: Hashable, Sendable {
  var l: Double
  var a: Double
  var b: Double

  init(_ c: RGB) {
    func linear(_ v: UInt8) -> Double {
      let x = Double(v) / 255
      return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
    }
    let r = linear(c.r)
    let g = linear(c.g)
    let bl = linear(c.b)
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
    func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    let fx = f(x)
    let fy = f(y)
    let fz = f(z)
    l = 116 * fy - 16
    a = 500 * (fx - fy)
    b = 200 * (fy - fz)
  }

  /// Squared CIE76 distance.
  func distanceSquared(to o: CIELab) -> Double {
    let dl = l - o.l
    let da = a - o.a
    let db = b - o.b
    return dl * dl + da * da + db * db
  }

  /// Palette 16–255 in Lab, computed once.
  static let palette: [CIELab] = (16...255).map { CIELab(XTerm256.rgb(of: UInt8($0))) }

  /// The palette index in 16–255 nearest to `c` in Lab.
  static func nearestPaletteIndex(_ c: RGB) -> UInt8 {
    let target = CIELab(c)
    var best = 0
    var bestDistance = Double.infinity
    for (i, p) in palette.enumerated() {
      let d = p.distanceSquared(to: target)
      if d < bestDistance { (best, bestDistance) = (i, d) }
    }
    return UInt8(16 + best)
  }
}
