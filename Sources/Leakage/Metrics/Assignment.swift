/// Minimum-cost perfect matching of a square cost matrix (the Hungarian method with potentials,
/// O(n³)). Used to pair each reconstruction of a batch with its closest original before scoring,
/// since a gradient does not tell the order of the images in a batch.
public enum Assignment {
  /// `result[row]` is the column assigned to `row`; `cost[row][column]` must be finite.
  public static func minimumCost(_ cost: [[Double]]) -> [Int] {
    let n = cost.count
    guard n > 0 else { return [] }
    precondition(cost.allSatisfy { $0.count == n }, "assignment needs a square cost matrix")
    // 1-based arrays: u, v potentials; p[j] row matched to column j; way for path reconstruction.
    var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: n + 1)
    var p = [Int](repeating: 0, count: n + 1), way = [Int](repeating: 0, count: n + 1)
    for i in 1...n {
      p[0] = i
      var j0 = 0
      var minv = [Double](repeating: .infinity, count: n + 1)
      var used = [Bool](repeating: false, count: n + 1)
      repeat {
        used[j0] = true
        let i0 = p[j0]
        var delta = Double.infinity, j1 = 0
        for j in 1...n where !used[j] {
          let cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
          if cur < minv[j] { minv[j] = cur; way[j] = j0 }
          if minv[j] < delta { delta = minv[j]; j1 = j }
        }
        for j in 0...n {
          if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
        }
        j0 = j1
      } while p[j0] != 0
      repeat {
        let j1 = way[j0]
        p[j0] = p[j1]
        j0 = j1
      } while j0 != 0
    }
    var result = [Int](repeating: 0, count: n)
    for j in 1...n where p[j] > 0 { result[p[j] - 1] = j - 1 }
    return result
  }
}
