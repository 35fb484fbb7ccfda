// `comply explain ID`: one rule in full, with its basis and examples.

import ArgumentParser
import ComplyCore
import ComplyReport
import ComplyRules

extension ComplyCommand {
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one rule in full.")

    @Argument(help: "The rule id.") var id: String
    @OptionGroup var pack: RulesOptions

    func run() throws {
      let compiled = try pack.compiledPack(today: try Today.parse(nil))
      guard let rule = compiled.rules.first(where: { $0.rule.id == id })?.rule else {
        throw ComplyError("no rule '\(id)'\(Suggestion.hint(for: id, in: compiled.rules.map(\.rule.id)))")
      }
      print(RuleCatalog.explain(rule), terminator: "")
    }
  }
}
