/// A mouse event at a screen cell.
public struct MouseEvent: Hashable, Sendable {
  public enum Button: Hashable, Sendable {
    case left, middle, right
  }

  public enum Kind: Hashable, Sendable {
    case press(Button)
    case release(Button)
    case wheelUp
    case wheelDown
  }

  public var kind: Kind
  /// The cell under the pointer, in screen coordinates.
  public var position: Point

  public init(kind: Kind, position: Point) {
    self.kind = kind
    self.position = position
  }
}
