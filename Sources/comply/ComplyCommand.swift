// The `comply` executable: the root command, its subcommands, and the one place where errors
// become `comply: error: …` on stderr and exit statuses (0 clean, 1 findings, 2 untrusted).

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
