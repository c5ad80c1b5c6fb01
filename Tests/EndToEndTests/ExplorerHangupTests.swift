import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The explorer when its terminal goes away (SIGHUP): the terminal is restored and the exit status
/// is 129, as for SIGINT (130) and SIGTERM (143).
@Suite("Explorer hang-up", .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct ExplorerHangupTests {
  @Test func sighupRestoresTheTerminalAndExits129() throws {
    let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-hup-\(UUID().uuidString).pid")
    defer { try? FileManager.default.removeItem(at: pidFile) }
    let tmux = try Tmux(width: 100, height: 30, command: "env -i PATH=/usr/bin:/bin HOME=\(NSHomeDirectory()) TERM=tmux-256color bash --norc --noprofile")
    try tmux.send("PS1='READY> '", "Enter")
    try tmux.waitFor("READY>")
    // A child shell writes its pid and becomes i2f (exec keeps the pid), in the foreground.
    try tmux.send("cd '\(Command.repository.path)' && SWIFT_BACKTRACE=enable=no bash -c 'echo $$ > \(pidFile.path); exec \"\(Command.executable.path)\"'; echo EXIT=$?", "Enter")
    try tmux.waitFor("predicted RMSE")
    let pid = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(kill(pid, SIGHUP) == 0)
    try tmux.waitFor("EXIT=129")
    try tmux.send("stty -a | tr ' ;' '\\n\\n' | grep -xE 'icanon|echo' | sort | tr '\\n' ' '; echo STTY-END", "Enter")
    let screen = try tmux.waitFor("icanon STTY-END")
    #expect(screen.contains("echo icanon STTY-END"), "terminal not restored:\n\(screen)")
  }
}
