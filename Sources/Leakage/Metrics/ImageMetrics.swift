import Autodiff
import RealModule

/// How close a reconstruction is to the original images, in pixel space (data range 1).
///
/// For batches, each reconstructed image is first matched to its closest original (minimum total
/// MSE assignment), because the gradient does not reveal the order of the batch.
public struct ImageMetrics: Sendable, Equatable, Codable {
  public var mse: Double
  public var rmse: Double
  /// 10·log10(1/MSE) for pixels in [0, 1]; infinite for a perfect match.
  public var psnr: Double
  /// Mean SSIM over images and channels (Gaussian window 11, σ 1.5, K1 0.01, K2 0.03; the window
  /// shrinks to the image for images smaller than 11 pixels).
  public var ssim: Double
  /// `matching[b]` is the original paired with reconstruction b.
  public var matching: [Int]

  /// Metrics of `reconstruction` against `truth`, both `[B, C, H, W]`.
  public init(reconstruction: Tensor<Double>, truth: Tensor<Double>, includeSSIM: Bool = true) {
    precondition(reconstruction.shape == truth.shape && truth.rank == 4, "metrics need matching [B,C,H,W] tensors")
    let b = truth.shape[0], size = truth.count / b
    func image(_ t: Tensor<Double>, _ i: Int) -> ArraySlice<Double> { t.scalars[(i * size)..<((i + 1) * size)] }
    func meanSquare(_ a: ArraySlice<Double>, _ c: ArraySlice<Double>) -> Double {
      zip(a, c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(size)
    }
    let pairing = b == 1 ? [0] : Assignment.minimumCost((0..<b).map { r in (0..<b).map { o in meanSquare(image(reconstruction, r), image(truth, o)) } })
    let total = (0..<b).reduce(0) { $0 + meanSquare(image(reconstruction, $1), image(truth, pairing[$1])) } / Double(b)
    self.mse = total
    rmse = total.squareRoot()
    psnr = total > 0 ? 10 * Double.log10(1 / total) : .infinity
    matching = pairing
    if includeSSIM {
      let (c, h, w) = (truth.shape[1], truth.shape[2], truth.shape[3])
      var s = 0.0
      for r in 0..<b {
        for ch in 0..<c {
          let plane = h * w
          let x = Array(image(reconstruction, r).dropFirst(ch * plane).prefix(plane))
          let y = Array(image(truth, pairing[r]).dropFirst(ch * plane).prefix(plane))
          s += Self.ssim(x, y, height: h, width: w)
        }
      }
      ssim = s / Double(b * c)
    } else {
      ssim = .nan
    }
  }

  /// SSIM of two gray planes (Wang et al. 2004) with a Gaussian window, computed over the valid
  /// region as scikit-image does with `gaussian_weights=True, use_sample_covariance=False`.
  public static func ssim(_ x: [Double], _ y: [Double], height h: Int, width w: Int, dataRange: Double = 1) -> Double {
    var size = Swift.min(11, h, w)
    if size % 2 == 0 { size -= 1 }
    let sigma = 1.5, half = size / 2
    var kernel = (0..<size).map { i in Double.exp(-Double((i - half) * (i - half)) / (2 * sigma * sigma)) }
    let ksum = kernel.reduce(0, +)
    kernel = kernel.map { $0 / ksum }
    let c1 = (0.01 * dataRange) * (0.01 * dataRange), c2 = (0.03 * dataRange) * (0.03 * dataRange)
    let oh = h - size + 1, ow = w - size + 1
    var total = 0.0
    for oy in 0..<oh {
      for ox in 0..<ow {
        var mx = 0.0, my = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in 0..<size {
          for j in 0..<size {
            let k = kernel[i] * kernel[j], a = x[(oy + i) * w + ox + j], b = y[(oy + i) * w + ox + j]
            mx += k * a; my += k * b; sxx += k * a * a; syy += k * b * b; sxy += k * a * b
          }
        }
        let vx = sxx - mx * mx, vy = syy - my * my, cov = sxy - mx * my
        total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
      }
    }
    return total / Double(oh * ow)
  }
}
