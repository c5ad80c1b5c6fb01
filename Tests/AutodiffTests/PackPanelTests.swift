import Testing

@testable import Autodiff

/// GEMM panel packing against its definition, `panel[p·width + r] = src[r·rStride + p·pStride]`
/// with zero padding lanes, for every copy route: contiguous lanes, the transposing copy (vector
/// block transposes with scalar edges) and the general strided one. Values are distinct integers,
/// so any misplaced element shows.
@Suite struct PackPanelTests {
  static func check<T: TensorScalar>(_: T.Type, rStride: Int, pStride: Int, valid: Int, width: Int, kc: Int) {
    let extent = (valid - 1) * rStride + (kc - 1) * pStride + 1
    let src = (0..<extent).map { T(Double($0 + 1)) }
    // One guard lane past the panel must stay untouched.
    var panel = [T](repeating: -7, count: kc * width + 1)
    src.withUnsafeBufferPointer { s in
      panel.withUnsafeMutableBufferPointer { p in
        T.packPanel(s.baseAddress!, rStride: rStride, pStride: pStride, valid: valid, width: width, kc: kc, into: p.baseAddress!)
      }
    }
    var wrong = 0
    for p in 0..<kc {
      for r in 0..<width where panel[p * width + r] != (r < valid ? src[r * rStride + p * pStride] : 0) { wrong += 1 }
    }
    #expect(wrong == 0, "\(T.self) rStride \(rStride) pStride \(pStride) valid \(valid) width \(width) kc \(kc): \(wrong) lanes wrong")
    #expect(panel[kc * width] == -7, "\(T.self): wrote past the panel")
  }

  @Test(arguments: [1, 3, 4, 7, 8, 9, 12, 16, 17, 31, 32])
  func transposingCopy(valid: Int) {
    for kc in [1, 3, 4, 5, 8, 9, 16, 23, 49] {
      for width in [12, 16, 32] where width >= valid {
        Self.check(Float.self, rStride: kc + 3, pStride: 1, valid: valid, width: width, kc: kc)
        Self.check(Double.self, rStride: kc + 3, pStride: 1, valid: valid, width: width, kc: kc)
      }
    }
  }

  @Test func contiguousAndStridedCopies() {
    for (valid, width) in [(16, 16), (32, 32), (8, 8), (5, 16), (12, 12)] {
      for kc in [1, 7, 33] {
        Self.check(Float.self, rStride: 1, pStride: width + 2, valid: valid, width: width, kc: kc)
        Self.check(Double.self, rStride: 1, pStride: width + 2, valid: valid, width: width, kc: kc)
        Self.check(Float.self, rStride: 3, pStride: 5 * valid, valid: valid, width: width, kc: kc)
        Self.check(Double.self, rStride: 3, pStride: 5 * valid, valid: valid, width: width, kc: kc)
      }
    }
  }

  /// The block transposes themselves, with row strides wider than the block on both sides.
  @Test func blockTransposes() {
    func run<T: TensorScalar>(_: T.Type) {
      let side = BlockTranspose.side(scalarBytes: MemoryLayout<T>.stride)!
      let (ls, ld) = (side + 5, side + 3)
      let src = (0..<(side * ls)).map { T(Double($0)) }
      var dst = [T](repeating: -1, count: side * ld)
      src.withUnsafeBufferPointer { s in
        dst.withUnsafeMutableBufferPointer { d in BlockTranspose.block(s.baseAddress!, srcStride: ls, d.baseAddress!, dstStride: ld) }
      }
      for j in 0..<side {
        for i in 0..<ld {
          #expect(dst[j * ld + i] == (i < side ? src[i * ls + j] : -1), "\(T.self) block: (\(j), \(i))")
        }
      }
    }
    run(Float.self)
    run(Double.self)
  }
}
