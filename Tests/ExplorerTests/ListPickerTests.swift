import Testing

@testable import Explorer

@Suite struct ListPickerTests {
  private func picker(_ n: Int = 20, selection: Int = 0) -> ListPicker {
    ListPicker(
      items: (0..<n).map { PickerItem("item \($0)", detail: $0 % 2 == 0 ? "even" : "odd") }, selection: selection)
  }

  @Test func movesWithArrowsVimKeysPagesAndEnds() {
    var p = picker()
    #expect(p.handle(.down, pageSize: 5) == .handled)
    #expect(p.handle(.character("j"), pageSize: 5) == .handled)
    #expect(p.selection == 2)
    _ = p.handle(.character("k"), pageSize: 5)
    #expect(p.selection == 1)
    _ = p.handle(.up, pageSize: 5)
    _ = p.handle(.up, pageSize: 5)
    #expect(p.selection == 0)
    _ = p.handle(.pageDown, pageSize: 5)
    #expect(p.selection == 5)
    _ = p.handle(.character("G"), pageSize: 5)
    #expect(p.selection == 19)
    _ = p.handle(.down, pageSize: 5)
    #expect(p.selection == 19)
    _ = p.handle(.home, pageSize: 5)
    #expect(p.selection == 0)
    _ = p.handle(.end, pageSize: 5)
    _ = p.handle(.pageUp, pageSize: 5)
    #expect(p.selection == 14)
  }

  @Test func scrollingKeepsTheSelectionVisible() {
    var p = picker()
    for _ in 0..<7 { _ = p.handle(.down, pageSize: 5) }
    #expect(p.selection == 7)
    #expect(p.scrollOffset == 3)
    for _ in 0..<2 { _ = p.handle(.up, pageSize: 5) }
    #expect(p.scrollOffset == 3)
    for _ in 0..<3 { _ = p.handle(.up, pageSize: 5) }
    #expect(p.scrollOffset == 2)
    // A smaller screen than the last key saw still shows the selection.
    #expect(p.visibleOffset(rows: 1) == 2)
    _ = p.handle(.end, pageSize: 5)
    #expect(p.visibleOffset(rows: 3) == 17)
  }

  @Test func enterChoosesEscAndQCancel() {
    var p = picker(selection: 4)
    #expect(p.handle(.enter, pageSize: 5) == .chosen(4))
    #expect(p.handle(.escape, pageSize: 5) == .cancelled)
    #expect(p.handle(.character("q"), pageSize: 5) == .cancelled)
    #expect(p.handle(.character("x"), pageSize: 5) == .ignored)
    #expect(p.handle(.function(5), pageSize: 5) == .ignored)
  }

  @Test func digitsPickVisibleRows() {
    var p = picker()
    for _ in 0..<7 { _ = p.handle(.down, pageSize: 5) }  // rows 3…7 visible
    #expect(p.handle(.character("2"), pageSize: 5) == .chosen(4))
    #expect(p.handle(.character("9"), pageSize: 5) == .handled)  // only five rows visible
    #expect(p.handle(.character("0"), pageSize: 5) == .ignored)
  }

  @Test func filteringNarrowsTheListAndTakesLetters() {
    var p = picker(selection: 3)
    #expect(p.handle(.character("/"), pageSize: 5) == .handled)
    #expect(p.isFiltering)
    for c in "1 even" { #expect(p.handle(.character(c), pageSize: 5) == .handled) }
    #expect(p.filter == "1 even")
    #expect(p.matches == [10, 12, 14, 16, 18])
    #expect(p.selection == 10)
    // j and q are text while filtering.
    _ = p.handle(.character("q"), pageSize: 5)
    #expect(p.matches.isEmpty && p.selection == nil)
    #expect(p.handle(.enter, pageSize: 5) == .handled)
    _ = p.handle(.backspace, pageSize: 5)
    _ = p.handle(.down, pageSize: 5)
    #expect(p.selection == 12)
    #expect(p.handle(.enter, pageSize: 5) == .chosen(12))
    _ = p.handle(.control("u"), pageSize: 5)
    #expect(p.filter.isEmpty && p.matches.count == 20 && p.selection == 12)
    _ = p.handle(.backspace, pageSize: 5)
    #expect(!p.isFiltering)
  }

  @Test func escClearsTheFilterBeforeCancelling() {
    var p = picker()
    _ = p.handle(.character("/"), pageSize: 5)
    _ = p.handle(.character("9"), pageSize: 5)
    #expect(p.matches == [9, 19])
    #expect(p.handle(.escape, pageSize: 5) == .handled)
    #expect(!p.isFiltering && p.filter.isEmpty && p.matches.count == 20)
    #expect(p.selection == 9)
    #expect(p.handle(.escape, pageSize: 5) == .cancelled)
  }

  @Test func disabledItemsExplainThemselves() {
    var p = ListPicker(items: [
      PickerItem("trained", disabledReason: "no weights file for convnet5"), PickerItem("uniform"),
    ])
    #expect(p.handle(.enter, pageSize: 5) == .refused(reason: "no weights file for convnet5"))
    _ = p.handle(.down, pageSize: 5)
    #expect(p.handle(.enter, pageSize: 5) == .chosen(1))
  }

  @Test func emptyAndReplacedItems() {
    var p = ListPicker(items: [])
    #expect(p.selection == nil)
    #expect(p.handle(.down, pageSize: 5) == .handled)
    #expect(p.handle(.enter, pageSize: 5) == .handled)
    p.setItems([PickerItem("a"), PickerItem("b")])
    #expect(p.selection == 0)
    p.select(1)
    p.setItems([PickerItem("a"), PickerItem("b"), PickerItem("c")])
    #expect(p.selection == 1)
  }
}
