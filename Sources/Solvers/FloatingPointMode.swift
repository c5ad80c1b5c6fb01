#if os(Linux) && arch(x86_64)
  import Glibc
#endif

/// The calling thread's floating-point environment, switched to flush subnormal numbers to zero
/// (FTZ and DAZ on x86-64) for a kernel whose results are unaffected by values below 1e-308 but
/// whose speed is: every subnormal operand or result costs a microcode assist of ~100 cycles.
/// A no-op on other platforms.
struct FloatingPointMode {
  #if os(Linux) && arch(x86_64)
    private var saved = fenv_t()
  #endif

  /// Saves the current mode and turns on flush-to-zero and denormals-are-zero.
  static func flushingSubnormals() -> FloatingPointMode {
    var mode = FloatingPointMode()
    #if os(Linux) && arch(x86_64)
      fegetenv(&mode.saved)
      var flushing = mode.saved
      flushing.__mxcsr |= 0x8040  // FTZ (bit 15) | DAZ (bit 6)
      fesetenv(&flushing)
    #endif
    return mode
  }

  /// Restores the mode saved by ``flushingSubnormals()``.
  func restore() {
    #if os(Linux) && arch(x86_64)
      var saved = saved
      fesetenv(&saved)
    #endif
  }
}
