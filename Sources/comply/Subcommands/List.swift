// `comply list`: the pack's rules as a table, JSON, or the Markdown catalogue.

import ArgumentParser
import ComplyReport
import ComplyRules

enum ListFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown
}

extension ComplyCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules: id, severity, category, dataset, title.")

    @OptionGroup var pack: RulesOptions
    @Option(help: "Output format.") var format: ListFormat = .text

    func run() throws {
      let compiled = try pack.compiledPack(today: try Today.parse(nil))
      let rules = compiled.rules.map(\.rule)
      switch format {
      case .text: print(RuleCatalog.text(rules), terminator: "")
      case .json: print(RuleCatalog.json(rules).serialized())
      case .markdown: print(RuleCatalog.markdown(rules), terminator: "")
      }
    }
  }
}
