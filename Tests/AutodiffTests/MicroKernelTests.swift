import Testing

@testable import Autodiff

/// Both families of GEMM micro-kernels (full-vector tiles for AVX-512, half-vector sub-tiles for
/// CPUs with 16 vector registers) against a naive loop, whichever the machine running the tests
/// uses: every row count, both tile widths, the gathering variants and the α/β cases.
@Suite struct MicroKernelTests {
  typealias Kernel<T: TensorScalar> = (Int, UnsafePointer<T>, UnsafePointer<T>, Int, UnsafeMutablePointer<T>, Int, Int, T, T) -> Void
  typealias GatherKernel<T: TensorScalar> = (
    Int, UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<Int>, UnsafeMutablePointer<T>, Int, Int, T, T
  ) -> Void

  /// Runs a kernel on a random 12-row panel of A and rows of B read at `offsets`, and compares the
  /// `rows × width` tile (row stride `width + 3`) with the plain sum; the lanes past `width` and the
  /// rows past `rows` must stay untouched.
  static func check<T: TensorScalar>(
    _: T.Type, width: Int, rows: Int, gathered: Bool, alpha: T, beta: T, seed: UInt64, name: String,
    run: (UnsafePointer<T>, UnsafePointer<T>, [Int], UnsafeMutablePointer<T>, Int) -> Void
  ) {
    let kc = 37, ldc = width + 3, spread = 2 * width + 5
    var rng = SeededRandom(seed: seed)
    let a = (0..<(12 * kc)).map { _ in T(rng.uniform(-1, 1)) }
    let b = (0..<(kc * spread + width)).map { _ in T(rng.uniform(-1, 1)) }
    // Plain kernels read rows of B `spread` apart, gathering ones anywhere.
    let offsets = (0..<kc).map { p in p * spread + (gathered ? (p * 7) % (width + 1) : 0) }
    let before = (0..<(12 * ldc)).map { _ in T(rng.uniform(-1, 1)) }
    var c = before
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { run(ap.baseAddress!, bp.baseAddress!, offsets, $0.baseAddress!, ldc) } }
    }
    var worst = 0.0
    for i in 0..<12 {
      for j in 0..<ldc {
        let got = Double(c[i * ldc + j])
        guard i < rows && j < width else {
          #expect(c[i * ldc + j] == before[i * ldc + j], "\(name): C[\(i), \(j)] outside the tile written")
          continue
        }
        var s = 0.0
        for p in 0..<kc { s += Double(a[p * 12 + i]) * Double(b[offsets[p] + j]) }
        let want = Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(before[i * ldc + j]))
        worst = max(worst, abs(got - want))
      }
    }
    #expect(worst <= (T.self == Float.self ? 1e-4 : 1e-12), "\(name) \(T.self) rows \(rows) α \(alpha) β \(beta): error \(worst)")
  }

  static func checkAll<T: TensorScalar>(_: T.Type) {
    let w = T.Vector.scalarCount
    let plain: [(String, Int, Kernel<T>)] = [
      ("12×2W", 2 * w, T.microKernel12x2Full), ("12×W", w, T.microKernel12x1Full),
      ("12×2W halves", 2 * w, T.microKernel12x2Halves), ("12×W halves", w, T.microKernel12x1Halves),
    ]
    let gathering: [(String, Int, GatherKernel<T>)] = [
      ("12×2W gather", 2 * w, T.microKernel12x2GatherFull), ("12×W gather", w, T.microKernel12x1GatherFull),
      ("12×2W gather halves", 2 * w, T.microKernel12x2GatherHalves), ("12×W gather halves", w, T.microKernel12x1GatherHalves),
    ]
    var seed: UInt64 = 0
    for rows in [1, 5, 6, 7, 11, 12] {
      for (alpha, beta) in [(1.0, 0.0), (-0.5, 1.0), (2.0, 0.25)] {
        seed += 1
        for (name, width, kernel) in plain {
          check(T.self, width: width, rows: rows, gathered: false, alpha: T(alpha), beta: T(beta), seed: seed, name: name) { a, b, _, c, ldc in
            kernel(37, a, b, 2 * width + 5, c, ldc, rows, T(alpha), T(beta))
          }
        }
        for (name, width, kernel) in gathering {
          check(T.self, width: width, rows: rows, gathered: true, alpha: T(alpha), beta: T(beta), seed: seed, name: name) { a, b, offsets, c, ldc in
            offsets.withUnsafeBufferPointer { kernel(37, a, b, $0.baseAddress!, c, ldc, rows, T(alpha), T(beta)) }
          }
        }
      }
    }
  }

  @Test func float() { Self.checkAll(Float.self) }
  @Test func double() { Self.checkAll(Double.self) }
}
