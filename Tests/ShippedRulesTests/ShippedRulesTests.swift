// The shipped pack (Rules/): it loads and type-checks, every rule has at least one violating
// and one passing example, and every example passes — the same function `comply test` runs.

import ComplyCore
import ComplyEngine
import ComplyRules
import Foundation
import Testing

enum ShippedPack {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let rules = root.appendingPathComponent("Rules")

  static func load() throws -> CompiledPack {
    try RulePackLoader.load([rules.path], today: Day(year: 2026, month: 11, day: 27) ?? Day(ordinal: 0))
  }
}

struct ShippedRulesTests {
  @Test func packLoadsAndTypeChecks() throws {
    let pack = try ShippedPack.load()
    #expect(pack.rules.count >= 40)
  }

  @Test func everyRuleHasAViolatingAndAPassingExample() throws {
    let pack = try ShippedPack.load()
    for rule in pack.rules.map(\.rule) {
      let violating = rule.examples.contains { e in
        switch e.expectation {
        case .violates(let v): return v
        case .violations(let n): return n > 0
        }
      }
      let passing = rule.examples.contains { e in
        switch e.expectation {
        case .violates(let v): return !v
        case .violations(let n): return n == 0
        }
      }
      #expect(violating, "rule \(rule.id) has no violating example")
      #expect(passing, "rule \(rule.id) has no passing example")
    }
  }

  @Test func everyExamplePasses() throws {
    let pack = try ShippedPack.load()
    for outcome in ExampleRunner.run(pack.rules, pack: pack.pack) where !outcome.passed {
      Issue.record("\(outcome.ruleID) example \(outcome.index) at \(outcome.location): \(outcome.detail)")
    }
  }

  @Test func everyRuleCitesItsBasisAndCategory() throws {
    let pack = try ShippedPack.load()
    for rule in pack.rules.map(\.rule) {
      #expect(!rule.basis.isEmpty, "rule \(rule.id) has no basis")
      #expect(!rule.category.isEmpty, "rule \(rule.id) has no category")
      #expect(!rule.measure.isEmpty, "rule \(rule.id) has no measure")
    }
  }
}
