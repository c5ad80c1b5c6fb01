/// One measured quantity of `i2f bench`: a stable key, its unit, and how to measure it; some
/// workloads report the times of their parts under keys of their own.
struct Benchmark {
  enum Unit: String {
    case milliseconds = "ms"
    case seconds = "s"
    case gflops = "GFLOP/s"
  }

  /// A part of the workload reported under its own key (same unit).
  struct Part {
    let key: String
    let summary: String
  }

  let key: String
  let unit: Unit
  let summary: String
  /// What `--only` selects it by besides its key: `gemm`, `convnet5` (the anchors' MNIST
  /// workloads), `photo` (the 3×32×32 dense spectrum), `resnet18` or `eigh` (the eigensolver alone).
  let group: String
  var parts: [Part] = []
  /// Runs the workload `runs` times (after warming up) and returns the median in `unit`: the
  /// whole, then each part.
  let measure: (_ runs: Int) throws -> [Double]

  init(key: String, unit: Unit, group: String, summary: String, measure: @escaping (_ runs: Int) throws -> Double) {
    self.key = key
    self.unit = unit
    self.group = group
    self.summary = summary
    self.measure = { [try measure($0)] }
  }

  init(key: String, unit: Unit, group: String, summary: String, parts: [Part],
       measureParts: @escaping (_ runs: Int) throws -> [Double]) {
    self.key = key
    self.unit = unit
    self.group = group
    self.summary = summary
    self.parts = parts
    self.measure = measureParts
  }

  /// Whether `--only` item `item` selects this benchmark: its group or key named exactly, or
  /// (when no group or key has that name) a part of its key.
  func isSelected(by item: String, exactNames: Set<String>) -> Bool {
    if exactNames.contains(item) { return item == group || item == key || parts.contains { $0.key == item } }
    return key.contains(item)
  }
}
