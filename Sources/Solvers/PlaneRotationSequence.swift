import Autodiff

/// Plane rotations recorded in order, to be applied later to the rows of a matrix.
///
/// The tridiagonal QL/QR iteration produces O(n²) rotations in sweeps: runs of rotations on
/// consecutive planes (i, i+1), (i−1, i), … Applied as they come, every sweep would stream the
/// whole eigenvector matrix through memory, twice per rotation. Instead:
/// - the matrix is stored in narrow blocks of columns (``ColumnBlockedMatrix``), which are
///   independent and shared out to the cores;
/// - within a block, ``wavefront`` sweeps advance together, each rotation as soon as every earlier
///   sweep is done with its two rows, so the rows in use stay in the L1 cache and each row comes
///   from L2 once per wavefront instead of once per sweep;
/// - ``chunkLength`` consecutive rotations of a sweep are applied together with the row they share
///   held in registers, so a rotation loads and stores one row instead of two.
struct PlaneRotationSequence {
  /// Rotation `t` acts on rows `planes[t]` and `planes[t] + 1`.
  private var planes: [Int32] = []
  private var cosines: [Double] = []
  private var sines: [Double] = []
  /// Where each run (rotations on consecutive planes in one direction) starts.
  private var runStarts: [Int] = []
  private var runDirection: Int32 = 0

  /// Sweeps advanced together in one wavefront.
  static let wavefront = 16

  init(reservingCapacity capacity: Int = 0) {
    planes.reserveCapacity(capacity)
    cosines.reserveCapacity(capacity)
    sines.reserveCapacity(capacity)
  }

  var count: Int { planes.count }

  /// Records the rotation replacing rows `x = row`, `y = row + 1` by `(c·x + s·y, c·y − s·x)`.
  @inline(__always)
  mutating func append(row: Int, cosine c: Double, sine s: Double) {
    let plane = Int32(truncatingIfNeeded: row)
    if let last = planes.last, let start = runStarts.last {
      let step = plane &- last
      if step == 1 || step == -1 {
        if count - start == 1 {
          runDirection = step
        } else if step != runDirection {
          runStarts.append(count)
        }
      } else {
        runStarts.append(count)
      }
    } else {
      runStarts.append(count)
    }
    planes.append(plane)
    cosines.append(c)
    sines.append(s)
  }

  mutating func removeAll() {
    planes.removeAll(keepingCapacity: true)
    cosines.removeAll(keepingCapacity: true)
    sines.removeAll(keepingCapacity: true)
    runStarts.removeAll(keepingCapacity: true)
  }

  /// Applies the rotations to the rows of `matrix`, with the effect of applying them in the order
  /// recorded, block by block on all cores.
  func apply(to matrix: ColumnBlockedMatrix) {
    guard count > 0 else { return }
    let schedule = wavefrontSchedule()
    forEachItem(matrix.blockCount, costPerItem: 4 * count * matrix.blockWidth) { b in
      // Eigenvector entries far from where a vector lives decay past the normal range; flushing
      // them to zero (an error below 1e-308 in a unit vector) avoids slow microcode assists.
      let mode = FloatingPointMode.flushingSubnormals()
      defer { mode.restore() }
      switch matrix.vectorsPerRow {
      case 8: schedule.apply(to: matrix.block(b), as: EightVectors.self)
      case 4: schedule.apply(to: matrix.block(b), as: FourVectors.self)
      case 2: schedule.apply(to: matrix.block(b), as: TwoVectors.self)
      default: schedule.apply(to: matrix.block(b), as: OneVector.self)
      }
    }
  }

  /// Rotations advanced together within one run (chained through registers).
  static let chunkLength = 4

  /// The rotations reordered into chunks — up to ``chunkLength`` consecutive rotations of one run
  /// — such that the result is unchanged and ``wavefront`` runs advance together.
  ///
  /// In each round every unfinished run of the group takes its next chunk unless an earlier
  /// unfinished run of the group still has a rotation touching the same rows (its remaining planes
  /// come within one of the chunk's); rotations on disjoint rows commute, so the product is the
  /// same. The first run is never blocked, so every round makes progress, and the later runs trail
  /// it closely: all chunks of a round touch a few dozen neighbouring rows, which stay in the L1
  /// cache, and chunks of different runs are independent, so they overlap in the pipeline.
  private func wavefrontSchedule() -> Schedule {
    var schedule = Schedule()
    let total = count
    schedule.planes = [Int32](repeating: 0, count: total)
    schedule.cosines = [Double](repeating: 0, count: total)
    schedule.sines = [Double](repeating: 0, count: total)
    schedule.chunks.reserveCapacity(total / Self.chunkLength + runStarts.count + 1)
    let k = Self.wavefront
    // Per run of the group: next rotation, end, and the range of planes still to do
    // (low > high once finished, so that it overlaps nothing).
    var next = [Int](repeating: 0, count: k), end = next
    var low = [Int32](repeating: 0, count: k), high = low
    var ascending = [Bool](repeating: false, count: k)
    var written = 0
    planes.withUnsafeBufferPointer { planes in
      schedule.planes.withUnsafeMutableBufferPointer { outPlanes in
        schedule.cosines.withUnsafeMutableBufferPointer { outCosines in
          schedule.sines.withUnsafeMutableBufferPointer { outSines in
            let runCount = runStarts.count
            var group = 0
            while group < runCount {
              let size = min(k, runCount - group)
              for j in 0..<size {
                next[j] = runStarts[group + j]
                end[j] = group + j + 1 < runCount ? runStarts[group + j + 1] : total
                let a = planes[next[j]], b = planes[end[j] - 1]
                (low[j], high[j]) = (min(a, b), max(a, b))
                ascending[j] = a < b
              }
              var first = 0  // runs before `first` are finished
              while first < size {
                for j in first..<size where next[j] < end[j] {
                  let t = next[j], length = min(Self.chunkLength, end[j] - t)
                  let a = planes[t], b = planes[t + length - 1]
                  let chunkLow = min(a, b) - 1, chunkHigh = max(a, b) + 1
                  var blocked = false
                  for earlier in first..<j where low[earlier] <= chunkHigh && high[earlier] >= chunkLow {
                    blocked = true
                    break
                  }
                  if blocked { continue }
                  schedule.chunks.append(Int32(truncatingIfNeeded: written))
                  for u in t..<(t + length) {
                    outPlanes[written] = planes[u]
                    outCosines[written] = cosines[u]
                    outSines[written] = sines[u]
                    written += 1
                  }
                  next[j] = t + length
                  if next[j] == end[j] {
                    (low[j], high[j]) = (1, 0)
                  } else if ascending[j] {
                    low[j] = planes[next[j]]  // the bottom of the range moves up
                  } else {
                    high[j] = planes[next[j]]  // the top of the range moves down
                  }
                }
                while first < size && next[first] == end[first] { first += 1 }
              }
              group += size
            }
          }
        }
      }
    }
    schedule.chunks.append(Int32(truncatingIfNeeded: written))
    return schedule
  }

  /// Rotations in the order they are applied, cut into chunks: chunk `k` is
  /// `chunks[k] ..< chunks[k + 1]`, consecutive planes in one direction.
  private struct Schedule {
    var planes: [Int32] = []
    var cosines: [Double] = []
    var sines: [Double] = []
    var chunks: [Int32] = []

    /// Applies the chunks to rows of `Row.vectorCount` SIMD vectors. Within a chunk the row shared
    /// by consecutive rotations stays in registers, so each rotation loads and stores one row.
    @inline(__always)
    func apply<Row: RotationRow>(to rows: UnsafeMutablePointer<SIMD8<Double>>, as _: Row.Type) {
      let stride = Row.vectorCount
      planes.withUnsafeBufferPointer { planes in
        cosines.withUnsafeBufferPointer { cosines in
          sines.withUnsafeBufferPointer { sines in
            chunks.withUnsafeBufferPointer { chunks in
              for k in 0..<(chunks.count - 1) {
                let start = Int(chunks[k]), end = Int(chunks[k + 1])
                let first = Int(planes[start])
                if end - start == 1 || planes[start + 1] < planes[start] {
                  // Descending planes p, p−1, …: row p+1 is finished by each rotation, row p carried.
                  var carry = Row(rows + (first + 1) * stride)
                  for t in start..<end {
                    let p = Int(planes[t])
                    let c = SIMD8<Double>(repeating: cosines[t]), s = SIMD8<Double>(repeating: sines[t])
                    let x = Row(rows + p * stride)
                    carry.combined(c, -s, x).store(rows + (p + 1) * stride)
                    carry = x.combined(c, s, carry)
                  }
                  carry.store(rows + Int(planes[end - 1]) * stride)
                } else {
                  // Ascending planes p, p+1, …: row p is finished by each rotation, row p+1 carried.
                  var carry = Row(rows + first * stride)
                  for t in start..<end {
                    let p = Int(planes[t])
                    let c = SIMD8<Double>(repeating: cosines[t]), s = SIMD8<Double>(repeating: sines[t])
                    let y = Row(rows + (p + 1) * stride)
                    carry.combined(c, s, y).store(rows + p * stride)
                    carry = y.combined(c, -s, carry)
                  }
                  carry.store(rows + (Int(planes[end - 1]) + 1) * stride)
                }
              }
            }
          }
        }
      }
    }
  }
}

// MARK: - Rows held in registers

/// A row segment of a few SIMD vectors kept in registers by the rotation kernel (a plain struct
/// of vectors: `SIMD64<Double>` and friends are not lowered to vector instructions).
protocol RotationRow {
  static var vectorCount: Int { get }
  /// Loads `vectorCount` vectors.
  init(_ p: UnsafePointer<SIMD8<Double>>)
  func store(_ p: UnsafeMutablePointer<SIMD8<Double>>)
  /// `c·self + s·other`, vector by vector.
  func combined(_ c: SIMD8<Double>, _ s: SIMD8<Double>, _ other: Self) -> Self
}

struct OneVector: RotationRow {
  var a: SIMD8<Double>
  static var vectorCount: Int { 1 }
  @inline(__always) init(a: SIMD8<Double>) { self.a = a }
  @inline(__always) init(_ p: UnsafePointer<SIMD8<Double>>) { a = p[0] }
  @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD8<Double>>) { p[0] = a }
  @inline(__always) func combined(_ c: SIMD8<Double>, _ s: SIMD8<Double>, _ o: Self) -> Self {
    OneVector(a: (c * a).addingProduct(s, o.a))
  }
}

struct TwoVectors: RotationRow {
  var a, b: OneVector
  static var vectorCount: Int { 2 }
  @inline(__always) init(a: OneVector, b: OneVector) { (self.a, self.b) = (a, b) }
  @inline(__always) init(_ p: UnsafePointer<SIMD8<Double>>) { (a, b) = (OneVector(p), OneVector(p + 1)) }
  @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD8<Double>>) { a.store(p); b.store(p + 1) }
  @inline(__always) func combined(_ c: SIMD8<Double>, _ s: SIMD8<Double>, _ o: Self) -> Self {
    TwoVectors(a: a.combined(c, s, o.a), b: b.combined(c, s, o.b))
  }
}

struct FourVectors: RotationRow {
  var a, b: TwoVectors
  static var vectorCount: Int { 4 }
  @inline(__always) init(a: TwoVectors, b: TwoVectors) { (self.a, self.b) = (a, b) }
  @inline(__always) init(_ p: UnsafePointer<SIMD8<Double>>) { (a, b) = (TwoVectors(p), TwoVectors(p + 2)) }
  @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD8<Double>>) { a.store(p); b.store(p + 2) }
  @inline(__always) func combined(_ c: SIMD8<Double>, _ s: SIMD8<Double>, _ o: Self) -> Self {
    FourVectors(a: a.combined(c, s, o.a), b: b.combined(c, s, o.b))
  }
}

struct EightVectors: RotationRow {
  var a, b: FourVectors
  static var vectorCount: Int { 8 }
  @inline(__always) init(a: FourVectors, b: FourVectors) { (self.a, self.b) = (a, b) }
  @inline(__always) init(_ p: UnsafePointer<SIMD8<Double>>) { (a, b) = (FourVectors(p), FourVectors(p + 4)) }
  @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD8<Double>>) { a.store(p); b.store(p + 4) }
  @inline(__always) func combined(_ c: SIMD8<Double>, _ s: SIMD8<Double>, _ o: Self) -> Self {
    EightVectors(a: a.combined(c, s, o.a), b: b.combined(c, s, o.b))
  }
}
