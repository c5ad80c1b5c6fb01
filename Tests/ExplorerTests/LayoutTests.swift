import Testing

@testable import Explorer

@Suite struct LayoutTests {
  @Test func fixedFirstThenFractionsThenFill() {
    #expect(LayoutLength.resolve([.fixed(1), .fill, .fixed(1)], total: 24) == [1, 22, 1])
    #expect(LayoutLength.resolve([.fraction(0.25), .fill], total: 80) == [20, 60])
    #expect(LayoutLength.resolve([.fill(1), .fill(2)], total: 10) == [3, 7])
    #expect(LayoutLength.resolve([.fill, .fill, .fill], total: 10) == [3, 3, 4])
    #expect(LayoutLength.resolve([.fixed(5), .fixed(5)], total: 20) == [5, 5])
  }

  @Test func overflowShrinksLaterSectionsAndNeverGoesNegative() {
    #expect(LayoutLength.resolve([.fixed(8), .fixed(8), .fill], total: 10) == [8, 2, 0])
    #expect(LayoutLength.resolve([.fixed(3), .fraction(0.9), .fill], total: 10) == [3, 7, 0])
    #expect(LayoutLength.resolve([.fixed(-4), .fraction(.nan), .fill(-1)], total: 10) == [0, 0, 0])
    #expect(LayoutLength.resolve([.fill, .fill], total: 1, spacing: 3) == [0, 0])
    #expect(LayoutLength.resolve([], total: 10) == [])
  }

  @Test func splitWithSpacingCoversTheRect() {
    let r = Rect(x: 2, y: 1, width: 131, height: 20)
    let panes = r.splitEvenly(.horizontal, count: 4, spacing: 1)
    #expect(panes.map(\.width) == [32, 32, 32, 32])
    #expect(panes.map(\.x) == [2, 35, 68, 101])
    #expect(panes.last?.maxX == r.maxX)
    let rows = r.rows([.fixed(1), .fill, .fixed(1)])
    #expect(
      rows == [
        Rect(x: 2, y: 1, width: 131, height: 1), Rect(x: 2, y: 2, width: 131, height: 18),
        Rect(x: 2, y: 20, width: 131, height: 1),
      ])
  }

  @Test func rectHelpers() {
    let r = Rect(x: 0, y: 0, width: 10, height: 6)
    #expect(r.centered(Size(width: 4, height: 2)) == Rect(x: 3, y: 2, width: 4, height: 2))
    #expect(r.centered(Size(width: 40, height: 2)) == Rect(x: 0, y: 2, width: 10, height: 2))
    #expect(r.inset(by: .all(2)) == Rect(x: 2, y: 2, width: 6, height: 2))
    #expect(r.inset(by: .all(7)).isEmpty)
    #expect(r.intersection(Rect(x: 8, y: 4, width: 5, height: 5)) == Rect(x: 8, y: 4, width: 2, height: 2))
    #expect(r.intersection(Rect(x: 20, y: 20, width: 5, height: 5)).isEmpty)
    #expect(r.top(2) == Rect(x: 0, y: 0, width: 10, height: 2))
    #expect(r.bottom(20) == r)
    #expect(r.right(3) == Rect(x: 7, y: 0, width: 3, height: 6))
    #expect(r.droppingLeft(3) == Rect(x: 3, y: 0, width: 7, height: 6))
    #expect(r.row(6).isEmpty)
    #expect(Rect(x: 0, y: 0, width: -3, height: 2).width == 0)
    #expect(Size(width: 80, height: 24).description == "80×24")
  }
}
