// `comply validate`: loads and type-checks the pack; every problem is reported in one run.

import ArgumentParser
import ComplyRules

extension ComplyCommand {
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load and type-check a rule pack (exit 0 or 2).")

    @OptionGroup var pack: RulesOptions

    func run() throws {
      let compiled = try pack.compiledPack(today: try Today.parse(nil))
      print("ok: \(compiled.rules.count) rules, \(compiled.pack.datasets.count) datasets in \(compiled.pack.files.count) files")
    }
  }
}
