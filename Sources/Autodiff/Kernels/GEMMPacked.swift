/// A read-only strided matrix: element `(i, j)` at `base[i·rowStride + j·columnStride]`.
/// Both transposes and both GEMM orientations are just stride swaps of this view.
struct MatrixView<Scalar> {
  let base: UnsafePointer<Scalar>
  let rowStride: Int
  let columnStride: Int

  init(_ base: UnsafePointer<Scalar>, rowStride: Int, columnStride: Int) {
    self.base = base
    self.rowStride = rowStride
    self.columnStride = columnStride
  }

  /// The row-major `ld`-strided matrix at `base`, or its transpose.
  init(_ base: UnsafePointer<Scalar>, ld: Int, transposed: Bool) {
    self.init(base, rowStride: transposed ? 1 : ld, columnStride: transposed ? ld : 1)
  }

  var transposed: MatrixView { MatrixView(base, rowStride: columnStride, columnStride: rowStride) }
  /// The view starting at element `(i, j)`.
  func offset(_ i: Int, _ j: Int) -> MatrixView {
    MatrixView(base + i * rowStride + j * columnStride, rowStride: rowStride, columnStride: columnStride)
  }
}

/// A mutable strided matrix: element `(i, j)` at `base[i·rowStride + j·columnStride]`.
struct MutableMatrixView<Scalar> {
  let base: UnsafeMutablePointer<Scalar>
  let rowStride: Int
  let columnStride: Int

  init(_ base: UnsafeMutablePointer<Scalar>, rowStride: Int, columnStride: Int) {
    self.base = base
    self.rowStride = rowStride
    self.columnStride = columnStride
  }

  var transposed: MutableMatrixView {
    MutableMatrixView(base, rowStride: columnStride, columnStride: rowStride)
  }
  func offset(_ i: Int, _ j: Int) -> MutableMatrixView {
    MutableMatrixView(base + i * rowStride + j * columnStride, rowStride: rowStride, columnStride: columnStride)
  }
}

/// Cache blocking of the packed GEMM. A `12 × kc` panel of `A` stays in L1 while the micro-kernel
/// sweeps the `kc × nc` block of packed `B`, which stays in L2 (~1 MiB of the 2 MiB per core);
/// `mc` rows of `A` are packed at a time.
struct GEMMBlocking {
  let kc: Int
  let mc: Int
  let nc: Int

  init<Scalar: TensorScalar>(_: Scalar.Type) {
    let nr = 2 * Scalar.Vector.scalarCount
    kc = 256
    mc = 10 * GEMMTile.rows
    nc = max(nr, (1 << 20) / (kc * MemoryLayout<Scalar>.stride) / nr * nr)
  }
}

extension TensorScalar {
  /// `C ← α·A·B + β·C` (`A` m×k, `B` k×n, any strides) on the calling thread through packed panels
  /// and the micro-kernels.
  ///
  /// With `lowerFrom: d`, only the micro-tiles that hold some element on or below the diagonal
  /// (`column ≤ row + d`) are computed; the others are left untouched (for symmetric products).
  @_specialize(where Self == Float)
  @_specialize(where Self == Double)
  static func gemmPacked(
    m: Int, n: Int, k: Int, alpha: Self, a: MatrixView<Self>, b: MatrixView<Self>,
    beta: Self, c: MutableMatrixView<Self>, lowerFrom: Int? = nil
  ) {
    let w = Vector.scalarCount, nr = 2 * w, mr = GEMMTile.rows
    let blocking = GEMMBlocking(Self.self)
    let kcMax = min(k, blocking.kc)
    // Equal column blocks (whole panels), rather than full blocks and a sliver.
    let columnBlocks = (n + blocking.nc - 1) / blocking.nc
    let ncMax = ((n + columnBlocks - 1) / columnBlocks + nr - 1) / nr * nr
    let mcMax = min((m + mr - 1) / mr * mr, blocking.mc)
    // With few rows of A, each panel of B is used a few times only: reading rows of B in place
    // beats copying them (which costs as much as the multiply for the thin products of a conv).
    let directB = b.columnStride == 1 && m <= 4 * mr
    KernelScratch.with(Self.self, count: mcMax * kcMax + kcMax * ncMax + mr * nr) { scratch in
      let packedA = scratch, packedB = scratch + mcMax * kcMax, tile = packedB + kcMax * ncMax
      var jc = 0
      while jc < n {
        let nc = min(ncMax, n - jc)
        var pc = 0
        while pc < k {
          let kc = min(kcMax, k - pc)
          let betaBlock = pc == 0 ? beta : 1
          var jr = 0
          while jr < nc {
            let valid = min(nr, nc - jr)
            if directB && (valid == nr || valid == w) {
              jr += nr
              continue
            }
            packPanel(
              b.base + pc * b.rowStride + (jc + jr) * b.columnStride, rStride: b.columnStride,
              pStride: b.rowStride, valid: valid, width: valid <= w ? w : nr, kc: kc, into: packedB + jr * kc)
            jr += nr
          }
          var ic = 0
          while ic < m {
            let mc = min(mcMax, m - ic)
            if let d = lowerFrom, jc > d + ic + mc - 1 {
              ic += mc
              continue
            }
            var ir = 0
            while ir < mc {
              packPanel(
                a.base + (ic + ir) * a.rowStride + pc * a.columnStride, rStride: a.rowStride,
                pStride: a.columnStride, valid: min(mr, mc - ir), width: mr, kc: kc, into: packedA + ir * kc)
              ir += mr
            }
            ir = 0
            while ir < mc {
              let rows = min(mr, mc - ir)
              let panelA = packedA + ir * kc
              var jr = 0
              while jr < nc {
                if let d = lowerFrom, jc + jr > d + ic + ir + rows - 1 { break }
                let cols = min(nr, nc - jr)
                let narrow = cols <= w, full = cols == (narrow ? w : nr)
                // A full panel of B read in place, or its packed copy.
                let (panelB, ldb) = directB && full
                  ? (b.base + pc * b.rowStride + jc + jr, b.rowStride) : (UnsafePointer(packedB + jr * kc), narrow ? w : nr)
                let target = c.base + (ic + ir) * c.rowStride + (jc + jr) * c.columnStride
                if full && c.columnStride == 1 {
                  if narrow {
                    microKernel12x1(kc, panelA, panelB, ldb, target, c.rowStride, rows, alpha, betaBlock)
                  } else {
                    microKernel12x2(kc, panelA, panelB, ldb, target, c.rowStride, rows, alpha, betaBlock)
                  }
                } else {
                  if narrow {
                    microKernel12x1(kc, panelA, panelB, ldb, tile, nr, mr, 1, 0)
                  } else {
                    microKernel12x2(kc, panelA, panelB, ldb, tile, nr, mr, 1, 0)
                  }
                  mergeTile(tile, ld: nr, rows: rows, cols: cols, alpha: alpha, beta: betaBlock,
                            into: MutableMatrixView(target, rowStride: c.rowStride, columnStride: c.columnStride))
                }
                jr += nr
              }
              ir += mr
            }
            ic += mc
          }
          pc += kc
        }
        jc += nc
      }
    }
  }

  /// `C[i, j] ← α·tile[i·ld + j] + β·C[i, j]` for a partial or transposed tile; β = 0 never reads C.
  static func mergeTile(
    _ tile: UnsafePointer<Self>, ld: Int, rows: Int, cols: Int, alpha: Self, beta: Self,
    into c: MutableMatrixView<Self>
  ) {
    for i in 0..<rows {
      let t = tile + i * ld, row = c.base + i * c.rowStride, cs = c.columnStride
      if beta == 0 {
        for j in 0..<cols { row[j * cs] = alpha * t[j] }
      } else {
        for j in 0..<cols { row[j * cs] = alpha * t[j] + beta * row[j * cs] }
      }
    }
  }
}
