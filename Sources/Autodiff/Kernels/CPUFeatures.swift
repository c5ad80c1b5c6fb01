import Foundation

/// What the kernels need to know about the CPU they run on, read once.
enum CPUFeatures {
  /// Whether the CPU has AVX-512 (32 vector registers of 64 bytes). Read from `/proc/cpuinfo` on
  /// Linux and `sysctl` on macOS; false on other architectures.
  static let hasAVX512: Bool = {
    #if arch(x86_64)
      #if os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        return flags.split(separator: " ").contains("avx512f")
      #elseif os(macOS)
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname("hw.optional.avx512f", &value, &size, nil, 0) == 0 && value != 0
      #else
        return false
      #endif
    #else
      return false
    #endif
  }()
}
