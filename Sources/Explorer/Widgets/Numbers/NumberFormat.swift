import Foundation

/// Number formatting for tables and labels: short, fixed-shape strings so right-aligned columns
/// line up (`3.2e-05`, `0.0421`, `1.20e+03`). Non-finite values print as `nan`, `inf`, `-inf`.
public enum NumberFormat {
  /// Scientific notation with `significantDigits` digits in the mantissa: `3.2e-05` for 2.
  public static func scientific(_ x: Double, significantDigits: Int = 2) -> String {
    if let s = nonFinite(x) { return s }
    return String(format: "%.\(Swift.max(0, significantDigits - 1))e", x)
  }

  /// Fixed-point with `decimals` digits after the point: `0.042`.
  public static func fixed(_ x: Double, decimals: Int) -> String {
    if let s = nonFinite(x) { return s }
    let s = String(format: "%.\(Swift.max(0, decimals))f", x)
    return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
  }

  /// Fixed-point with `significantDigits` significant digits when `1e-3 ≤ |x| < 1e5`, scientific
  /// otherwise: the format for a column of mixed magnitudes. Zero prints as `0`.
  public static func compact(_ x: Double, significantDigits: Int = 3) -> String {
    if let s = nonFinite(x) { return s }
    if x == 0 { return "0" }
    let digits = Swift.max(1, significantDigits)
    let magnitude = abs(x)
    guard magnitude >= 1e-3, magnitude < 1e5 else { return scientific(x, significantDigits: digits) }
    // The exponent after rounding to `digits` significant digits (9.996 → 10.0, not 9.996).
    let rounded = Double(String(format: "%.\(digits - 1)e", x)) ?? x
    let exponent = Int(floor(log10(abs(rounded))))
    if abs(rounded) >= 1e5 { return scientific(x, significantDigits: digits) }
    return fixed(x, decimals: Swift.max(0, digits - 1 - exponent))
  }

  /// A fraction as a percentage: `0.372` → `37%`.
  public static func percent(_ fraction: Double, decimals: Int = 0) -> String {
    if let s = nonFinite(fraction) { return s }
    return fixed(fraction * 100, decimals: decimals) + "%"
  }

  /// An integer with thin grouping for readability: `12345` → `12,345`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return n < 0 ? "-" + out : out
  }

  private static func nonFinite(_ x: Double) -> String? {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return nil
  }
}
