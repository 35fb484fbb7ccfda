// `comply test`: runs every rule's examples and ends with `N passed, N failed`.

import ArgumentParser
import ComplyEngine
import ComplyRules

extension ComplyCommand {
  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the rules' examples.")

    @OptionGroup var pack: RulesOptions
    @Option(help: "Run only the examples of rules whose id matches (a glob); repeatable.") var rule: [String] = []

    func run() throws {
      let compiled = try pack.compiledPack(today: try Today.parse(nil))
      let rules = try Engine.select(compiled.rules, patterns: rule)
      let outcomes = ExampleRunner.run(rules, pack: compiled.pack)
      for o in outcomes where !o.passed {
        print("FAIL \(o.ruleID) example \(o.index) (\(o.location)): \(o.detail)")
      }
      let failed = outcomes.filter { !$0.passed }.count
      print("\(outcomes.count - failed) passed, \(failed) failed")
      if failed > 0 { throw ExitCode(1) }
    }
  }
}
