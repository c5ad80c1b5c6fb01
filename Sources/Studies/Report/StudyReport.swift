import Foundation
import Leakage

/// What a set of results says: per-group statistics of a metric, and how well each I2F
/// prediction agrees with what the attack achieved (correlations with 95% intervals, and
/// least-squares fits on linear and log–log axes).
///
/// Rows are the last per id (see ``ResultFile/latest``); rows with an `error` are counted
/// (overall and per group) and otherwise left out.
public struct StudyReport: Sendable {
  /// The predictions compared with the achieved value, when rows have them.
  public static let predictionKeys = ["predicted_rmse", "expected_rmse", "i2f_lb", "i2f_norm"]

  /// What to compute.
  public struct Options: Sendable {
    /// Row keys to group by (any key: `init`, `noise`, `model`, `label`, …).
    public var groupBy: [String] = ["init"]
    /// The number summarised per group.
    public var metric = "rmse"
    /// The achieved number the predictions are compared with.
    public var achieved = "rmse"
    public var predictions = StudyReport.predictionKeys

    public init(groupBy: [String] = ["init"], metric: String = "rmse", achieved: String = "rmse") {
      self.groupBy = groupBy
      self.metric = metric
      self.achieved = achieved
    }
  }

  /// The statistics of one group.
  public struct Group: Sendable {
    /// The group's value of each `groupBy` key (null when rows lack it).
    public let key: [(key: String, value: JSONValue)]
    /// Rows of the group with a finite metric.
    public var count: Int { values.count }
    /// Error rows of the group.
    public let errors: Int
    /// The metric's values (finite, in row order), for plots.
    public let values: [Double]
    public var mean: Double? { Statistics.mean(values) }
    public var standardDeviation: Double? { Statistics.standardDeviation(values) }
    public var median: Double? { Statistics.median(values) }
    /// The median of each prediction over the group's rows without errors (nil when none has it).
    public let predictionMedians: [(key: String, median: Double?)]

    /// `uniform · gaussian:0.001`.
    public var label: String { key.map { $0.value.stringValue ?? $0.value.rendered() }.joined(separator: " · ") }
  }

  /// How one prediction agrees with the achieved number.
  public struct Agreement: Sendable {
    public let prediction: String
    public let correlation: Correlation
    /// achieved ≈ intercept + slope·predicted.
    public let linear: LinearFit?
    /// log₁₀ achieved ≈ intercept + slope·log₁₀ predicted (rows where both are positive).
    public let logLog: LinearFit?
    /// The pairs (predicted, achieved) used, for plots.
    public let pairs: [(predicted: Double, achieved: Double)]
  }

  public let options: Options
  /// Distinct ids.
  public let rows: Int
  /// Ids whose (last) row is an error row.
  public let errors: Int
  public let groups: [Group]
  /// One per prediction that at least one row has, in ``Options/predictions`` order.
  public let agreements: [Agreement]
  /// The rows the report was computed from (last per id, errors included).
  public let results: [ResultRow]

  /// The report of `rows` (already the last row per id).
  public init(rows: [ResultRow], options: Options = Options()) {
    self.options = options
    results = rows
    self.rows = rows.count
    errors = rows.filter { $0.error != nil }.count
    let good = rows.filter { $0.error == nil }

    var order: [String] = []
    var members: [String: (key: [(key: String, value: JSONValue)], rows: [ResultRow], errors: Int)] = [:]
    for row in rows {
      let key = options.groupBy.map { (key: $0, value: row[$0] ?? .null) }
      let text = key.map { $0.value.rendered() }.joined(separator: "\u{1F}")
      if members[text] == nil {
        members[text] = (key, [], 0)
        order.append(text)
      }
      if row.error == nil { members[text]!.rows.append(row) } else { members[text]!.errors += 1 }
    }
    groups = order.sorted { a, b in Self.naturallyPrecedes(members[a]!.key.map(\.value), members[b]!.key.map(\.value)) }.map { text in
      let m = members[text]!
      return Group(key: m.key, errors: m.errors,
                   values: m.rows.compactMap { $0.number(options.metric) },
                   predictionMedians: options.predictions.filter { p in good.contains { $0.number(p) != nil } }
                     .map { p in (p, Statistics.median(m.rows.compactMap { $0.number(p) })) })
    }

    agreements = options.predictions.compactMap { p in
      let pairs = good.compactMap { r -> (Double, Double)? in
        guard let x = r.number(p), let y = r.number(options.achieved) else { return nil }
        return (x, y)
      }
      guard good.contains(where: { $0.number(p) != nil }) else { return nil }
      let x = pairs.map(\.0), y = pairs.map(\.1)
      return Agreement(prediction: p, correlation: Correlation(x, y), linear: LinearFit(x, y), logLog: LinearFit.logLog(x, y),
                       pairs: pairs.map { (predicted: $0.0, achieved: $0.1) })
    }
  }

  /// The report of result files: every row of every file, the last row per id winning.
  public init(files: [ResultFile], options: Options = Options()) {
    self.init(rows: ResultFile.latest(files.flatMap(\.rows)), options: options)
  }

  /// The report as one JSON object (`i2f report --json`).
  public func json() -> JSONValue {
    func number(_ x: Double?) -> JSONValue { .finite(x) }
    func interval(_ r: ClosedRange<Double>?) -> JSONValue { r.map { .array([.finite($0.lowerBound), .finite($0.upperBound)]) } ?? .null }
    func fit(_ f: LinearFit?) -> JSONValue {
      guard let f else { return .null }
      return .object([("slope", number(f.slope)), ("intercept", number(f.intercept)), ("r_squared", number(f.rSquared)), ("n", .integer(f.n))])
    }
    return .object([
      ("rows", .integer(rows)), ("errors", .integer(errors)), ("metric", .string(options.metric)),
      ("achieved", .string(options.achieved)), ("group_by", .array(options.groupBy.map(JSONValue.string))),
      ("groups", .array(groups.map { g in
        .object([
          ("key", .object(g.key)), ("count", .integer(g.count)), ("errors", .integer(g.errors)),
          ("mean", number(g.mean)), ("std", number(g.standardDeviation)), ("median", number(g.median)),
          ("prediction_medians", .object(g.predictionMedians.map { ($0.key, number($0.median)) })),
        ])
      })),
      ("correlations", .object(agreements.map { a in
        (a.prediction, .object([
          ("n", .integer(a.correlation.n)), ("pearson", number(a.correlation.pearson)), ("pearson_ci", interval(a.correlation.pearsonInterval)),
          ("spearman", number(a.correlation.spearman)), ("spearman_ci", interval(a.correlation.spearmanInterval)),
        ]))
      })),
      ("fit", .object(agreements.map { a in (a.prediction, .object([("linear", fit(a.linear)), ("log10", fit(a.logLog))])) })),
      ("notes", .string("95% intervals by Fisher's z: tanh(atanh(r) ± 1.96·se), se = 1/√(n−3) for Pearson, √(1.06/(n−3)) for Spearman; "
        + "Spearman ranks ties by their average; fits are least squares of \(options.achieved) on the prediction, "
        + "linear and on log10–log10 axes (rows with both values positive)")),
    ])
  }

  /// Order of group keys: numbers by value, `kind:number` specifications by kind then number,
  /// anything else as text; null last.
  static func naturallyPrecedes(_ a: [JSONValue], _ b: [JSONValue]) -> Bool {
    for (x, y) in zip(a, b) where x.rendered() != y.rendered() {
      return naturallyPrecedes(x, y)
    }
    return false
  }

  static func naturallyPrecedes(_ x: JSONValue, _ y: JSONValue) -> Bool {
    if x == .null { return false }
    if y == .null { return true }
    if let a = x.doubleValue, let b = y.doubleValue { return a < b }
    let s = x.stringValue ?? x.rendered(), t = y.stringValue ?? y.rendered()
    if let i = s.lastIndex(of: ":"), let j = t.lastIndex(of: ":"), s[..<i] == t[..<j],
       let a = Double(s[s.index(after: i)...]), let b = Double(t[t.index(after: j)...]) {
      return a < b
    }
    return s < t
  }
}
