// `comply test`, `list`, `explain`, `--category` and overlays on the basic fixture: the
// commands of SPEC §3 other than `check`'s reports.

import Foundation
import Testing

struct PackCommandsTests {
  let basic = CLI.fixtures.appendingPathComponent("basic")

  @Test func testRunsEveryExampleAndEndsWithTheCount() throws {
    let r = try CLI.run(["test", "--rules", "rules"], in: basic)
    #expect(r.status == 0)
    #expect(r.stdout == "11 passed, 0 failed\n")
  }

  @Test func failingExamplesAreNamedAndExitOne() throws {
    let dir = try CLI.temporaryFolder("comply-test")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("r.yaml")
    try """
      datasets:
        t: {files: ["t.csv"], columns: {n: integer}}
      rules:
        - id: N-SMALL
          dataset: t
          require: n < 10
          examples:
            - row: {n: 5}
              violates: true
            - row: {n: 50}
              violates: true
      """.write(to: file, atomically: true, encoding: .utf8)
    let r = try CLI.run(["test", "--rules", file.path])
    #expect(r.status == 1)
    #expect(r.stdout.contains("FAIL N-SMALL example 1 ("))
    #expect(r.stdout.hasSuffix("1 passed, 1 failed\n"))
  }

  @Test func listShowsEveryRuleInEachFormat() throws {
    let text = try CLI.run(["list", "--rules", "rules"], in: basic)
    #expect(text.stdout.split(separator: "\n").count == 6)
    #expect(text.stdout.hasPrefix("FEE-BANNED-ITEM    error    在职教师有偿补课、有偿推销教辅材料  fees       收取补课费等禁止收费项目\n"))
    let markdown = try CLI.run(["list", "--rules", "rules", "--format", "markdown"], in: basic)
    #expect(markdown.stdout.hasPrefix("| id | severity | category | dataset | title | basis |\n| --- |"))
    let json = try CLI.run(["list", "--rules", "rules", "--format", "json"], in: basic)
    let rules = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(rules.compactMap { $0["id"] as? String } == [
      "FEE-BANNED-ITEM", "FEE-OVER-STANDARD", "FEE-STUDENT-CAP", "TT-MANDATED-HOURS", "TT-WEEKEND", "HW-LONG",
    ])
  }

  @Test func explainShowsTheRuleInFull() throws {
    let r = try CLI.run(["explain", "FEE-BANNED-ITEM", "--rules", "rules"], in: basic)
    #expect(r.status == 0)
    #expect(r.stdout.contains("forbid: 收费项目 in $禁收项目\n"))
    #expect(r.stdout.contains("basis: 《严禁中小学校和在职中小学教师有偿补课的规定》(教育部, 2015)\n"))
    #expect(r.stdout.contains("  - row {收费项目: 补课费, 金额: 200} → violates\n"))
    let unknown = try CLI.run(["explain", "FEE-BANED-ITEM", "--rules", "rules"], in: basic)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("did you mean 'FEE-BANNED-ITEM'"))
  }

  @Test func categorySelectsRules() throws {
    let r = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--format", "json", "--category", "在职教师有偿补课、有偿推销教辅材料"],
      in: basic)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let violations = try #require(report["violations"] as? [[String: Any]])
    #expect(Set(violations.compactMap { $0["rule"] as? String }) == ["FEE-BANNED-ITEM"])
    let bad = try CLI.run(["check", "--rules", "rules", "--data", "data", "--category", "不存在"], in: basic)
    #expect(bad.status == 2)
  }

  @Test func overlayReplacesListsAndSwitchesRulesOff() throws {
    let dir = try CLI.temporaryFolder("comply-overlay")
    defer { try? FileManager.default.removeItem(at: dir) }
    try """
      lists:
        禁收项目: [培优费]
      rules:
        - id: FEE-OVER-STANDARD
          enabled: false
      """.write(to: dir.appendingPathComponent("overlay.yaml"), atomically: true, encoding: .utf8)
    let r = try CLI.run(
      ["check", "--rules", "rules", "--rules", dir.path, "--data", "data", "--format", "json"], in: basic)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let violations = try #require(report["violations"] as? [[String: Any]])
    let located = violations.filter { ($0["rule"] as? String)?.hasPrefix("FEE-") == true }
      .map { "\($0["rule"] ?? "") \($0["file"] ?? ""):\($0["line"] ?? "")" }
    // 补课费 is no longer banned, 培优费 still is, and FEE-OVER-STANDARD is off.
    #expect(located == ["FEE-BANNED-ITEM sub/收费_二小.csv:2", "FEE-STUDENT-CAP fees.csv:2"])
  }
}
