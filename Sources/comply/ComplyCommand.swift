// The `comply` executable: the root command, its subcommands, the one place where errors
// become `comply: error: …` on stderr and exit statuses (0 clean, 1 findings, 2 untrusted),
// and what is left for the exit to free.

import ArgumentParser
import ComplyCore
import ComplyReport
import Foundation

@main
struct ComplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comply",
    abstract: "Check schools' CSV exports against YAML rule packs.",
    version: ComplyVersion.current,
    subcommands: [Check.self, Validate.self, Test.self, List.self, Explain.self])

  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as ComplyError {
      Terminal.printErrors(error)
      Foundation.exit(2)
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)
    } catch {
      let status = exitCode(for: error)
      if status == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      let message = self.message(for: error)
      let text = "comply: error: \(message)\nSee 'comply --help' for usage.\n"
      FileHandle.standardError.write(Data(text.utf8))
      Foundation.exit(2)
    }
  }
}

/// Where text goes besides stdout.
enum Terminal {
  static func printErrors(_ error: ComplyError) {
    let text = error.lines.map { "comply: error: \($0)\n" }.joined()
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func note(_ text: String) {
    FileHandle.standardError.write(Data("comply: \(text)\n".utf8))
  }

  /// Colour on a terminal, never when NO_COLOR is set.
  static func wantsColour(_ fd: Int32) -> Bool {
    isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
  }
}

/// What the process leaves for its exit to reclaim. `main` ends (returns or calls `exit`) as
/// soon as the command returns or throws, and `check` has written its reports (renamed into
/// place) or stdout before it hands its result here. Freeing the result object by object
/// after that only delays the exit: 0.19 s after the report was written in a 10M-row run
/// with 140k violations (perf: `swift_release`, `malloc_consolidate`, `unlink_chunk`), 0.01 s
/// without. Compilers skip freeing their ASTs at exit the same way (clang's -disable-free).
enum ProcessExit {
  private final class Kept<T> {
    let value: T
    init(_ value: T) { self.value = value }
  }

  /// Keeps `value` alive until the process exits.
  static func leaveToExit<T>(_ value: T) {
    _ = Unmanaged.passRetained(Kept(value))
  }
}
