import Autodiff

/// An orthogonal `n × n` matrix kept as the product `Q = Q₀·Q₁ ⋯ Q_{P−1}` of block reflectors
/// `Q_p = I − V_pᵀ·T_p·V_p` (compact WY form), each acting on the components `start_p ..< n`: the
/// `Q` of the dense-to-band reduction (``BandReduction``), applied to vectors instead of formed.
///
/// Block `p` stores its `k_p` reflectors as the rows of `V_p` (`k_p × (n − start_p)`, the zeros
/// before each unit diagonal included, so that every product with it is one plain GEMM) and the
/// upper triangular `T_p` (``HouseholderReflector/triangularFactor(_:ldv:count:length:tau:into:ldt:gram:)``).
/// Storage is about `n²/2` doubles for reflectors of every length.
struct BlockReflectorSequence: Sendable {
  /// One block reflector: `count` reflectors acting on components `start ..< n`.
  struct Block: Sendable {
    let start: Int
    let count: Int
    /// Offsets of `V` (row-major, rows `n − start` apart) and of `T` (`count × count`) in storage.
    let vOffset: Int
    let tOffset: Int
  }

  let dimension: Int
  private(set) var blocks: [Block] = []
  private var reflectors: [Double] = []
  private var factors: [Double] = []

  init(dimension: Int) { self.dimension = dimension }

  /// The largest reflector count of one block (the width of the scratch a product needs).
  var widestBlock: Int { blocks.reduce(0) { max($0, $1.count) } }

  /// Appends the block of the `count` reflectors stored as rows of `v` (rows `ldv` apart, each
  /// `n − start` long with zeros before its unit diagonal) with their triangular factor `t`
  /// (`count × count`, rows `ldt` apart). Blocks must be appended in the order of the product.
  mutating func append(
    start: Int, count: Int, reflectors v: UnsafePointer<Double>, ldv: Int, factor t: UnsafePointer<Double>, ldt: Int
  ) {
    let length = dimension - start
    let block = Block(start: start, count: count, vOffset: reflectors.count, tOffset: factors.count)
    for i in 0..<count { reflectors.append(contentsOf: UnsafeBufferPointer(start: v + i * ldv, count: length)) }
    for i in 0..<count { factors.append(contentsOf: UnsafeBufferPointer(start: t + i * ldt, count: count)) }
    blocks.append(block)
  }

  /// `M ← M·Q` when `transposed` (every row `x` of `M` becomes `Qᵀ·x`), else `M ← M·Qᵀ` (every
  /// row becomes `Q·x`), for the row-major `rowCount × n` matrix `M` (rows `ldm` apart).
  ///
  /// Per block three GEMMs, `M ← M − ((M·V_pᵀ)·T)·V_p` with `T = T_p` for `Qᵀ` (blocks first to
  /// last) or `T = T_pᵀ` for `Q` (last to first).
  func multiply(rowsOf M: UnsafeMutablePointer<Double>, rowCount: Int, ldm: Int, transposed: Bool) {
    guard rowCount > 0, !blocks.isEmpty else { return }
    let width = widestBlock
    var scratch = [Double](repeating: 0, count: 2 * rowCount * width)
    reflectors.withUnsafeBufferPointer { reflectors in
      factors.withUnsafeBufferPointer { factors in
        scratch.withUnsafeMutableBufferPointer { scratch in
          let X = scratch.baseAddress!, Y = X + rowCount * width
          for index in blocks.indices {
            let block = blocks[transposed ? index : blocks.count - 1 - index]
            let k = block.count, s = block.start, length = dimension - s
            let V = reflectors.baseAddress! + block.vOffset, T = factors.baseAddress! + block.tOffset
            Double.gemm(
              transposeA: false, transposeB: true, m: rowCount, n: k, k: length,
              alpha: 1, a: M + s, lda: ldm, b: V, ldb: length, beta: 0, c: X, ldc: width)
            Double.gemm(
              transposeA: false, transposeB: !transposed, m: rowCount, n: k, k: k,
              alpha: 1, a: X, lda: width, b: T, ldb: k, beta: 0, c: Y, ldc: width)
            Double.gemm(
              transposeA: false, transposeB: false, m: rowCount, n: length, k: k,
              alpha: -1, a: Y, lda: width, b: V, ldb: length, beta: 1, c: M + s, ldc: ldm)
          }
        }
      }
    }
  }
}
