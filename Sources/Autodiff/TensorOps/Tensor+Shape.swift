/// Movement of plain tensors: permutation, slicing and zero padding along one axis.
extension Tensor {
  /// Dimensions reordered: result dimension `i` is dimension `permutation[i]` of this tensor.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func permuted(_ permutation: [Int]) -> Tensor {
    precondition(permutation.sorted() == Array(0..<rank), "invalid permutation \(permutation) for rank \(rank)")
    let outShape = permutation.map { shape[$0] }
    // Moving only extent-1 dimensions leaves the memory order unchanged: a reshape.
    if permutation.filter({ shape[$0] != 1 }) == (0..<rank).filter({ shape[$0] != 1 }) { return reshaped(outShape) }
    let inStrides = shape.rowMajorStrides
    let strides = permutation.map { inStrides[$0] }
    return Tensor(shape: outShape) { out in
      guard let op = out.baseAddress else { return }
      scalars.withUnsafeBufferPointer { x in
        guard let xp = x.baseAddress else { return }
        let inner = outShape[rank - 1], innerStride = strides[rank - 1]
        let rows = out.count / Swift.max(inner, 1)
        var index = [Int](repeating: 0, count: rank - 1)
        var offset = 0
        for r in 0..<rows {
          let dst = op + r * inner, src = xp + offset
          if innerStride == 1 { for i in 0..<inner { dst[i] = src[i] } }
          else { for i in 0..<inner { dst[i] = src[i * innerStride] } }
          var d = rank - 2
          while d >= 0 {
            index[d] += 1
            offset += strides[d]
            if index[d] < outShape[d] { break }
            offset -= strides[d] * outShape[d]
            index[d] = 0
            d -= 1
          }
        }
      }
    }
  }

  /// The elements `range` along `axis`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
    let a = normalizedAxis(axis, rank: rank)
    precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice \(range) out of bounds for extent \(shape[a])")
    var outShape = shape
    outShape[a] = range.count
    let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
    let run = range.count * inner
    return Tensor(shape: outShape) { out in
      scalars.withUnsafeBufferPointer { x in
        guard let from = x.baseAddress, let to = out.baseAddress else { return }
        for o in 0..<outer {
          (to + o * run).initialize(from: from + (o * shape[a] + range.lowerBound) * inner, count: run)
        }
      }
    }
  }

  /// Zeros added before and after the elements along `axis` (the adjoint of slicing).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func padded(axis: Int, before: Int, after: Int) -> Tensor {
    let a = normalizedAxis(axis, rank: rank)
    var outShape = shape
    outShape[a] += before + after
    let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
    var out = Tensor(zeros: outShape)
    let run = shape[a] * inner
    out.scalars.withUnsafeMutableBufferPointer { o in
      scalars.withUnsafeBufferPointer { x in
        guard let from = x.baseAddress, let to = o.baseAddress else { return }
        for r in 0..<outer {
          (to + (r * outShape[a] + before) * inner).update(from: from + r * run, count: run)
        }
      }
    }
    return out
  }

  /// Tensors of the same shape except along `axis`, joined along it.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func concatenated(_ parts: [Tensor], axis: Int) -> Tensor {
    precondition(!parts.isEmpty, "concatenating nothing")
    let rank = parts[0].rank
    let a = normalizedAxis(axis, rank: rank)
    var outShape = parts[0].shape
    outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
    let outer = outShape[..<a].reduce(1, *), inner = outShape[(a + 1)...].reduce(1, *)
    var scalars: [Scalar] = []
    scalars.reserveCapacity(outShape.elementCount)
    for r in 0..<outer {
      for p in parts {
        precondition(p.rank == rank && p.shape.enumerated().allSatisfy { $0.offset == a || $0.element == outShape[$0.offset] },
                     "cannot concatenate shape \(p.shape) with \(outShape) along axis \(a)")
        let run = p.shape[a] * inner
        scalars.append(contentsOf: p.scalars[(r * run)..<((r + 1) * run)])
      }
    }
    return Tensor(shape: outShape, scalars: scalars)
  }
}
