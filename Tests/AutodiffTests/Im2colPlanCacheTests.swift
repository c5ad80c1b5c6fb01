import Testing

@testable import Autodiff

/// The shared im2col plans: one per geometry, never one geometry's plan for another.
@Suite struct Im2colPlanCacheTests {
  static func same(_ a: Im2colPlan, _ b: Im2colPlan) -> Bool {
    a.g == b.g && a.phaseHeight == b.phaseHeight && a.phaseWidth == b.phaseWidth && a.tapOffsets == b.tapOffsets
      && a.rowOffsets == b.rowOffsets && a.columnStarts.map(\.x) == b.columnStarts.map(\.x)
      && a.columnStarts.map(\.xq) == b.columnStarts.map(\.xq)
  }

  @Test func sharedPlansAreThePlansOfTheirGeometry() {
    // Geometries that differ in one field only (dilation, stride, padding) get their own plans,
    // also after the cache has started over (more geometries than it keeps).
    var geometries: [Conv2DGeometry] = []
    for size in 5...60 {
      for (stride, pad, dilation) in [(1, 0, 1), (1, 2, 1), (2, 2, 1), (1, 2, 2), (2, 1, 2)] {
        geometries.append(Conv2DGeometry(batch: 1, inChannels: 3, inHeight: size, inWidth: size + 1, outChannels: 4,
                                          kernelHeight: 3, kernelWidth: 3, strideH: stride, strideW: stride,
                                          padH: pad, padW: pad, dilationH: dilation, dilationW: dilation))
      }
    }
    #expect(geometries.count > Im2colPlanCache.capacity)
    for _ in 0..<3 {
      for g in geometries {
        #expect(Self.same(Im2colPlan.shared(g), Im2colPlan(g)), "\(g)")
      }
    }
  }
}
