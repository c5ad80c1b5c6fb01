// swift-tools-version:6.0
import Foundation
import PackageDescription

// The numeric targets are always optimised (also in `swift test`'s debug build, which would
// otherwise run the kernels 20–50× slower) and compiled for the CPU of the machine that builds
// them, so the SIMD kernels use AVX2 / AVX-512 where present. Set I2F_TARGET_CPU to a named CPU
// (`x86-64`, `haswell`, `skylake-avx512`, …) to build a binary for other machines.
let targetCPU = ProcessInfo.processInfo.environment["I2F_TARGET_CPU"] ?? "native"
let optimised: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", targetCPU])]

let package = Package(
  name: "i2f",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "i2f", targets: ["i2f"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // MARK: - Layers, each importing only those below it

    /// 1. Tensors, kernels, the graph and differentiable ops (first and second order).
    .target(
      name: "Autodiff",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")],
      swiftSettings: optimised),

    /// 2. Dense and matrix-free linear algebra: eigensolver, Lanczos, power iteration, CG.
    .target(name: "Solvers", dependencies: ["Autodiff"], swiftSettings: optimised),

    /// 3. Models, initialisers, data and tensor files, perturbations, attacks, metrics, I2F.
    .target(name: "Leakage", dependencies: ["Autodiff", "Solvers", "CZlib", "ONNXProto"], swiftSettings: optimised),

    /// 4. Experiments at scale: sweep plans, the JSONL result store, the runner, reports and plots.
    .target(name: "Studies", dependencies: ["Leakage"]),

    /// 5. The terminal UI: a pure render-to-canvas core and a thin ncurses backend (it lists sweep results).
    .target(name: "Explorer", dependencies: ["Leakage", "Studies", "CNCursesW"]),

    /// 6. The command-line tool: `explore` (default) and the headless commands.
    .executableTarget(
      name: "i2f",
      dependencies: ["Explorer", "Leakage", "Studies", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

    // MARK: - Generated code

    /// ONNX's protobuf messages, generated from the onnx wheel's onnx.proto by
    /// Scripts/generate_onnx_proto.sh (committed; `swift build` never runs protoc).
    .target(name: "ONNXProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),

    // MARK: - System libraries

    /// ncursesw with the C shims Swift cannot import directly (macros, mutable globals).
    .systemLibrary(name: "CNCursesW", providers: [.apt(["libncursesw5-dev"])]),
    /// zlib, for gzip-compressed IDX files and PNG output.
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

    // MARK: - Tests

    .testTarget(name: "AutodiffTests", dependencies: ["Autodiff"], swiftSettings: optimised),
    .testTarget(name: "SolversTests", dependencies: ["Solvers"], swiftSettings: optimised),
    .testTarget(name: "LeakageTests", dependencies: ["Leakage", "ONNXProto"], exclude: ["Fixtures"], swiftSettings: optimised),
    /// Also runs the built `i2f` (a sweep killed with SIGKILL and resumed).
    .testTarget(name: "StudiesTests", dependencies: ["Studies", "i2f"]),
    .testTarget(name: "ExplorerTests", dependencies: ["Explorer"], exclude: ["Snapshots"]),
    /// Runs the built `i2f` executable: headless commands, errors, and the explorer under tmux.
    .testTarget(name: "EndToEndTests", dependencies: ["i2f"], exclude: ["Fixtures"]),
  ]
)

// MARK: - Fuzzing

/// libFuzzer harnesses, one per parser (`Fuzz/Harnesses/NAME/`), declared only when `I2F_FUZZ` is
/// set, so `swift build` and `swift test` never see them. `Scripts/fuzz.sh NAME [SECONDS]` builds
/// one with `-sanitize=fuzzer,address` in its own scratch path (`.build-fuzz`) and runs it on
/// `Fuzz/corpus/NAME/`; `Fuzz/README.md` says how to add one.
let fuzzHarnesses: [(name: String, dependencies: [Target.Dependency])] = [
  ("safetensors", ["Leakage"]),
  ("idx-raw", ["Leakage"]),
  ("idx-gzip", ["Leakage"]),
  ("cifar", ["Leakage"]),
  ("png", ["Leakage"]),
  ("json", ["Leakage"]),
  ("explorer-config", ["Explorer", "Leakage"]),
  ("sample-address", ["Leakage"]),
  ("perturbation", ["Leakage"]),
  ("onnx", ["Leakage"]),
  ("sweep-plan", ["Leakage", "Studies"]),
  ("sweep-result", ["Studies"]),
]
if ProcessInfo.processInfo.environment["I2F_FUZZ"] != nil {
  package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
  for harness in fuzzHarnesses {
    package.targets.append(.executableTarget(
      name: "fuzz-\(harness.name)", dependencies: ["FuzzDriver"] + harness.dependencies, path: "Fuzz/Harnesses/\(harness.name)"))
  }
}
