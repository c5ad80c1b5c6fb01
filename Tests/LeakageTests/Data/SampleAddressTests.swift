import Testing

@testable import Leakage

@Suite("sample addresses")
struct SampleAddressTests {
  @Test("valid addresses parse to their source and items", arguments: [
    ("digits:17", SampleAddress(source: .dataset("digits"), items: [.index(17)])),
    ("faces:3", SampleAddress(source: .dataset("faces"), items: [.index(3)])),
    ("photos:chelsea", SampleAddress(source: .dataset("photos"), items: [.name("chelsea")])),
    ("Photos:Chelsea", SampleAddress(source: .dataset("photos"), items: [.name("Chelsea")])),
    ("mnist:0", SampleAddress(source: .dataset("mnist"), items: [.index(0)])),
    ("cifar10:42", SampleAddress(source: .dataset("cifar10"), items: [.index(42)])),
    ("mnist-train:59999", SampleAddress(source: .dataset("mnist-train"), items: [.index(59999)])),
    ("digits:0,5,9", SampleAddress(source: .dataset("digits"), items: [.index(0), .index(5), .index(9)])),
    ("digits:0-3", SampleAddress(source: .dataset("digits"), items: [.range(0...3)])),
    (" digits: 1 , 2-4 ", SampleAddress(source: .dataset("digits"), items: [.index(1), .range(2...4)])),
    ("photos:chelsea,0", SampleAddress(source: .dataset("photos"), items: [.name("chelsea"), .index(0)])),
    ("batch.safetensors", SampleAddress(source: .file("batch.safetensors"), items: nil)),
    ("batch.safetensors:2", SampleAddress(source: .file("batch.safetensors"), items: [.index(2)])),
    ("out/x.safetensors:0-1", SampleAddress(source: .file("out/x.safetensors"), items: [.range(0...1)])),
    ("/tmp/a:b/x.safetensors", SampleAddress(source: .file("/tmp/a:b/x.safetensors"), items: nil)),
    ("./mine", SampleAddress(source: .file("./mine"), items: nil)),
  ])
  func valid(text: String, expected: SampleAddress) throws {
    #expect(try SampleAddress(parsing: text) == expected)
  }

  @Test("canonical text round-trips")
  func canonical() throws {
    for text in ["digits:17", "digits:0,5,9", "digits:0-3", "photos:chelsea", "x.safetensors:2", "x.safetensors"] {
      #expect(try SampleAddress(parsing: text).description == text)
    }
  }

  /// Found by the fuzzer: `%/1: ۢ` (a space, then the combining mark U+06E2) parsed as the file
  /// `%/1` with the item name `ۢ`, whose canonical text `%/1:ۢ` fuses the colon and the mark into
  /// one character and so parsed back as a file path without items.
  @Test("a combining mark after the colon stays part of a file path and round-trips")
  func combiningMarkAfterColon() throws {
    for text in ["%/1: \u{6E2}", "%/1:\u{6E2}", "x/y:a, \u{6E2}b"] {
      let address = try SampleAddress(parsing: text)
      #expect(address == SampleAddress(source: .file(text), items: nil), "\(text)")
      #expect(try SampleAddress(parsing: address.description) == address, "\(text)")
    }
  }

  @Test("bad addresses give one-line errors saying what is valid", arguments: [
    ("", "empty"), ("digits", "no image selected"), ("digits:", "no image selected"), ("mnist", "mnist:INDEX"),
    ("cats:1", "valid: digits, faces, photos, mnist, mnist-train, cifar10, cifar10-train"),
    ("digits:-1", "negative index"), ("digits:3-1", "ends before it starts"), ("digits:1,,2", "empty item"),
    ("digits:0-5000", "more than 1024"), ("digits:a b", "not an index"), ("digits:99999999999999999999", "too large"),
    ("photos:a, \u{6E2}b", "starts with a combining mark"), ("photos: \u{6E2}", "starts with a combining mark"),
  ])
  func invalid(text: String, phrase: String) {
    let error = #expect(throws: DataError.self) { try SampleAddress(parsing: text) }
    #expect(error?.description.contains(phrase) == true, "\(text): \(String(describing: error))")
    #expect(error?.description.contains("\n") == false)
  }
}
