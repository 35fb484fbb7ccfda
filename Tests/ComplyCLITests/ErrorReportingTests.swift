// Bad rules and bad exports: exit 2 with `comply: error: FILE:LINE:COLUMN: …`, never a crash.

import Foundation
import Testing

struct ErrorReportingTests {
  let fixtures = CLI.fixtures

  @Test func validateReportsEveryProblemSortedByLine() throws {
    let r = try CLI.run(["validate", "--rules", "pack.yaml"], in: fixtures.appendingPathComponent("bad-rules"))
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    assertSnapshot(r.stderr, named: "bad-rules.txt")
  }

  @Test func libyamlErrorsAreLocated() throws {
    let r = try CLI.run(["validate", "--rules", "indent.yaml"], in: fixtures.appendingPathComponent("bad-rules"))
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("comply: error: indent.yaml:3:4: yaml: "))
  }

  @Test func unterminatedQuoteNamesTheLineWhereTheFieldBegan() throws {
    let r = try CLI.run(["check", "--rules", "rules.yaml", "--data", "unterminated"], in: fixtures.appendingPathComponent("bad-data"))
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("comply: error: fees.csv:3:4: "))
  }

  @Test func missingRequiredColumnNamesTheClosestHeader() throws {
    let r = try CLI.run(["check", "--rules", "rules.yaml", "--data", "missing-column"], in: fixtures.appendingPathComponent("bad-data"))
    #expect(r.status == 2)
    #expect(r.stderr.contains("fees.csv:1:1: required column '学籍号'"))
    #expect(r.stderr.contains("'学生号'"))
  }

  @Test func missingDatasetIsAnError() throws {
    let r = try CLI.run(["check", "--rules", "rules.yaml", "--data", "no-files"], in: fixtures.appendingPathComponent("bad-data"))
    #expect(r.status == 2)
    #expect(r.stderr.contains("rules.yaml:2:3: no file under 'no-files' matches dataset 'fees'"))
  }

  @Test func badArgumentsExitTwo() throws {
    let r = try CLI.run(["check", "--format", "pdf"])
    #expect(r.status == 2)
    let s = try CLI.run(["check", "--rules", "rules.yaml", "--data", "unterminated", "--encoding", "latin9"], in: fixtures.appendingPathComponent("bad-data"))
    #expect(s.status == 2)
    #expect(s.stderr.hasPrefix("comply: error: "))
  }

  @Test func unknownRulePackExitsTwo() throws {
    let r = try CLI.run(["validate", "--rules", "does-not-exist"])
    #expect(r.status == 2)
    #expect(r.stderr == "comply: error: rule pack 'does-not-exist' does not exist\n")
  }
}
