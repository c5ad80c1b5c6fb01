import RealModule

/// The element types a tensor can hold: `Float` (speed) and `Double` (validation and spectra).
///
/// Every compute kernel is a requirement of this protocol with a default implementation in
/// `Kernels/`. Generic code (the graph, the ops, the models) calls `Scalar.kernel(...)`, and the
/// compiler gives each conforming type its own specialised copy of the kernel, so inner loops never
/// run through generic dispatch.
public protocol TensorScalar: BinaryFloatingPoint, Real, SIMDScalar, Sendable, Codable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
  /// A 64-byte SIMD vector of this scalar (16 floats or 8 doubles): one AVX-512 register.
  associatedtype Vector: SIMD where Vector.Scalar == Self
  /// A 32-byte SIMD vector (8 floats or 4 doubles): one AVX2 register, for the micro-kernels of
  /// CPUs without AVX-512 (see `GEMMHalfMicroKernel.swift`).
  associatedtype HalfVector: SIMD where HalfVector.Scalar == Self

  /// The storage type, as named in tensor files.
  static var dtype: DType { get }

  // MARK: Kernels (default implementations live in Kernels/)

  /// `C ← α·op(A)·op(B) + β·C` for row-major matrices, `op(X)` = `X` or `Xᵀ`.
  /// `A` is `m×k` after `op`, `B` is `k×n` after `op`; leading dimensions are row strides.
  static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

  /// `batch` independent GEMMs whose operands start `strideA`, `strideB`, `strideC` elements
  /// apart (a stride of 0 reuses the same matrix for every batch entry).
  static func gemmBatched(
    batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, strideA: Int,
    b: UnsafePointer<Self>, ldb: Int, strideB: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, strideC: Int)

  /// `y[i] = f(x[i])` for one of the built-in unary functions.
  static func unary(_ f: UnaryFunction, _ x: UnsafeBufferPointer<Self>, _ y: UnsafeMutableBufferPointer<Self>)

  /// `out = f(a, b)` with NumPy broadcasting of `a` and `b` to `outShape`.
  static func binary(
    _ f: BinaryFunction, _ a: UnsafeBufferPointer<Self>, _ aShape: [Int],
    _ b: UnsafeBufferPointer<Self>, _ bShape: [Int],
    _ out: UnsafeMutableBufferPointer<Self>, _ outShape: [Int])

  /// Cross-correlation (PyTorch's conv2d without bias): `output[n,o,:,:] = Σ_c input[n,c] ⋆ weight[o,c]`.
  /// Shapes: input `[N,C,H,W]`, weight `[O,C,kh,kw]`, output `[N,O,H',W']` (overwritten).
  static func conv2d(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Self>, weight: UnsafePointer<Self>,
    output: UnsafeMutablePointer<Self>)

  /// The adjoint of ``conv2d(_:input:weight:output:)`` in its input (a transposed convolution):
  /// `inputGrad` `[N,C,H,W]` (overwritten) from `outputGrad` `[N,O,H',W']` and `weight`.
  static func conv2dInputGrad(
    _ geometry: Conv2DGeometry, outputGrad: UnsafePointer<Self>, weight: UnsafePointer<Self>,
    inputGrad: UnsafeMutablePointer<Self>)

  /// The adjoint of ``conv2d(_:input:weight:output:)`` in its weight: `weightGrad` `[O,C,kh,kw]`
  /// (overwritten) = `Σ_n` correlation of `input[n]` with `outputGrad[n]`.
  static func conv2dWeightGrad(
    _ geometry: Conv2DGeometry, input: UnsafePointer<Self>, outputGrad: UnsafePointer<Self>,
    weightGrad: UnsafeMutablePointer<Self>)

  /// Max pooling over each of `geometry.planes` planes. `argmax[o]` receives the flat index within
  /// its input plane of the element chosen for output `o` (the first maximum on ties).
  static func maxPool2d(
    _ geometry: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>,
    argmax: UnsafeMutablePointer<Int32>)

  /// `inputGrad` (overwritten) = `outputGrad` scattered (summed) to the `argmax` positions.
  static func maxPool2dScatter(
    _ geometry: Pool2DGeometry, outputGrad: UnsafePointer<Self>, argmax: UnsafePointer<Int32>,
    inputGrad: UnsafeMutablePointer<Self>)

  /// `output[o]` = `input[argmax[o]]` within each plane: the adjoint of the scatter.
  static func maxPool2dGather(
    _ geometry: Pool2DGeometry, input: UnsafePointer<Self>, argmax: UnsafePointer<Int32>,
    output: UnsafeMutablePointer<Self>)

  /// Average pooling; padded cells count as zeros in the average (PyTorch's `count_include_pad`).
  static func avgPool2d(_ geometry: Pool2DGeometry, input: UnsafePointer<Self>, output: UnsafeMutablePointer<Self>)

  /// The adjoint of ``avgPool2d(_:input:output:)``: `inputGrad` overwritten.
  static func avgPool2dAdjoint(
    _ geometry: Pool2DGeometry, outputGrad: UnsafePointer<Self>, inputGrad: UnsafeMutablePointer<Self>)
}

/// Element types as they are named in safetensors headers.
public enum DType: String, Sendable, CaseIterable, Codable {
  case float32 = "F32", float64 = "F64"
  /// Bytes per element.
  public var byteCount: Int { self == .float32 ? 4 : 8 }
}

extension Float: TensorScalar {
  public typealias Vector = SIMD16<Float>
  public typealias HalfVector = SIMD8<Float>
  public static var dtype: DType { .float32 }
}

extension Double: TensorScalar {
  public typealias Vector = SIMD8<Double>
  public typealias HalfVector = SIMD4<Double>
  public static var dtype: DType { .float64 }
}
