import Leakage

extension SweepPoint {
  /// The point a result row was run for: the row's configuration fields (``SweepField`` row keys,
  /// in their order), the numbers and provenance left out. For a row the sweep wrote, the id
  /// computed here is the row's id; readers of results (the explorer) reopen a row's run with it.
  public init(row: ResultRow) {
    self.init(configuration: SweepField.all.compactMap { field in row[field.rowKey].map { (field.rowKey, $0) } })
  }
}
