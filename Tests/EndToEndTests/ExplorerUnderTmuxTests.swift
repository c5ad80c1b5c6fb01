import Foundation
import Testing

/// The explorer driven through tmux as a person would: start on Samples, change the sample and σ,
/// step an attack, open the compare view and help, quit — and the shell is sane afterwards.
@Suite("Explorer under tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct ExplorerUnderTmuxTests {
  @Test func aSessionFromStartToQuit() throws {
    let tmux = try Tmux(width: 140, height: 42, command: "env -i PATH=/usr/bin:/bin HOME=\(NSHomeDirectory()) TERM=tmux-256color bash --norc --noprofile")
    try tmux.send("PS1='READY> '", "Enter")
    try tmux.waitFor("READY>")
    try tmux.send("cd '\(Command.repository.path)' && SWIFT_BACKTRACE=enable=no '\(Command.executable.path)' --sample digits:0", "Enter")

    // The first screen shows the I2F numbers within seconds.
    var screen = try tmux.waitFor("predicted RMSE")
    #expect(screen.contains("λmax(J·Jᵀ)") && screen.contains("digits:0"))
    try tmux.waitFor("PAUSED it 0/300")

    // Change the sample in the browser.
    try tmux.send("s")
    try tmux.waitFor("digits (1797)")
    try tmux.send("Right", "Enter")
    screen = try tmux.waitFor("digits:1 [1]")

    // Raise σ by a quarter decade.
    try tmux.send("Right")
    try tmux.waitFor("σ = 1.8e-03")

    // Twenty attack iterations, ten at a time.
    try tmux.waitFor("PAUSED it 0/300")
    try tmux.send("N")
    try tmux.waitFor("it 10/300")
    try tmux.send("N")
    screen = try tmux.waitFor("it 20/300")
    #expect(screen.contains("RMSE achieved"))

    // The compare view with a second initialisation, then help.
    try tmux.send("c")
    screen = try tmux.waitFor("Leakage rank")
    #expect(screen.contains("1 uniform") && screen.contains("2 normal"))
    try tmux.send("?")
    try tmux.waitFor("i2f keys")
    try tmux.send("Escape")
    try tmux.waitFor("Leakage rank")

    // Quit: the prompt comes back and the terminal is in its normal mode.
    try tmux.send("q")
    try tmux.waitFor("READY>")
    try tmux.send("stty -a | tr ' ;' '\\n\\n' | grep -xE 'icanon|echo' | sort | tr '\\n' ' '; echo STTY-END", "Enter")
    screen = try tmux.waitFor("icanon STTY-END")
    #expect(screen.contains("echo icanon STTY-END"), "terminal not restored:\n\(screen)")
  }

  @Test func ctrlCRestoresTheTerminal() throws {
    let tmux = try Tmux(width: 100, height: 30, command: "env -i PATH=/usr/bin:/bin HOME=\(NSHomeDirectory()) TERM=tmux-256color bash --norc --noprofile")
    try tmux.send("PS1='READY> '", "Enter")
    try tmux.waitFor("READY>")
    try tmux.send("cd '\(Command.repository.path)' && SWIFT_BACKTRACE=enable=no '\(Command.executable.path)'; echo EXIT=$?", "Enter")
    try tmux.waitFor("predicted RMSE")
    try tmux.send("C-c")
    try tmux.waitFor("EXIT=130")
    try tmux.send("stty -a | tr ' ;' '\\n\\n' | grep -xE 'icanon|echo' | sort | tr '\\n' ' '; echo STTY-END", "Enter")
    let screen = try tmux.waitFor("icanon STTY-END")
    #expect(screen.contains("echo icanon STTY-END"))
  }

  @Test func aTinyTerminalGetsAMessageNotGarbage() throws {
    let tmux = try Tmux(width: 60, height: 20, command: "env TERM=tmux-256color SWIFT_BACKTRACE=enable=no '\(Command.executable.path)' --samples '\(Command.repository.path)/Samples'")
    let screen = try tmux.waitFor("60×20")
    #expect(screen.contains("80×24"))
    try tmux.send("q")
  }
}
