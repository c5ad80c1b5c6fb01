import Foundation

/// Warnings about the model (e.g. an ONNX exporter folded parameters), one line each on stderr,
/// so stdout stays clean for --json.
enum Warnings {
  static func print(_ lines: [String]) {
    for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
  }
}
