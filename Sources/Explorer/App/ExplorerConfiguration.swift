import Foundation
import Leakage

/// The explorer's setup as a file: what `e` exports (with numbers) and `i2f explore --config FILE`
/// reopens.
public struct ExplorerConfiguration: Sendable, Codable, Equatable {
  public var scenario: Scenario
  public var control: PerturbationControl
  public var attack: AttackConfiguration
  /// Weights of every pane (the first is the main view's).
  public var panes: [WeightSource]
  public var compare: Bool
  public var targetRMSE: Double

  public init(scenario: Scenario, control: PerturbationControl, attack: AttackConfiguration, panes: [WeightSource], compare: Bool, targetRMSE: Double) {
    self.scenario = scenario
    self.control = control
    self.attack = attack
    self.panes = panes
    self.compare = compare
    self.targetRMSE = targetRMSE
  }

  /// Reads a configuration written by the explorer's export (`view.json`).
  public static func load(_ path: String) throws -> ExplorerConfiguration {
    let bytes: [UInt8]
    do {
      bytes = try FileIO.readAll(URL(fileURLWithPath: path), maxBytes: JSONValue.maxDocumentBytes, kind: "an explorer configuration")
    } catch {
      throw DataError.unreadable(file: path, reason: error.reason)
    }
    return try decode(bytes, fileName: path)
  }

  /// Decodes the bytes of a configuration file; `fileName` names it in errors. The text is first
  /// checked by i2f's own JSON parser (size and nesting limits, the offset of a syntax error).
  public static func decode(_ bytes: [UInt8], fileName: String) throws -> ExplorerConfiguration {
    _ = try JSONValue.parse(bytes: bytes, fileName: fileName)
    do {
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      return try decoder.decode(Wrapper.self, from: Data(bytes)).configuration
    } catch let error as DecodingError {
      throw DataError.malformed(file: fileName, problem: "not an explorer configuration (\(Self.describe(error)))")
    }
  }

  /// JSON of this configuration plus `numbers` (ignored when reading back).
  public func json(numbers: [String: [String: Double]]) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(Wrapper(configuration: self, numbers: numbers))
  }

  private struct Wrapper: Codable {
    var configuration: ExplorerConfiguration
    var numbers: [String: [String: Double]]?
  }

  private static func describe(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, let c): "missing \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
    case .typeMismatch(_, let c), .valueNotFound(_, let c): "bad value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
    case .dataCorrupted(let c): c.debugDescription
    @unknown default: "\(error)"
    }
  }
}
