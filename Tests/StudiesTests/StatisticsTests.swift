import Foundation
import Testing

@testable import Studies

@Suite("Statistics, correlations with intervals, least-squares fits")
struct StatisticsTests {
  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { a.map { abs($0 - b) <= tolerance } ?? false }

  @Test func descriptiveStatistics() {
    let x = [4.0, 1, 3, 2]
    #expect(Statistics.mean(x) == 2.5 && Statistics.median(x) == 2.5)
    #expect(Self.close(Statistics.standardDeviation(x), (5.0 / 3).squareRoot()))
    #expect(Statistics.quantile(x, 0.25) == 1.75 && Statistics.quantile(x, 1) == 4 && Statistics.median([7, 1, 3]) == 3)
    #expect(Statistics.mean([]) == nil && Statistics.median([]) == nil && Statistics.standardDeviation([5]) == nil)
  }

  @Test func tiesShareTheirAverageRank() {
    #expect(Statistics.averageRanks([10, 20, 10, 30, 20, 20]) == [1.5, 4, 1.5, 6, 4, 4])
    #expect(Statistics.averageRanks([3, 1, 2]) == [3, 1, 2])
  }

  @Test func pearsonAndSpearmanWithTiesMatchHandComputation() throws {
    // x − 3 = −2…2, y − 4 = −2, 0, 1, 0, 1: Σxy = 6, Σxx = 10, Σyy = 6, r = 6/√60.
    // Ranks of y with ties: 1, 2.5, 4.5, 2.5, 4.5: Σ = 7, Σyy = 9, ρ = 7/√90.
    let c = Correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    #expect(c.n == 5)
    #expect(Self.close(c.pearson, 6 / 60.0.squareRoot()) && Self.close(c.spearman, 7 / 90.0.squareRoot()))
    // Fisher z: tanh(atanh(r) ± 1.96/√(n−3)), and √(1.06/(n−3)) for Spearman (scipy agrees for Pearson).
    let p = try #require(c.pearsonInterval), s = try #require(c.spearmanInterval)
    #expect(Self.close(p.lowerBound, -0.34008203518751035, 1e-12) && Self.close(p.upperBound, 0.9842357551507267, 1e-12))
    #expect(Self.close(s.lowerBound, -0.44712356359997935, 1e-12) && Self.close(s.upperBound, 0.9827649535021883, 1e-12))
  }

  @Test func undefinedCorrelationsAreNilNotNaN() {
    let constant = Correlation([1, 2, 3, 4], [5, 5, 5, 5])
    #expect(constant.n == 4 && constant.pearson == nil && constant.spearman == nil && constant.pearsonInterval == nil)
    let two = Correlation([1, 2], [3, 4])
    #expect(two.n == 2 && two.pearson == nil && two.spearman == nil)
    let three = Correlation([1, 2, 3], [1, 3, 2])
    #expect(Self.close(three.pearson, 0.5) && three.pearsonInterval == nil)
    // Pairs with a non-finite side are left out.
    let holes = Correlation([1, .nan, 2, 3, 4, .infinity], [1, 9, 2, 3, 5, 1])
    #expect(holes.n == 4 && Self.close(holes.spearman, 1))
    let perfect = Correlation([1, 2, 3, 4, 5], [-2, -4, -6, -8, -10])
    #expect(Self.close(perfect.pearson, -1) && Self.close(perfect.spearman, -1))
    #expect(Self.close(perfect.pearsonInterval?.lowerBound, -1, 1e-6) && Self.close(perfect.pearsonInterval?.upperBound, -1, 1e-6))
  }

  @Test func leastSquaresFits() throws {
    let exact = try #require(LinearFit([0, 1, 2, 3], [1, 3, 5, 7]))
    #expect(exact.slope == 2 && exact.intercept == 1 && exact.rSquared == 1 && exact.n == 4)
    let noisy = try #require(LinearFit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]))
    #expect(Self.close(noisy.slope, 0.6) && Self.close(noisy.intercept, 2.2) && Self.close(noisy.rSquared, 0.6))
    let power = try #require(LinearFit.logLog([0.001, 0.01, 0.1, 1, -1, 0], [3e-6, 3e-4, 3e-2, 3, 5, 5]))
    #expect(power.n == 4 && Self.close(power.slope, 2, 1e-12) && Self.close(power.intercept, log10(3), 1e-12))
    #expect(LinearFit([1, 1, 1], [1, 2, 3]) == nil && LinearFit([1], [1]) == nil)
  }
}
