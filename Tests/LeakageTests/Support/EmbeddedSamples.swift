import Foundation
import Leakage

/// The repository's Samples/ directory, found from this file's location.
enum EmbeddedSamples {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

  static let catalogue = SampleCatalogue(samplesDirectory: directory)
}
