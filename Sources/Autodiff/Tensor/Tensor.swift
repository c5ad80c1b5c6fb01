/// An n-dimensional array of scalars in contiguous row-major order. A plain value: no graph,
/// no gradients (see ``Variable`` for those).
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
  /// Extent of each dimension; `[]` is a scalar.
  public let shape: [Int]
  /// The elements, last dimension fastest. `scalars.count == shape.elementCount`.
  public var scalars: [Scalar]

  /// A tensor holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
    precondition(shape.elementCount == scalars.count,
                 "shape \(shape) needs \(shape.elementCount) scalars, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor of the given shape with every element equal to `value`.
  public init(repeating value: Scalar, shape: [Int]) {
    self.init(shape: shape, scalars: [Scalar](repeating: value, count: shape.elementCount))
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

  /// A rank-0 tensor.
  public init(_ value: Scalar) { self.init(shape: [], scalars: [value]) }

  /// A tensor whose elements are written by `body` into uninitialised storage of the right size.
  /// `body` must initialise every element.
  @inlinable
  public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
    let n = shape.elementCount
    self.shape = shape
    // `Array(unsafeUninitializedCapacity: 0)` writes the count into the shared empty-array
    // storage, a data race between threads making empty tensors (ThreadSanitizer reports it).
    guard n > 0 else {
      try body(UnsafeMutableBufferPointer(start: nil, count: 0))
      self.scalars = []
      return
    }
    self.scalars = try [Scalar](unsafeUninitializedCapacity: n) { buffer, count in
      try body(buffer)
      count = n
    }
  }

  /// The same scalars converted to another precision.
  @_specialize(where Scalar == Float, Other == Double)
  @_specialize(where Scalar == Double, Other == Float)
  @_specialize(where Scalar == Float, Other == Float)
  @_specialize(where Scalar == Double, Other == Double)
  public init<Other: TensorScalar>(_ other: Tensor<Other>) {
    if let same = other as? Tensor<Scalar> {
      self = same
    } else {
      self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }
  }

  /// Number of elements.
  public var count: Int { scalars.count }
  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// The only element of a one-element tensor.
  public var scalar: Scalar {
    precondition(count == 1, "scalar of a tensor with shape \(shape)")
    return scalars[0]
  }

  /// The same scalars under another shape with the same element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor<\(Scalar.self)>\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
  }
}

extension Tensor {
  /// Sum of all elements, left to right, accumulated in the tensor's precision.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sum() -> Scalar { scalars.reduce(0, +) }

  /// Euclidean norm, accumulated in Double.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func norm() -> Double {
    scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
  }

  /// Inner product with a tensor of the same shape, accumulated in Double.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func dot(_ other: Tensor) -> Double {
    precondition(shape == other.shape, "dot of shapes \(shape) and \(other.shape)")
    var s = 0.0
    for i in 0..<count { s += Double(scalars[i]) * Double(other.scalars[i]) }
    return s
  }

  /// Largest absolute element (0 for an empty tensor).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func maxAbs() -> Scalar { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }
}
