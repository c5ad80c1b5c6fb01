#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry point for programs that have their own `main` (SwiftPM points an executable's
/// `main` at the module's `@main`, so libFuzzer's own `main` is never the one that runs).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands the process to libFuzzer with `testOneInput` (the harness's `LLVMFuzzerTestOneInput`)
/// and exits with libFuzzer's status: 0 when the run ends without a crash, leak, timeout or OOM.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
  exit(status)
}

/// The input as bytes (libFuzzer may pass a null pointer with size 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
  guard let data, size > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Stops the run with a message when a property every accepted input must have does not hold;
/// libFuzzer records the input as a crash.
public func fuzzRequire(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
  if !condition() {
    let line = "fuzz property violated: \(message())\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    abort()
  }
}
