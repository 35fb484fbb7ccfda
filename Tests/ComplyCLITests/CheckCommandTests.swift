// End-to-end tests of `comply check` on a small messy fixture: GBK and BOM+CRLF files, alias
// headers, quoted newlines, a ragged row, invalid cells, joins, aggregates, expected groups.

import Foundation
import Testing

struct CheckCommandTests {
  let basic = CLI.fixtures.appendingPathComponent("basic")

  func json(_ result: CLIResult) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    return try #require(object as? [String: Any])
  }

  @Test func jsonReportMatchesGolden() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--today", "2020-12-01"], in: basic)
    #expect(r.status == 1)
    #expect(r.stderr == "comply: skipped HW-LONG: dataset homework not provided\n")
    assertSnapshot(r.stdout, named: "basic.json")
  }

  @Test func textReportMatchesGolden() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--today", "2020-12-01"], in: basic)
    #expect(r.status == 1)
    assertSnapshot(r.stdout, named: "basic.txt")
  }

  @Test func violationsCarryRuleFileAndLine() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json"], in: basic)
    let violations = try #require(try json(r)["violations"] as? [[String: Any]])
    let located = violations.map { "\($0["rule"] ?? "") \($0["file"] as? String ?? "-"):\($0["line"] as? Int ?? 0)" }
    #expect(located == [
      "FEE-BANNED-ITEM fees.csv:2",
      "FEE-BANNED-ITEM sub/收费_二小.csv:2",
      "FEE-OVER-STANDARD fees.csv:2",
      "FEE-OVER-STANDARD fees.csv:6",
      "FEE-OVER-STANDARD fees.csv:8",
      "FEE-OVER-STANDARD sub/收费_二小.csv:2",
      "FEE-STUDENT-CAP fees.csv:2",
      "TT-MANDATED-HOURS timetable.csv:2",
      "TT-MANDATED-HOURS timetable.csv:4",
      "TT-MANDATED-HOURS -:0",
      "TT-WEEKEND timetable.csv:5",
    ])
  }

  @Test func findingsNameFileLineAndColumn() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json"], in: basic)
    let findings = try #require(try json(r)["findings"] as? [[String: Any]])
    let located = findings.map { "\($0["code"] ?? "") \($0["file"] ?? ""):\($0["line"] ?? "") \($0["column"] as? String ?? "")" }
    #expect(located.sorted() == [
      "data.invalid-value fees.csv:5 金额",
      "data.invalid-value sub/收费_二小.csv:3 年级",
      "data.malformed-row fees.csv:7 ",
    ])
  }

  @Test func personalDataIsMaskedUnlessAsked() throws {
    let masked = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json"], in: basic)
    #expect(!masked.stdout.contains("张三"))
    #expect(masked.stdout.contains("张*"))
    #expect(!masked.stdout.contains("G110101201401011234"))
    let plain = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--no-mask"], in: basic)
    #expect(plain.stdout.contains("张三"))
  }

  @Test func failOnNeverExitsZero() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--fail-on", "never", "--quiet"], in: basic)
    #expect(r.status == 0)
    #expect(r.stdout.isEmpty)
  }

  @Test func ruleGlobSelectsRules() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--rule", "TT-*"], in: basic)
    let summary = try #require(try json(r)["summary"] as? [String: Any])
    #expect(summary["rules"] as? Int == 2)
    let bad = try CLI.run(["check", "--rules", "rules", "--data", "data", "--rule", "FEE-BANED-ITEM"], in: basic)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("did you mean 'FEE-BANNED-ITEM'"))
  }

  @Test func outputIsWrittenToAFile() throws {
    let dir = try CLI.temporaryFolder("comply-out")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("report.json").path
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", out], in: basic)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    let written = try String(contentsOfFile: out, encoding: .utf8)
    #expect(written.contains("\"FEE-BANNED-ITEM\""))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.json"])
  }

  /// An output that cannot be written is an error naming it (exit 2); nothing is left behind.
  @Test func anUnwritableOutputIsAnError() throws {
    let dir = try CLI.temporaryFolder("comply-unwritable")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("missing/report.json").path
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", out], in: basic)
    #expect(r.status == 2)
    #expect(r.stderr.hasSuffix("comply: error: cannot write '\(out)': No such file or directory\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func quietStillWritesTheOutputFile() throws {
    let dir = try CLI.temporaryFolder("comply-quiet")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("report.json").path
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", out, "--quiet"], in: basic)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    #expect(try String(contentsOfFile: out, encoding: .utf8).contains("\"FEE-BANNED-ITEM\""))
  }

  /// Two threads give the report one gives (the provenance's command line aside); no thread is
  /// an argument error.
  @Test func jobsChangeNothingButTheThreads() throws {
    func report(_ jobs: String) throws -> [String: Any] {
      var doc = try json(try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--jobs", jobs], in: basic))
      var summary = try #require(doc["summary"] as? [String: Any])
      var provenance = try #require(summary["provenance"] as? [String: Any])
      provenance["command"] = nil
      summary["provenance"] = provenance
      doc["summary"] = summary
      return doc
    }
    #expect(NSDictionary(dictionary: try report("1")).isEqual(to: try report("2")))
    let none = try CLI.run(["check", "--rules", "rules", "--data", "data", "--jobs", "0"], in: basic)
    #expect(none.status == 2)
    #expect(none.stderr.contains("--jobs must be at least 1, not 0"))
  }

  @Test func missingDataFolderExitsTwo() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "nowhere"], in: basic)
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("comply: error: "))
  }
}
