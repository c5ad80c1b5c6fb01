import Foundation
import Testing

/// A PyTorch user's 10-class MNIST model with its normalisation constants and one real test
/// image: `--normalize mnist --space model` gives exactly what PyTorch computes on the normalised
/// tensor (Scripts/make_mnist_normalization_fixture.py), with no `--classes`.
@Suite("Normalised MNIST against PyTorch", .enabled(if: ProcessInfo.processInfo.environment["I2F_MNIST_DIR"] != nil))
struct NormalizedMNISTTests {
  static let fixtures = Command.repository.appendingPathComponent("Tests/EndToEndTests/Fixtures")

  func bound(space: String) throws -> [String: Any] {
    let mnist = try #require(ProcessInfo.processInfo.environment["I2F_MNIST_DIR"])
    let r = try Command.run([
      "bound", "--weights", Self.fixtures.appendingPathComponent("mnist_convnet5.safetensors").path, "--sample", "mnist:0",
      "--data", mnist, "--normalize", "mnist", "--space", space, "--noise", "prune:0.5", "--json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    return try Command.json(r)
  }

  @Test func modelSpaceMatchesPyTorchOnTheNormalisedTensor() throws {
    let reference = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: Self.fixtures.appendingPathComponent("mnist_convnet5_reference.json"))) as? [String: Any])
    let j = try bound(space: "model")
    #expect(j["classes"] as? Int == 10 && j["labels"] as? [Int] == [reference["label"] as? Int ?? -1])
    #expect(j["rank"] as? Int == reference["rank"] as? Int)
    for key in ["loss", "grad_norm", "delta_norm", "jdelta_norm", "lambda_max", "i2f_norm", "trace_inverse"] {
      let (mine, theirs) = (try #require(j[key] as? Double), try #require(reference[key] as? Double))
      #expect(Swift.abs(mine - theirs) <= 1e-8 * Swift.abs(theirs), "\(key): i2f \(mine), PyTorch \(theirs)")
    }
    // λmin is 1e-7 of λmax here: its absolute error is what the eigensolver promises.
    let lmin = try #require(j["lambda_min"] as? Double), lmax = try #require(reference["lambda_max"] as? Double)
    #expect(Swift.abs(lmin - (reference["lambda_min"] as? Double ?? 0)) <= 1e-12 * lmax)
  }

  @Test func pixelSpaceDiffersByTheStd() throws {
    let (m, p) = (try bound(space: "model"), try bound(space: "pixel"))
    let std = 0.3081
    func number(_ j: [String: Any], _ k: String) -> Double { j[k] as? Double ?? .nan }
    #expect(Swift.abs(number(p, "lambda_max") - number(m, "lambda_max") / (std * std)) <= 1e-9 * number(p, "lambda_max"))
    #expect(Swift.abs(number(p, "i2f_norm") - std * number(m, "i2f_norm")) <= 1e-7 * number(p, "i2f_norm"))
    #expect(number(p, "loss") == number(m, "loss"))
  }
}
