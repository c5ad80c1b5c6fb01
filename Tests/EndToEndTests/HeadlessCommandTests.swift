import Foundation
import Testing

/// The headless commands as a user runs them: output, JSON keys, files, and errors.
@Suite("Headless commands")
struct HeadlessCommandTests {
  @Test func boundPrintsEveryKeyAndTheBoundsHold() throws {
    let r = try Command.run(["bound", "--sample", "digits:5", "--noise", "gaussian:0.001", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try Command.json(r)
    for key in ["loss", "grad_norm", "jdelta_norm", "lambda_max", "lambda_min", "rank", "i2f_norm", "i2f_ridge_norm", "i2f_lb",
                "i2f_ub", "expected_rmse", "dx", "dtheta", "method", "seconds"] {
      #expect(j[key] != nil, "missing \(key)")
    }
    let lb = try #require(j["i2f_lb"] as? Double), i2f = try #require(j["i2f_norm"] as? Double), ub = try #require(j["i2f_ub"] as? Double)
    #expect(lb <= i2f && i2f <= ub)
    #expect(j["dx"] as? Int == 64 && j["method"] as? String == "dense")
    let table = try Command.run(["bound", "--sample", "digits:5"])
    #expect(table.status == 0 && table.stdout.contains("λmax(J·Jᵀ)") && table.stdout.contains("upper bound"))
  }

  /// `--init trained` trains on the sample's data set once, into the user's cache, and reuses it.
  @Test func trainedWeightsAreTrainedOnceAndCached() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-xdg-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }
    let arguments = ["bound", "--model", "mlp", "--width", "16", "--sample", "digits:0", "--init", "trained", "--seed", "2", "--json"]
    let first = try Command.run(arguments, environment: ["XDG_CACHE_HOME": cache.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect((try Command.json(first)["weights"] as? String)?.hasPrefix("trained on digits") == true)
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("i2f/trained").path)
    #expect(files == ["mlp-w16-1x8x8-c10-digits-seed2-adam-lr0.01-b32-e5.safetensors"])
    let again = try Command.run(arguments, environment: ["XDG_CACHE_HOME": cache.path])
    #expect(try Command.json(again)["i2f_norm"] as? Double == Command.json(first)["i2f_norm"] as? Double)
  }

  @Test func boundReportsRankDeficiencyWithANullUpperBound() throws {
    // A batch of 4 digits through an mlp of width 2: 160 parameters for 256 inputs.
    let r = try Command.run(["bound", "--model", "mlp", "--width", "2", "--sample", "digits:0-3", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try Command.json(r)
    #expect(j["i2f_ub"] is NSNull)
    #expect((j["rank"] as? Int ?? 999) <= 160)
  }

  @Test func attackReportsItsMetricsAndSavesImages() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-attack-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try Command.run(["attack", "--model", "mlp", "--width", "32", "--sample", "digits:3", "--noise", "none",
                             "--iterations", "60", "--json", "--save", dir.path])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try Command.json(r)
    for key in ["attack", "iterations_done", "iteration_budget", "status", "objective", "rmse", "psnr", "ssim", "label_inferred", "label_correct", "predicted_rmse",
                "seconds"] {
      #expect(j[key] != nil, "missing \(key)")
    }
    #expect(j["label_correct"] as? Bool == true)
    #expect((j["rmse"] as? Double ?? 1) < 1e-2)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(files == ["i2f.png", "original.png", "reconstruction.png", "trajectory.csv"])
    let png = try Data(contentsOf: dir.appendingPathComponent("original.png"))
    #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    let csv = try String(contentsOf: dir.appendingPathComponent("trajectory.csv"), encoding: .utf8)
    // Without noise L-BFGS reaches the optimum and stops early, saying so.
    let iterations = try #require(j["iterations_done"] as? Int)
    #expect(iterations < 60 && j["status"] as? String == "converged", "\(iterations) iterations, status \(j["status"] ?? "")")
    #expect(csv.split(separator: "\n").count == iterations + 2)  // header + iteration 0 + each iteration
    #expect(try Command.run(["attack", "--list-presets"]).stdout.contains("Inverting Gradients"))
  }

  @Test func trainedWeightsReopenAsAnInitialisation() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("i2f-mlp-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: file) }
    let r = try Command.run(["train", "--model", "mlp", "--epochs", "5", "--output", file.path])
    #expect(r.status == 0, "\(r.stderr)")
    let accuracy = r.stdout.split(separator: "\n").last { $0.hasPrefix("epoch 5") }
      .flatMap { $0.split(separator: " ").last }.flatMap { Double($0.dropLast()) }
    #expect((accuracy ?? 0) > 90, "mlp on digits after 5 epochs: \(r.stdout)")
    let b = try Command.run(["bound", "--model", "mlp", "--init", file.path, "--json"])
    #expect(b.status == 0, "\(b.stderr)")
    #expect((try Command.json(b)["loss"] as? Double ?? 9) < 1)
  }

  /// Bad input: one line naming the problem, a non-zero exit, nothing on stdout, no crash.
  @Test(arguments: [
    (["bound", "--sample", "nope:1"], "nope"),
    (["bound", "--sample", "digits:5000"], "5000"),
    (["bound", "--model", "vgg"], "vgg"),
    (["bound", "--noise", "gaussian:-1"], "gaussian:-1"),
    (["bound", "--init", "/nonexistent/w.safetensors"], "/nonexistent/w.safetensors"),
    (["bound", "--sample", "/nonexistent/x.safetensors"], "/nonexistent/x.safetensors"),
    (["attack", "--preset", "magic"], "magic"),
    (["attack", "--iterations", "0"], "iterations"),
    (["bound", "--perturbation", "/nonexistent/d.safetensors"], "/nonexistent/d.safetensors"),
    (["bound", "--model", "/nonexistent/m.onnx"], "/nonexistent/m.onnx"),
    (["bound", "--model", "Tests/LeakageTests/Fixtures/onnx/convnet5.onnx", "--sample", "photos:0"], "convnet5.onnx"),
    (["bound", "--model", "resnet18", "--init", "embedded"], "embedded weights"),
  ])
  func badInputFailsWithOneClearLine(_ arguments: [String], _ mention: String) throws {
    let r = try Command.run(arguments)
    #expect(r.status != 0)
    #expect(r.stdout.isEmpty)
    let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty }
    #expect(lines.first?.contains(mention) ?? false, "stderr: \(r.stderr)")
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
  }

  @Test func boundRunsAnONNXModelOnItsOwnWeights() throws {
    let model = "Tests/LeakageTests/Fixtures/onnx/convnet5.onnx"
    let r = try Command.run(["bound", "--model", model, "--sample", "digits:5", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try Command.json(r)
    #expect(j["model"] as? String == model)
    #expect((j["weights"] as? String ?? "").contains("embedded"))
    #expect(j["dtheta"] as? Int == 4 * 12 + 1 * 25 * 12 + 3 * 12 * 25 * 12 + 48 * 10 + 10)
    let uniform = try Command.run(["bound", "--model", model, "--sample", "digits:5", "--init", "xavier", "--json"])
    #expect(uniform.status == 0, "\(uniform.stderr)")
    #expect(try Command.json(uniform)["loss"] as? Double != j["loss"] as? Double)
  }

  @Test func hostileWeightsFileIsRejectedByName() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: file) }
    var bytes = [UInt8](repeating: 0, count: 8)
    bytes[0] = 0xFF; bytes[1] = 0xFF; bytes[2] = 0xFF  // header length far beyond the file
    try Data(bytes + Array("{}".utf8)).write(to: file)
    let r = try Command.run(["bound", "--init", file.path])
    #expect(r.status != 0 && r.stderr.contains(file.lastPathComponent))
  }

  @Test func explorerWithoutATerminalSaysSo() throws {
    let r = try Command.run(["explore"])
    #expect(r.status != 0)
    #expect(r.stderr.lowercased().contains("terminal"), "stderr: \(r.stderr)")
  }

  @Test func benchListsItsKeys() throws {
    let r = try Command.run(["bench", "--list"])
    for key in ["gemm_f32_512_gflops", "convnet5_jjt_matvec_ms", "convnet5_dense_spectrum_ms", "attack_step_ms_convnet5", "dlg_300_s"] {
      #expect(r.stdout.contains(key))
    }
  }
}
