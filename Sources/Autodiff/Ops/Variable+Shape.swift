/// Differentiable movement ops: reshape, permute, slice, pad, broadcast and its adjoint.
/// Rules address cotangent dimensions from the end, so batches of cotangents pass through.
extension Variable {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func reshaped(_ newShape: [Int]) -> Variable {
    if newShape == shape { return self }
    return Variable.record("reshape", inputs: [self], forward: { $0[0].reshaped(newShape) }) { c in
      [c.gradient.reshaped(c.batchShape + c.inputs[0].shape)]
    }
  }

  /// Dimensions from `startAxis` on merged into one (`[N, C, H, W]` → `[N, C·H·W]` by default).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func flattened(fromAxis startAxis: Int = 1) -> Variable {
    reshaped(Array(shape.prefix(startAxis)) + [shape.dropFirst(startAxis).reduce(1, *)])
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func permuted(_ permutation: [Int]) -> Variable {
    let inverse = (0..<permutation.count).map { i in permutation.firstIndex(of: i) ?? i }
    return Variable.record("permute", inputs: [self], forward: { $0[0].permuted(permutation) }) { c in
      let e = c.batchRank
      return [c.gradient.permuted(Array(0..<e) + inverse.map { $0 + e })]
    }
  }

  /// The last two dimensions swapped.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func transposed() -> Variable {
    permuted(Array(0..<(rank - 2)) + [rank - 1, rank - 2])
  }

  /// The elements `range` along `axis`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sliced(axis: Int, _ range: Range<Int>) -> Variable {
    let fromEnd = normalizedAxis(axis, rank: rank) - rank
    let extent = shape[rank + fromEnd]
    return Variable.record("slice", inputs: [self], forward: { $0[0].sliced(axis: axis, range) }) { c in
      [c.gradient.padded(axis: fromEnd, before: range.lowerBound, after: extent - range.upperBound)]
    }
  }

  /// Zeros added along `axis`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func padded(axis: Int, before: Int, after: Int) -> Variable {
    let fromEnd = normalizedAxis(axis, rank: rank) - rank
    let range = before..<(before + shape[rank + fromEnd])
    return Variable.record("pad", inputs: [self], forward: { $0[0].padded(axis: axis, before: before, after: after) }) { c in
      [c.gradient.sliced(axis: fromEnd, range)]
    }
  }

  /// Copies along broadcast dimensions (NumPy rules).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func broadcast(to target: [Int]) -> Variable {
    if target == shape { return self }
    return Variable.record("broadcast", inputs: [self], forward: { $0[0].broadcast(to: target) }) { c in
      [c.gradient.unbroadcast(to: c.inputs[0].shape, outputRank: c.output.rank)]
    }
  }

  /// Sums down to `target`, a shape of the same rank whose extents are 1 or equal to this one's
  /// (the adjoint of ``broadcast(to:)``).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func summed(toShape target: [Int]) -> Variable {
    if target == shape { return self }
    precondition(target.count == rank, "summed(toShape:) needs a target of rank \(rank), got \(target)")
    return Variable.record("sumTo", inputs: [self], forward: { $0[0].summed(toShape: target) }) { c in
      [c.gradient.broadcast(to: c.batchShape + c.inputs[0].shape)]
    }
  }

  /// Variables of the same shape except along `axis`, joined along it.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func concatenated(_ parts: [Variable], axis: Int) -> Variable {
    precondition(!parts.isEmpty, "concatenating nothing")
    let fromEnd = normalizedAxis(axis, rank: parts[0].rank) - parts[0].rank
    let extents = parts.map { $0.shape[$0.rank + fromEnd] }
    return record("concatenate", inputs: parts, forward: { Tensor.concatenated($0, axis: axis) }) { c in
      var start = 0
      return extents.enumerated().map { i, n in
        defer { start += n }
        return c.needsGradient[i] ? c.gradient.sliced(axis: fromEnd, start..<(start + n)) : nil
      }
    }
  }
}
