import Autodiff
import Foundation
import Leakage

/// The inputs the benchmarks share with the PyTorch and JAX anchors
/// (`/work/shared/tools/{torch,jax}-anchor.py`).
enum BenchmarkData {
  /// Environment variable naming the directory of the MNIST test files.
  static let mnistVariable = "I2F_MNIST_DIR"
  /// Where the anchors read MNIST when the variable is not set.
  static let defaultMNISTDirectory = "/work/shared/data/mnist"

  /// MNIST test image 0 (`[1, 1, 28, 28]`, pixels in [0, 1]) and its label, read from
  /// `$I2F_MNIST_DIR` or the anchors' directory. Without the files, a uniform random image of the
  /// same size with label 7 (the label of test image 0), and a note on standard error.
  static let mnistTestImage0: (image: Tensor<Double>, label: Int) = {
    let path = ProcessInfo.processInfo.environment[mnistVariable] ?? defaultMNISTDirectory
    if let test = try? MNIST.load(.test, from: URL(fileURLWithPath: path, isDirectory: true)),
       let image = try? test.images(at: [0]) {
      return (image, test.labels[0])
    }
    FileHandle.standardError.write(Data(
      "note: no MNIST test set in \(path) (set \(mnistVariable)); the convnet5 benchmarks use a random 1×28×28 image\n".utf8))
    var rng = SeededRandom(seed: 3)
    return (Tensor<Double>.uniform([1, 1, 28, 28], using: &rng), 7)
  }()

  /// The photo of the dense-spectrum benchmark: `photos:chelsea` (`[1, 3, 32, 32]`) with its
  /// label, 1 of 13 classes (as in the anchors).
  static func chelsea() throws -> (image: Tensor<Double>, label: Int) {
    let sample = try SampleCatalogue().sample("photos:chelsea")
    return (sample.images, sample.labels[0])
  }
}
