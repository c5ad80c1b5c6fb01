import Autodiff

/// An 8-bit image, gray (1 channel) or RGB (3 channels), pixels row-major and interleaved:
/// what the PNG writer stores and the reader returns.
public struct PNGImage: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// 1 (gray) or 3 (RGB).
  public let channels: Int
  /// `height × width × channels` bytes, row-major, channels interleaved.
  public let pixels: [UInt8]

  /// An image from interleaved pixels; nil when the sizes do not agree or `channels` is not 1 or 3.
  public init?(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    guard width > 0, height > 0, channels == 1 || channels == 3,
          case let (rowBytes, false) = width.multipliedReportingOverflow(by: channels),
          case let (count, false) = rowBytes.multipliedReportingOverflow(by: height),
          pixels.count == count else { return nil }
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// An image from a planar tensor `[C, H, W]` or `[1, C, H, W]` (C = 1 or 3) or `[H, W]`, with
  /// values in [0, 1] (clamped; NaN as 0) mapped to 0…255 by rounding. Nil for other shapes.
  public init?<Scalar: TensorScalar>(tensor: Tensor<Scalar>) {
    var shape = tensor.shape
    if shape.count == 4, shape[0] == 1 { shape.removeFirst() }
    if shape.count == 2 { shape.insert(1, at: 0) }
    guard shape.count == 3, shape[0] == 1 || shape[0] == 3, shape[1] > 0, shape[2] > 0 else { return nil }
    let (c, h, w) = (shape[0], shape[1], shape[2])
    var pixels = [UInt8](repeating: 0, count: c * h * w)
    for ch in 0..<c {
      for y in 0..<h {
        for x in 0..<w {
          let v = Double(tensor.scalars[(ch * h + y) * w + x])
          let clamped = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
          pixels[(y * w + x) * c + ch] = UInt8((clamped * 255).rounded())
        }
      }
    }
    self.init(width: w, height: h, channels: c, pixels: pixels)
  }

  /// One image per entry of a batch `[B, C, H, W]` (C = 1 or 3, values in [0, 1]); nil for other shapes.
  public static func images<Scalar: TensorScalar>(fromBatch batch: Tensor<Scalar>) -> [PNGImage]? {
    guard batch.rank == 4, batch.shape[0] > 0 else { return nil }
    let size = batch.shape.dropFirst().reduce(1, *)
    var images: [PNGImage] = []
    for b in 0..<batch.shape[0] {
      let one = Tensor(shape: Array(batch.shape.dropFirst()), scalars: Array(batch.scalars[(b * size)..<((b + 1) * size)]))
      guard let image = PNGImage(tensor: one) else { return nil }
      images.append(image)
    }
    return images
  }

  /// The image enlarged `factor` times in each direction by repeating pixels (nearest
  /// neighbour), so tiny images (8×8 digits) stay sharp when viewed.
  public func upscaled(by factor: Int) -> PNGImage {
    guard factor > 1 else { return self }
    let (w, h, c) = (width * factor, height * factor, channels)
    var out = [UInt8](repeating: 0, count: w * h * c)
    for y in 0..<h {
      let sourceRow = (y / factor) * width
      for x in 0..<w {
        let s = (sourceRow + x / factor) * c
        let d = (y * w + x) * c
        for ch in 0..<c { out[d + ch] = pixels[s + ch] }
      }
    }
    return PNGImage(width: w, height: h, channels: c, pixels: out) ?? self
  }

  /// The same image with 3 channels (gray replicated).
  public var rgb: PNGImage {
    guard channels == 1 else { return self }
    return PNGImage(width: width, height: height, channels: 3, pixels: pixels.flatMap { [$0, $0, $0] }) ?? self
  }

  /// Images laid out on a grid, left to right then top to bottom, `spacing` pixels of `background`
  /// between them; cells are as large as the largest image. RGB if any image is RGB. Nil when
  /// `images` is empty.
  public static func grid(_ images: [PNGImage], columns: Int, spacing: Int = 2, background: UInt8 = 0) -> PNGImage? {
    guard !images.isEmpty else { return nil }
    let columns = Swift.max(1, Swift.min(columns, images.count))
    let rows = (images.count + columns - 1) / columns
    let channels = images.contains { $0.channels == 3 } ? 3 : 1
    let cellW = images.map(\.width).max() ?? 1
    let cellH = images.map(\.height).max() ?? 1
    let spacing = Swift.max(0, spacing)
    let w = columns * cellW + (columns - 1) * spacing
    let h = rows * cellH + (rows - 1) * spacing
    var out = [UInt8](repeating: background, count: w * h * channels)
    for (index, image) in images.enumerated() {
      let source = channels == 3 ? image.rgb : image
      let x0 = (index % columns) * (cellW + spacing)
      let y0 = (index / columns) * (cellH + spacing)
      for y in 0..<source.height {
        let s = y * source.width * channels
        let d = ((y0 + y) * w + x0) * channels
        out.replaceSubrange(d..<(d + source.width * channels), with: source.pixels[s..<(s + source.width * channels)])
      }
    }
    return PNGImage(width: w, height: h, channels: channels, pixels: out)
  }
}
