/// Matrix products of plain tensors.
extension Tensor {
  /// `op(self) · op(other)` over the last two dimensions, where `op` transposes when asked; leading
  /// (batch) dimensions broadcast as in NumPy's `matmul`.
  public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
    precondition(rank >= 2 && other.rank >= 2, "matmul needs matrices, got shapes \(shape) and \(other.shape)")
    let (r1, c1) = (shape[rank - 2], shape[rank - 1])
    let (r2, c2) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
    let (m, k) = transposeSelf ? (c1, r1) : (r1, c1)
    let (k2, n) = transposeOther ? (c2, r2) : (r2, c2)
    precondition(k == k2, "matmul inner dimensions differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")")
    let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))
    guard let batch = broadcastShapes(batchA, batchB) else {
      preconditionFailure("matmul batch dimensions \(batchA) and \(batchB) do not broadcast")
    }
    let count = batch.elementCount
    // Each operand is either a full batch, or one matrix reused (stride 0); anything else is
    // materialised at the full batch first.
    let a = batchA.elementCount == 1 || batchA == batch ? self : broadcast(to: batch + [r1, c1])
    let b = batchB.elementCount == 1 || batchB == batch ? other : other.broadcast(to: batch + [r2, c2])
    let strideA = a.count == r1 * c1 ? 0 : r1 * c1
    let strideB = b.count == r2 * c2 ? 0 : r2 * c2
    return Tensor(shape: batch + [m, n]) { out in
      guard let cp = out.baseAddress else { return }
      a.scalars.withUnsafeBufferPointer { ab in
        b.scalars.withUnsafeBufferPointer { bb in
          guard let ap = ab.baseAddress, let bp = bb.baseAddress else {
            cp.initialize(repeating: 0, count: out.count)  // k == 0
            return
          }
          if strideB == 0 && !transposeSelf {
            // The batch of A stacks into one tall matrix.
            Scalar.gemm(transposeA: false, transposeB: transposeOther, m: count * m, n: n, k: k,
                        alpha: 1, a: ap, lda: c1, b: bp, ldb: c2, beta: 0, c: cp, ldc: n)
          } else {
            Scalar.gemmBatched(batch: count, transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                               alpha: 1, a: ap, lda: c1, strideA: strideA, b: bp, ldb: c2, strideB: strideB,
                               beta: 0, c: cp, ldc: n, strideC: m * n)
          }
        }
      }
    }
  }
}
