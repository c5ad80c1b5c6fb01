// Placeholder reference GEMM: replaced by the blocked SIMD kernel.
extension TensorScalar {
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var s: Self = 0
        for p in 0..<k {
          let av = transposeA ? a[p * lda + i] : a[i * lda + p]
          let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
          s += av * bv
        }
        c[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j])
      }
    }
  }

  public static func gemmBatched(
    batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, strideA: Int,
    b: UnsafePointer<Self>, ldb: Int, strideB: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, strideC: Int
  ) {
    for i in 0..<batch {
      gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
           a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb, beta: beta,
           c: c + i * strideC, ldc: ldc)
    }
  }
}
