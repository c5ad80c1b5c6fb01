import Dispatch

/// Wall-clock timing in milliseconds.
struct Stopwatch {
  private let start = DispatchTime.now().uptimeNanoseconds

  /// Milliseconds since the stopwatch started.
  var milliseconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
  var seconds: Double { milliseconds / 1000 }

  /// The median wall time of `body` over `runs` runs (after `warmup` untimed runs), in milliseconds.
  static func median(runs: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    let times = try (0..<max(runs, 1)).map { _ -> Double in
      let s = Stopwatch()
      try body()
      return s.milliseconds
    }.sorted()
    return times[times.count / 2]
  }
}
