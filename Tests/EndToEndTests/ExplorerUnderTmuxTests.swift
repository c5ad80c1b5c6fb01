import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The explorer driven through tmux as a person would: start on Samples, change the sample and σ,
/// step an attack, open the compare view and help, quit — and the shell is sane afterwards.
@Suite("Explorer under tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct ExplorerUnderTmuxTests {
  static let shell = "env -i PATH=/usr/bin:/bin HOME=\(NSHomeDirectory()) TERM=tmux-256color bash --norc --noprofile"
  static let i2f = "SWIFT_BACKTRACE=enable=no '\(Command.executable.path)'"
  /// A check that the terminal is back in its normal (cooked, echoing) mode.
  static let stty = "stty -a | tr ' ;' '\\n\\n' | grep -xE 'icanon|echo' | sort | tr '\\n' ' '; echo STTY-END"

  /// A shell in tmux, at the repository root, with a recognisable prompt.
  func shell(width: Int = 140, height: Int = 42) throws -> Tmux {
    let tmux = try Tmux(width: width, height: height, command: Self.shell)
    try tmux.send("PS1='READY> '; cd '\(Command.repository.path)'", "Enter")
    try tmux.waitFor("READY>")
    return tmux
  }

  /// The terminal is back: the normal screen (not curses's alternate one), a visible cursor, and
  /// cooked, echoing input.
  func expectTerminalRestored(_ tmux: Tmux) throws {
    #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1", "still in curses's screen mode")
    try tmux.send(Self.stty, "Enter")
    let screen = try tmux.waitFor("icanon STTY-END")
    #expect(screen.contains("echo icanon STTY-END"), "terminal not restored:\n\(screen)")
  }

  @Test func aSessionFromStartToQuit() throws {
    let tmux = try shell()
    // l2adam: one iteration per step, so stepping ten at a time is visible (a DLG step is up
    // to 20 L-BFGS iterations, and DLG on a digit is done in a few).
    try tmux.send("\(Self.i2f) --sample digits:0 --preset l2adam", "Enter")

    // The first screen shows the I2F numbers within seconds.
    var screen = try tmux.waitFor("predicted RMSE")
    #expect(screen.contains("λmax(J·Jᵀ)") && screen.contains("digits:0"))
    try tmux.waitFor("PAUSED it 0/2000")

    // Change the sample in the browser.
    try tmux.send("s")
    try tmux.waitFor("digits (1797)")
    try tmux.send("Right", "Enter")
    screen = try tmux.waitFor("digits:1 [1]")

    // Raise σ by a quarter decade.
    try tmux.send("Right")
    try tmux.waitFor("σ = 1.8e-03")

    // Twenty attack iterations, ten at a time.
    try tmux.waitFor("PAUSED it 0/2000")
    try tmux.send("N")
    try tmux.waitFor("it 10/2000")
    try tmux.send("N")
    screen = try tmux.waitFor("it 20/2000")
    #expect(screen.contains("RMSE achieved"))

    // Trained weights are always offered.
    try tmux.send("i")
    screen = try tmux.waitFor("Initialisation of pane 1")
    #expect(screen.contains("trained on the sample's data set"))
    try tmux.send("Escape")

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
    try expectTerminalRestored(tmux)
  }

  /// The victim loads in milliseconds: the original is on screen at once, long before the
  /// spectrum of a 3×32×32 photo.
  @Test func aPhotoShowsItsOriginalAtOnce() throws {
    let tmux = try shell()
    try tmux.send("\(Self.i2f) --sample digits:0", "Enter")
    try tmux.waitFor("PAUSED it 0/300")
    try tmux.send("s")
    try tmux.waitFor("digits (1797)")
    try tmux.send("Tab", "Tab")
    try tmux.waitFor("photos:astronaut · label")
    try tmux.send("Enter")
    let sent = Date()
    // The original panel holds an image (half blocks), not a placeholder; waiting for both the
    // title and the image also skips a frame tmux shows half drawn.
    func originalRows(_ screen: String) -> [Substring] { screen.split(separator: "\n").dropFirst(2).prefix(18).map { $0.prefix(46) } }
    let screen = try tmux.waitUntil("the photo's original", timeout: 30) { s in
      s.contains("photos:astronaut [0]") && originalRows(s).contains { $0.contains("▀") }
    }
    let seconds = Date().timeIntervalSince(sent)
    // The event that matters: the original is on screen while the spectrum is still being
    // computed (its caption "λ1 = … λ3072 = …" comes at the end), not after it. The clock check
    // allows a loaded machine (0.1 s when quiet); waiting for the whole spectrum
    // (seconds) would still fail it.
    #expect(!screen.contains("λ3072"), "the original appeared only with the spectrum:\n\(screen)")
    #expect(seconds < 1, "the original took \(seconds) s")
    try tmux.send("q")
    try tmux.waitFor("READY>")
  }

  @Test func aPerturbationFileIsUsed() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-delta-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let saved = try Command.run(["bound", "--sample", "digits:0", "--directions", "1", "--save", directory.path])
    #expect(saved.status == 0, "\(saved.stderr)")
    let tmux = try shell()
    try tmux.send("\(Self.i2f) --sample digits:0 --perturbation '\(directory.path)/delta-bottom-1.safetensors'", "Enter")
    let screen = try tmux.waitFor("δ file delta-bottom-1.safetensors ‖δ‖ = 1.00e+00")
    try tmux.waitFor("predicted RMSE")
    #expect(!screen.contains("no perturbation"))
    // The picker offers the file.
    try tmux.send("p")
    try tmux.waitFor("7 δ from a file")
    try tmux.send("Escape", "q")
    try tmux.waitFor("READY>")
  }

  /// Three panes attack at once; closing the middle one leaves the other two running to their end.
  @Test func closingAMiddlePaneWhileAttacksRun() throws {
    let tmux = try shell()
    try tmux.send("\(Self.i2f) --sample digits:0 --compare uniform,xavier,kaiming", "Enter")
    try tmux.waitUntil("three prepared attacks") { $0.components(separatedBy: "─ it 0/300 ─").count == 4 }
    try tmux.send(">", ">", "A")
    try tmux.waitFor("RUNNING")
    try tmux.send("Tab", "x")
    let finished = try NSRegularExpression(pattern: "it [0-9]+/300 (converged|stalled|max-iterations|diverged)")
    // The pane titles are part of the condition: tmux may show a frame half drawn.
    let screen = try tmux.waitUntil("both attacks to finish", timeout: 120) { s in
      finished.numberOfMatches(in: s, range: NSRange(s.startIndex..., in: s)) == 2 && !s.contains("RUNNING")
        && s.contains("1 uniform") && s.contains("2 kaiming")
    }
    #expect(!screen.contains("xavier"), "\(screen)")
    #expect(!screen.contains("not run"))
    try tmux.send("q")
    try tmux.waitFor("READY>")
  }

  /// Options on the command line win over a reopened view's.
  @Test func commandLineOptionsWinOverTheConfigFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let tmux = try shell()
    let samples = "--samples '\(Command.repository.path)/Samples'"
    try tmux.send("cd '\(directory.path)' && \(Self.i2f) \(samples) --sample digits:2 --noise gaussian:1e-4 --init xavier --seed 3", "Enter")
    try tmux.waitFor("PAUSED it 0/300")
    try tmux.send("e")
    try tmux.waitFor("exported to")
    try tmux.send("q")
    try tmux.waitFor("READY>")
    let export = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("i2f-export-") })
    try tmux.send("clear; \(Self.i2f) \(samples) --config \(export)/view.json --noise gaussian:0.01 --seed 5", "Enter")
    let screen = try tmux.waitFor("PAUSED it 0/300")
    #expect(screen.contains("xavier (seed 5)") && screen.contains("σ = 1.0e-02") && screen.contains("digits:2"), "\(screen)")
    try tmux.send("q")
    try tmux.waitFor("READY>")
  }

  /// A sweep's result file: the list opens worst protected first, Enter opens the selected run in
  /// the main view, Esc goes back to the list with the run marked, and the file is remembered for R.
  @Test func aSweepsResultsOpenInTheMainView() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-results-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("r.jsonl").path
    let swept = try Command.run(["sweep", "--samples", "digits:0-2", "--inits", "uniform,xavier", "--attacks", "none", "--out", out])
    #expect(swept.status == 0, "\(swept.stderr)")
    let tmux = try shell()
    try tmux.send("XDG_STATE_HOME='\(directory.path)' \(Self.i2f) --results '\(out)'", "Enter")
    // Waits for the whole list (tmux may show a frame half drawn).
    var screen = try tmux.waitUntil("the list of 6 runs") { $0.contains("6 runs") && $0.contains("run 1/6") }
    #expect(screen.contains("sorted: predicted ↑") && screen.contains("↑predicted"), "\(screen)")
    try tmux.send("Down", "Enter")
    screen = try tmux.waitFor("Esc back to the list")
    try tmux.waitFor("predicted RMSE")
    #expect(screen.contains("(seed 0) · digits:"), "\(screen)")
    try tmux.send("Escape")
    screen = try tmux.waitFor("RESULTS")
    #expect(screen.contains("▸") && screen.contains("run 2/6"), "\(screen)")
    try tmux.send("q")
    try tmux.waitFor("READY>")
    let remembered = try String(contentsOf: directory.appendingPathComponent("i2f/last-results"), encoding: .utf8)
    #expect(remembered.trimmingCharacters(in: .whitespacesAndNewlines) == URL(fileURLWithPath: out).standardizedFileURL.path)
  }

  @Test func ctrlCQuitsNormally() throws {
    let tmux = try shell(width: 100, height: 30)
    try tmux.send("\(Self.i2f); echo EXIT=$?", "Enter")
    try tmux.waitFor("predicted RMSE")
    try tmux.send("C-c")
    try tmux.waitFor("EXIT=0")
    try expectTerminalRestored(tmux)
  }

  /// SIGTERM and SIGHUP end the explorer with the conventional status, the terminal restored.
  @Test(arguments: [(SIGTERM, 143), (SIGHUP, 129)]) func terminationSignals(_ signal: Int32, _ status: Int) throws {
    let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-pid-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: pidFile) }
    let tmux = try shell(width: 100, height: 30)
    try tmux.send("bash -c 'echo $$ > \(pidFile.path); exec env SWIFT_BACKTRACE=enable=no \(Command.executable.path)'; echo EXIT=$?", "Enter")
    try tmux.waitFor("predicted RMSE")
    let pid = try #require(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(kill(pid, signal) == 0)
    try tmux.waitFor("EXIT=\(status)")
    try expectTerminalRestored(tmux)
  }

  /// 24-bit colour: the escape codes tmux captures are RGB ones.
  @Test(.enabled(if: ["/usr/share/terminfo/x/xterm-direct", "/lib/terminfo/x/xterm-direct", "/etc/terminfo/x/xterm-direct"]
    .contains { FileManager.default.fileExists(atPath: $0) }, "the xterm-direct terminfo (ncurses-term) is not installed"))
  func directColour() throws {
    let tmux = try shell(width: 100, height: 30)
    try tmux.send("\(Self.i2f) --term xterm-direct", "Enter")
    try tmux.waitFor("predicted RMSE")
    let screen = try tmux.screen(escapes: true)
    #expect(screen.contains("38;2;"), "no 24-bit colour codes in:\n\(screen.prefix(2000))")
    try tmux.send("q")
    try tmux.waitFor("READY>")
  }

  @Test func aTinyTerminalGetsAMessageNotGarbage() throws {
    let tmux = try Tmux(width: 60, height: 20, command: "env TERM=tmux-256color \(Self.i2f) --samples '\(Command.repository.path)/Samples'")
    let screen = try tmux.waitFor("60×20")
    #expect(screen.contains("80×24"))
    try tmux.send("q")
  }
}
