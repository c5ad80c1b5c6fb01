/// A command that ran but whose result is a failure the user must see (e.g. a diverged attack):
/// printed as one `Error:` line, exit status 1, without the usage text a `ValidationError` adds.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
