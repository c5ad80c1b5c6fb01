import Autodiff
import Foundation

/// Writes image batches as PNG (each image scaled up by an integer factor, a batch as a grid)
/// and attack trajectories as CSV: what `i2f attack --save` and the explorer's export produce.
public enum ImageExport {
  /// `[B, C, H, W]` images with pixels in [0, 1] (clamped) as one PNG, scaled so that the image
  /// is at least `minimumSide` pixels tall.
  public static func writePNG(_ batch: Tensor<Double>, to url: URL, minimumSide: Int = 128) throws {
    guard batch.rank == 4, let images = PNGImage.images(fromBatch: batch), let first = images.first else {
      throw AnalysisError.shapeMismatch("\(url.path): cannot write images of shape \(batch.shape) as PNG")
    }
    let factor = Swift.max(1, (minimumSide + first.height - 1) / first.height)
    let scaled = images.map { $0.upscaled(by: factor) }
    guard let grid = PNGImage.grid(scaled, columns: Swift.min(scaled.count, 8), spacing: 2 * factor) else {
      throw AnalysisError.shapeMismatch("\(url.path): cannot arrange \(scaled.count) images")
    }
    try PNGCodec.write(grid, to: url)
  }

  /// The trajectory as CSV: `iteration,trial,objective,rmse`.
  public static func writeTrajectory(_ history: [AttackRecord], to url: URL) throws {
    var text = "iteration,trial,objective,rmse\n"
    for r in history { text += "\(r.iteration),\(r.trial),\(r.objective),\(r.rmse)\n" }
    try FileIO.writeAtomically(Array(text.utf8), to: url)
  }
}
