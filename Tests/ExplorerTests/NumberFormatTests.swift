import Testing

@testable import Explorer

@Suite struct NumberFormatTests {
  @Test func scientific() {
    #expect(NumberFormat.scientific(3.2e-5) == "3.2e-05")
    #expect(NumberFormat.scientific(0.0321, significantDigits: 3) == "3.21e-02")
    #expect(NumberFormat.scientific(-1204, significantDigits: 3) == "-1.20e+03")
    #expect(NumberFormat.scientific(0) == "0.0e+00")
    #expect(NumberFormat.scientific(.nan) == "nan")
    #expect(NumberFormat.scientific(-.infinity) == "-inf")
  }

  @Test func compactSwitchesToScientificOutsideAReadableRange() {
    #expect(NumberFormat.compact(0.0421) == "0.0421")
    #expect(NumberFormat.compact(27.73) == "27.7")
    #expect(NumberFormat.compact(9.996) == "10.0")
    #expect(NumberFormat.compact(1234.6) == "1235")
    #expect(NumberFormat.compact(99999.9) == "1.00e+05")
    #expect(NumberFormat.compact(2.9e-5) == "2.90e-05")
    #expect(NumberFormat.compact(-0.5) == "-0.500")
    #expect(NumberFormat.compact(0) == "0")
    #expect(NumberFormat.compact(.infinity) == "inf")
  }

  @Test func fixedPercentAndGrouped() {
    #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
    #expect(NumberFormat.fixed(3.14159, decimals: 2) == "3.14")
    #expect(NumberFormat.percent(0.372) == "37%")
    #expect(
      NumberFormat.percent(0.3725, decimals: 1) == "37.2%" || NumberFormat.percent(0.3725, decimals: 1) == "37.3%")
    #expect(NumberFormat.grouped(1_234_567) == "1,234,567")
    #expect(NumberFormat.grouped(-999) == "-999")
    #expect(NumberFormat.grouped(0) == "0")
  }
}
