import Autodiff
import Foundation
import Synchronization

/// The second stage of the two-stage tridiagonalisation: `B = Q₂·T·Q₂ᵀ` for a symmetric band
/// matrix `B`, with `T` tridiagonal and `Q₂` the product of the Householder reflectors of the
/// chase (the algorithm of LAPACK's `dsytrd_sb2st` / `dsb2st_kernels`, serial).
///
/// Sweep `s` annihilates column `s` below its subdiagonal with one reflector of length `b` on rows
/// `s+1 ... s+b`, applied from both sides. That fills the `b × b` block below the window; its first
/// column is annihilated by the next reflector (rows `s+b+1 ... s+2b`), which in turn fills the
/// block below that, and so on to the end of the matrix: about `n/b` reflectors of length `b` per
/// sweep, `O(n²·b)` work on a working set of a few `b × b` blocks that stays in cache. The band is
/// held column by column of the lower triangle (`2b` entries each, room for the bulge).
struct BulgeChasing {
  let dimension: Int
  /// The diagonal of `T` (n entries).
  let diagonal: [Double]
  /// The subdiagonal of `T` (n − 1 entries).
  let offDiagonal: [Double]
  /// `Q₂`.
  let reflectors: ChasedReflectors

  /// Tridiagonalises the band matrix given as rows of its upper band (`band[r·(b + 1) + d] =
  /// B[r, r + d]`, see ``BandReduction/band``). Throws `CancellationError` when the current task
  /// is cancelled (checked every few sweeps).
  init(band: [Double], dimension n: Int, bandwidth b: Int) throws {
    precondition(band.count == n * (b + 1) && b >= 1)
    dimension = n
    let sweepStart = ChasedReflectors.sweepStarts(dimension: n, bandwidth: b)
    var vectors = [Double](repeating: 0, count: sweepStart.last! * b)
    var taus = [Double](repeating: 0, count: sweepStart.last!)
    // Column c of the lower band: B[c + i, c] at work[c·ld + i], i < ld = 2b. Read as a dense
    // column-major matrix with leading dimension ld − 1, entry (r, c) is at (ld − 1)·c + r.
    let ld = 2 * b
    var work = [Double](repeating: 0, count: n * ld + max(ld, 8))  // slack: see `Window`
    for c in 0..<n {
      for i in 0...min(b, n - 1 - c) { work[c * ld + i] = band[c * (b + 1) + i] }
    }
    try work.withUnsafeMutableBufferPointer { work in
      try vectors.withUnsafeMutableBufferPointer { vectors in
        try taus.withUnsafeMutableBufferPointer { taus in
          try Self.chase(
            work.baseAddress!, n: n, bandwidth: b, sweepStart: sweepStart, vectors: vectors.baseAddress!,
            taus: taus.baseAddress!)
        }
      }
    }
    diagonal = (0..<n).map { work[$0 * ld] }
    offDiagonal = (0..<max(n - 1, 0)).map { work[$0 * ld + 1] }
    reflectors = ChasedReflectors(dimension: n, bandwidth: b, sweepStart: sweepStart, vectors: vectors, taus: taus)
  }

  /// Sweeps of at most this many windows run on one core (pipelining them costs more than it saves).
  static let parallelWindows = 8

  /// The sweeps, on the lower band at `base` (column `c` at `base + c·2b`), writing reflector `i`
  /// to `vectors[i·b ...]` and `taus[i]`.
  ///
  /// On several cores the sweeps are pipelined: the cores take sweeps in order, and window `k` of
  /// sweep `s` waits until sweep `s − 1` has finished its window `k + 1`, the last one whose
  /// columns overlap (window `k` of sweep `s` covers columns `s + 1 + k·b ... s + (k + 1)·b`). The
  /// windows that run concurrently touch disjoint columns, so the result is that of the serial
  /// order, bit for bit.
  private static func chase(
    _ base: UnsafeMutablePointer<Double>, n: Int, bandwidth b: Int, sweepStart: [Int],
    vectors V: UnsafeMutablePointer<Double>, taus: UnsafeMutablePointer<Double>
  ) throws {
    let sweeps = max(n - 2, 0)
    func sweep(_ s: Int, window: Window, before: (_ k: Int) -> Void, after: (_ k: Int) -> Void) {
      // Window 0: rows s+1 ... s+b, annihilating column s below its subdiagonal.
      var start = s + 1, slot = sweepStart[s], k = 0
      before(0)
      var tau = annihilate(base + s * window.ld + 1, count: min(b, n - start), into: V + slot * b)
      taus[slot] = tau
      while start < n {
        if k > 0 { before(k) }
        let length = min(b, n - start), next = start + length
        let nextTau = window.transform(
          base + start * window.ld, order: length, below: min(b, n - next), V + slot * b, tau,
          next: V + (slot + 1) * b)
        slot += 1
        if next < n { taus[slot] = nextTau }
        start = next
        tau = nextTau
        after(k)
        k += 1
      }
    }
    if #available(macOS 15.0, *), Parallel.coreCount > 1, n > (parallelWindows + 1) * b {
      let progress = SweepProgress(sweeps: sweeps)
      forEachItem(sweeps, costPerItem: 6 * n * b) { s in
        // Only the calling thread sees the task; a cancelled run skips the remaining sweeps.
        if Task.isCancelled { progress.stop() }
        if !progress.isStopped {
          let window = Window(bandwidth: b)
          defer { window.deallocate() }
          sweep(s, window: window, before: { k in if s > 0 { progress.wait(sweep: s - 1, windows: k + 2) } },
                after: { k in progress.publish(sweep: s, windows: k + 1) })
        }
        progress.publish(sweep: s, windows: Int.max)
      }
      if progress.isStopped { throw CancellationError() }
    } else {
      let window = Window(bandwidth: b)
      defer { window.deallocate() }
      for s in 0..<sweeps {
        sweep(s, window: window, before: { _ in }, after: { _ in })
        if s % 64 == 63 { try Task.checkCancellation() }
      }
    }
  }

  /// The reflector that maps the column segment `x[0..<count]` to `(β, 0, …)`: `x` becomes
  /// `(β, 0, …)`, `v` (`v[0] = 1`) is written to `v`; returns `τ`.
  private static func annihilate(_ x: UnsafeMutablePointer<Double>, count: Int, into v: UnsafeMutablePointer<Double>) -> Double {
    v[0] = 1
    guard count > 1 else { return 0 }
    (v + 1).update(from: x + 1, count: count - 1)
    (x + 1).update(repeating: 0, count: count - 1)
    let (beta, tau) = HouseholderReflector.make(alpha: x[0], x: v + 1, count: count - 1)
    x[0] = beta
    return tau
  }

  /// One step of a sweep and its scratch: zero-padded copies of the reflectors and of the
  /// product vectors, so that every column operation runs over whole SIMD vectors without a
  /// scalar tail.
  ///
  /// The band columns are `2b` long and the band array has at least 8 doubles of slack at its end, so
  /// reading up to 7 entries past a column segment stays inside the array; the padded operands
  /// are zero there, so those entries are only ever rewritten with their own values, and they
  /// lie outside the columns of any concurrent step of another sweep.
  struct Window {
    let ld: Int
    /// `u` (the current reflector), `u'` (the next), `w_S`/`g_S` and `w_C`/`g_C`, each `size` long.
    private let u: UnsafeMutablePointer<Double>
    private let next: UnsafeMutablePointer<Double>
    private let ws: UnsafeMutablePointer<Double>
    private let wc: UnsafeMutablePointer<Double>
    private let size: Int

    init(bandwidth b: Int) {
      ld = 2 * b
      size = 2 * b + 16
      u = .allocate(capacity: 4 * size)
      u.initialize(repeating: 0, count: 4 * size)
      next = u + size
      ws = next + size
      wc = ws + size
    }

    func deallocate() { u.deallocate() }

    /// On the window of columns `0 ..< L` at `p` (column `j` at `p + j·ld`, starting at its
    /// diagonal), with `H = I − τ·u·uᵀ`: the symmetric diagonal block `S` (`L × L`) becomes
    /// `H·S·H` and the block `C` below it (`below × L`, filled by this) `C·H`; then the
    /// reflector `H'` that annihilates `C`'s first column below its first entry is made (into
    /// `nextVector`; its `τ'` is returned) and applied from the left to the rest of `C`.
    ///
    /// `w_S = S·u` (by columns of the lower triangle) and `w_C = C·u`; then
    /// `g_S = τ·w_S − ½τ²(w_Sᵀu)·u`, `S −= u·g_Sᵀ + g_S·uᵀ` (LAPACK's `dlarfy`) and, column by
    /// column, `C[:, j] −= τ·u_j·w_C` (`dlarfx`) followed at once by `H'`, while the column is in
    /// cache. The rows of `C` line up across its columns (column `j` at `p + j·(ld − 1) + L`), so
    /// `w_C`, `g_C` and `u'` are used a SIMD vector at a time across all columns.
    func transform(
      _ p: UnsafeMutablePointer<Double>, order L: Int, below: Int, _ reflector: UnsafePointer<Double>, _ tau: Double,
      next nextVector: UnsafeMutablePointer<Double>
    ) -> Double {
      typealias Vector = VectorKernels.Vector
      let c0 = p + L  // C[0, 0]; C[i, j] at c0 + j·(ld − 1) + i
      let cs = ld - 1
      let chunks = (below + 7) / 8
      u.update(from: reflector, count: L)
      (u + L).update(repeating: 0, count: size - L)
      if tau != 0 {
        // w_S (padded entries beyond L are garbage and dropped), then g_S.
        ws.update(repeating: 0, count: size)
        var column = p
        for j in 0..<L {
          ws[j] += Self.dot(column, u + j, count: L - j)
          Self.axpy(u[j], column + 1, ws + j + 1, count: L - j - 1)
          column += ld
        }
        (ws + L).update(repeating: 0, count: size - L)
        Self.scale(tau, ws, count: L)
        Self.axpy(-0.5 * tau * Self.dot(ws, u, count: L), u, ws, count: L)
        // g_C = τ·C·u, a SIMD vector of rows at a time over all columns.
        for k in 0..<chunks {
          var sum0 = Vector(), sum1 = Vector()
          var x = c0 + 8 &* k, j = 0
          while j + 1 < L {
            sum0 = sum0.addingProduct(VectorKernels.load(x), u[j])
            sum1 = sum1.addingProduct(VectorKernels.load(x + cs), u[j + 1])
            x += 2 &* cs
            j += 2
          }
          if j < L { sum0 = sum0.addingProduct(VectorKernels.load(x), u[j]) }
          VectorKernels.store((sum0 + sum1) * tau, wc + 8 &* k)
        }
        (wc + below).update(repeating: 0, count: size - below)
        // S −= u·g_Sᵀ + g_S·uᵀ (lower triangle; rows past L are rewritten unchanged).
        column = p
        for j in 0..<L {
          Self.axpy2(-u[j], ws + j, -ws[j], u + j, column, count: L - j)
          column += ld
        }
      }
      guard below > 0 else { return 0 }
      // C −= g_C·uᵀ, and H' (made from column 0) on columns 1 ..< L.
      var nextTau = 0.0
      var c = c0 - cs
      for j in 0..<L {
        c += cs
        let uj = -u[j]
        if j == 0 {
          if tau != 0 {
            for k in 0..<chunks {
              let x = c + 8 &* k
              VectorKernels.store(VectorKernels.load(x).addingProduct(uj, VectorKernels.load(wc + 8 &* k)), x)
            }
          }
          nextTau = annihilate(c, count: below, into: nextVector)
          next.update(from: nextVector, count: below)
          (next + below).update(repeating: 0, count: size - below)
          continue
        }
        var dot = Vector()
        for k in 0..<chunks {
          let x = c + 8 &* k
          var value = VectorKernels.load(x)
          if tau != 0 {
            value = value.addingProduct(uj, VectorKernels.load(wc + 8 &* k))
            VectorKernels.store(value, x)
          }
          dot = dot.addingProduct(value, VectorKernels.load(next + 8 &* k))
        }
        guard nextTau != 0 else { continue }
        let f = -nextTau * dot.sum()
        for k in 0..<chunks {
          let x = c + 8 &* k
          VectorKernels.store(VectorKernels.load(x).addingProduct(f, VectorKernels.load(next + 8 &* k)), x)
        }
      }
      return nextTau
    }

    // Whole SIMD vectors: `count` rounded up to a multiple of 8 (see the type's comment).

    @inline(__always)
    private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
      var s0 = VectorKernels.Vector(), s1 = VectorKernels.Vector()
      var i = 0
      while i + 8 < count {
        s0 = s0.addingProduct(VectorKernels.load(a + i), VectorKernels.load(b + i))
        s1 = s1.addingProduct(VectorKernels.load(a + i + 8), VectorKernels.load(b + i + 8))
        i &+= 16
      }
      if i < count { s0 = s0.addingProduct(VectorKernels.load(a + i), VectorKernels.load(b + i)) }
      return (s0 + s1).sum()
    }

    @inline(__always)
    private static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
      let a = VectorKernels.Vector(repeating: alpha)
      var i = 0
      while i < count {
        VectorKernels.store(VectorKernels.load(y + i).addingProduct(a, VectorKernels.load(x + i)), y + i)
        i &+= 8
      }
    }

    /// `z += a·x + b·y`.
    @inline(__always)
    private static func axpy2(
      _ a: Double, _ x: UnsafePointer<Double>, _ b: Double, _ y: UnsafePointer<Double>, _ z: UnsafeMutablePointer<Double>,
      count: Int
    ) {
      let va = VectorKernels.Vector(repeating: a), vb = VectorKernels.Vector(repeating: b)
      var i = 0
      while i < count {
        let sum = VectorKernels.load(z + i).addingProduct(va, VectorKernels.load(x + i)).addingProduct(vb, VectorKernels.load(y + i))
        VectorKernels.store(sum, z + i)
        i &+= 8
      }
    }

    @inline(__always)
    private static func scale(_ alpha: Double, _ x: UnsafeMutablePointer<Double>, count: Int) {
      var i = 0
      while i < count {
        VectorKernels.store(VectorKernels.load(x + i) * alpha, x + i)
        i += 8
      }
    }
  }
}

/// How many windows of each sweep are finished, shared by the cores that pipeline the sweeps.
@available(macOS 15.0, *)
private final class SweepProgress: @unchecked Sendable {
  private let counts: UnsafeMutablePointer<Atomic<Int>>
  private let count: Int
  private let stopped = Atomic<Bool>(false)
  private let sleepers = Atomic<Int>(0)
  private let condition = NSCondition()

  init(sweeps: Int) {
    count = sweeps
    counts = .allocate(capacity: max(sweeps, 1))
    for i in 0..<sweeps { (counts + i).initialize(to: Atomic(0)) }
  }

  deinit {
    counts.deinitialize(count: count)
    counts.deallocate()
  }

  /// Set when the run is cancelled: the sweeps not yet started are skipped.
  var isStopped: Bool { stopped.load(ordering: .relaxed) }

  func stop() { stopped.store(true, ordering: .relaxed) }

  func publish(sweep: Int, windows: Int) {
    counts[sweep].store(windows, ordering: .sequentiallyConsistent)
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      condition.lock()
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Waits until `sweep` has finished `windows` windows: spins for a few microseconds (the other
  /// core is usually just finishing), then sleeps on a condition that ``publish(sweep:windows:)``
  /// signals, so that on a busy machine the waiting thread gives its core away instead of
  /// competing with the thread it waits for.
  func wait(sweep: Int, windows: Int) {
    var polls = 0
    while counts[sweep].load(ordering: .acquiring) < windows {
      polls += 1
      guard polls > 2000 else { continue }
      sleepers.add(1, ordering: .sequentiallyConsistent)
      condition.lock()
      while counts[sweep].load(ordering: .sequentiallyConsistent) < windows {
        _ = condition.wait(until: Date(timeIntervalSinceNow: 0.001))
      }
      condition.unlock()
      sleepers.subtract(1, ordering: .sequentiallyConsistent)
      return
    }
  }
}

/// `Q₂` of ``BulgeChasing``: the product, in the order of the chase, of reflectors of length at
/// most `b`, each stored in a slot of `b` doubles (about `n²/2` in all).
///
/// Sweep `s` has `⌈(n − 1 − s)/b⌉` reflectors; its `k`-th acts on components `s + 1 + k·b` to
/// `min(s + (k + 1)·b, n − 1)`.
struct ChasedReflectors: Sendable {
  let dimension: Int
  let bandwidth: Int
  /// First slot of each sweep (one more entry: the slot count).
  private let sweepStart: [Int]
  /// Slot `i` holds its reflector `v` (`v[0] = 1`) at `vectors[i·b ..< i·b + length]`, and `τ` at `taus[i]`.
  private let vectors: [Double]
  private let taus: [Double]

  init(dimension n: Int, bandwidth b: Int, sweepStart: [Int], vectors: [Double], taus: [Double]) {
    dimension = n
    bandwidth = b
    self.sweepStart = sweepStart
    self.vectors = vectors
    self.taus = taus
  }

  /// The first slot of every sweep of an `n × n` chase, then the slot count.
  static func sweepStarts(dimension n: Int, bandwidth b: Int) -> [Int] {
    var starts = [0]
    for s in 0..<max(n - 2, 0) { starts.append(starts[s] + (n - 1 - s + b - 1) / b) }
    return starts
  }

  var sweepCount: Int { sweepStart.count - 1 }

  /// `M ← M·Q₂` when `transposed` (every row `x` becomes `Q₂ᵀ·x`: the reflectors in the order of the
  /// chase), else `M ← M·Q₂ᵀ` (every row becomes `Q₂·x`: in reverse order), for the row-major
  /// `rowCount × n` matrix `M` (rows `ldm` apart). The rows are shared out to the cores in groups
  /// small enough to stay in cache while every reflector passes over them.
  func multiply(rowsOf M: UnsafeMutablePointer<Double>, rowCount: Int, ldm: Int, transposed: Bool) {
    let n = dimension, b = bandwidth, sweeps = sweepCount
    guard rowCount > 0, sweeps > 0 else { return }
    let group = 4
    vectors.withUnsafeBufferPointer { vectors in
      taus.withUnsafeBufferPointer { taus in
        let V = vectors.baseAddress!, tau = taus.baseAddress!
        let groups = (rowCount + group - 1) / group
        forEachItem(groups, costPerItem: group * 2 * n * n) { g in
          let r0 = g * group, r1 = min(r0 + group, rowCount)
          func reflect(sweep s: Int, window k: Int) {
            let slot = sweepStart[s] + k, t = tau[slot]
            guard t != 0 else { return }
            let start = s + 1 + k * b, length = min(b, n - start), v = V + slot * b
            for r in r0..<r1 {
              let x = M + r * ldm + start
              VectorKernels.axpy(-t * VectorKernels.dot(v, x, count: length), v, x, count: length)
            }
          }
          if transposed {
            for s in 0..<sweeps {
              for k in 0..<(sweepStart[s + 1] - sweepStart[s]) { reflect(sweep: s, window: k) }
            }
          } else {
            for s in stride(from: sweeps - 1, through: 0, by: -1) {
              for k in stride(from: sweepStart[s + 1] - sweepStart[s] - 1, through: 0, by: -1) { reflect(sweep: s, window: k) }
            }
          }
        }
      }
    }
  }
}
