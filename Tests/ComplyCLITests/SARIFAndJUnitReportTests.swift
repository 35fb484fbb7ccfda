// SARIFAndJUnitReportTests: the `sarif` and `junit` formats end to end — goldens on the basic
// fixture; the SARIF log validated against the official 2.1.0 schema and the JUnit report read
// back by junitparser (Python scripts in Fixtures/support; CI needs `pip install jsonschema
// junitparser`); hostile names and texts; waivers and baselines; and the exact command lines
// that the recipes in docs/CI.md run.

import Foundation
import Testing

struct SARIFAndJUnitReportTests {
  let basic = CLI.fixtures.appendingPathComponent("basic")
  /// The official SARIF 2.1.0 schema, in the `shared` folder beside the repository.
  static let schema = CLI.root.deletingLastPathComponent()
    .appendingPathComponent("shared/conformance/sarif/sarif-schema-2.1.0.json")
  static let support = CLI.fixtures.appendingPathComponent("support")
  /// English labels whatever the machine's locale, so that the goldens hold everywhere.
  let english = ["LANG": "C.UTF-8"]

  // MARK: SARIF

  @Test func sarifReportMatchesGoldenAndSchema() throws {
    let r = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--today", "2020-12-01", "--format", "sarif"], in: basic,
      environment: english)
    #expect(r.status == 1)
    #expect(r.stderr == "comply: skipped HW-LONG: dataset homework not provided\n")
    assertSnapshot(r.stdout, named: "basic.sarif")
    let validation = try validate(r.stdout)
    #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
  }

  @Test func brokenSARIFFailsValidation() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "sarif"], in: basic)
    // The same log re-serialised passes, so each failure below is the change's doing.
    #expect(try validate(try changingFirstResult(r.stdout) { _ in }).status == 0)

    let badLevel = try validate(try changingFirstResult(r.stdout) { $0["level"] = "fatal" })
    #expect(badLevel.status == 1)
    #expect(badLevel.stdout.contains("schema: /runs/0/results/0/level: 'fatal' is not one of"))

    let noMessage = try validate(try changingFirstResult(r.stdout) { $0["message"] = nil })
    #expect(noMessage.status == 1)
    #expect(noMessage.stdout.contains("'message' is a required property"))

    let wrongIndex = try validate(try changingFirstResult(r.stdout) { $0["ruleIndex"] = 1 })
    #expect(wrongIndex.status == 1)
    #expect(wrongIndex.stdout.contains("ruleIndex 1 names 'FEE-OVER-STANDARD', not 'FEE-BANNED-ITEM'"))
  }

  @Test func sarifLocatesViolationsFindingsAndRules() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "sarif"], in: basic)
    let run = try firstRun(r.stdout)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let rules = try #require(driver["rules"] as? [[String: Any]])
    #expect(rules.map { $0["id"] as? String ?? "" } == [
      "FEE-BANNED-ITEM", "FEE-OVER-STANDARD", "FEE-STUDENT-CAP", "TT-MANDATED-HOURS", "TT-WEEKEND",
      "data.invalid-value", "data.malformed-row",
    ])
    #expect(rules.map { ($0["defaultConfiguration"] as? [String: Any])?["level"] as? String ?? "" } == [
      "error", "warning", "error", "error", "error", "warning", "error",
    ])
    let banned = rules[0]
    #expect(banned["name"] as? String == "FeeBannedItem")
    #expect((banned["help"] as? [String: Any])?["text"] as? String
      == "basis: 《严禁中小学校和在职中小学教师有偿补课的规定》(教育部, 2015)\nmeasure: 全额退还")
    #expect((banned["properties"] as? [String: Any])?["department"] as? String == "教务处")

    let results = try #require(run["results"] as? [[String: Any]])
    let located = results.map { result -> String in
      let physical = ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]) ?? [:]
      let artifact = physical["artifactLocation"] as? [String: Any] ?? [:]
      let line = (physical["region"] as? [String: Any])?["startLine"] as? Int ?? 0
      return "\(result["ruleId"] ?? "") \(artifact["uriBaseId"] ?? ""):\(artifact["uri"] ?? ""):\(line)"
    }
    #expect(located == [
      "FEE-BANNED-ITEM DATA:fees.csv:2",
      "FEE-BANNED-ITEM DATA:sub/收费_二小.csv:2",
      "FEE-OVER-STANDARD DATA:fees.csv:2",
      "FEE-OVER-STANDARD DATA:fees.csv:6",
      "FEE-OVER-STANDARD DATA:fees.csv:8",
      "FEE-OVER-STANDARD DATA:sub/收费_二小.csv:2",
      "FEE-STUDENT-CAP DATA:fees.csv:2",
      "TT-MANDATED-HOURS DATA:timetable.csv:2",
      "TT-MANDATED-HOURS DATA:timetable.csv:4",
      // The expected group with no rows points at the rule that expects it.
      "TT-MANDATED-HOURS %SRCROOT%:rules/timetable.yaml:2",
      "TT-WEEKEND DATA:timetable.csv:5",
      "data.invalid-value DATA:fees.csv:5",
      "data.malformed-row DATA:fees.csv:7",
      "data.invalid-value DATA:sub/收费_二小.csv:3",
    ])
    let bases = try #require(run["originalUriBaseIds"] as? [String: Any])
    #expect((bases["DATA"] as? [String: Any])?["uri"] as? String == "data/")
    #expect((bases["DATA"] as? [String: Any])?["uriBaseId"] as? String == "%SRCROOT%")

    // The fingerprints are the JSON report's, so alerts and the ledger track the same records.
    let json = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json"], in: basic)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let violations = try #require(report["violations"] as? [[String: Any]])
    let fingerprints = results.compactMap { ($0["partialFingerprints"] as? [String: String])?["complyFingerprint/v1"] }
    #expect(fingerprints == violations.map { $0["fingerprint"] as? String ?? "" })
    #expect(results.prefix(violations.count).allSatisfy { $0["baselineState"] as? String == "new" })

    let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
    #expect(invocation["executionSuccessful"] as? Bool == true)
    #expect(invocation["commandLine"] as? String == "comply check --rules rules --data data --format sarif")
    let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
    #expect((notes.first?["message"] as? [String: Any])?["text"] as? String
      == "skipped HW-LONG: dataset homework not provided")
  }

  // MARK: JUnit

  @Test func junitReportMatchesGoldenAndParses() throws {
    let r = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--today", "2020-12-01", "--format", "junit"], in: basic,
      environment: english)
    #expect(r.status == 1)
    assertSnapshot(r.stdout, named: "basic.junit.xml")
    let report = try parseJUnit(r.stdout)
    #expect(report.declared == report.counted)
    #expect(report.counted == ["tests": 8, "failures": 7, "errors": 0, "skipped": 1])
    #expect(report.suites.map(\.name) == ["comply", "comply.data"])
    #expect(report.suites[0].counted == ["tests": 6, "failures": 5, "errors": 0, "skipped": 1])
    let banned = try #require(report.cases.first { $0["name"] as? String == "FEE-BANNED-ITEM 收取补课费等禁止收费项目" })
    #expect(banned["classname"] as? String == "在职教师有偿补课、有偿推销教辅材料")
    #expect(banned["outcome"] as? String == "failure")
    #expect(banned["type"] as? String == "error")
    #expect(banned["message"] as? String == "2 violations")
    #expect(banned["text"] as? String
      == "fees.csv:2 张* 于 2020-09-03 被收取 补课费 200 元\nsub/收费_二小.csv:2 孙* 于 2020-10-01 被收取 培优费 300 元")
    let skipped = try #require(report.cases.first { $0["name"] as? String == "HW-LONG" })
    #expect(skipped["outcome"] as? String == "skipped")
    #expect(skipped["message"] as? String == "dataset homework not provided")
    let malformed = try #require(report.cases.first { $0["name"] as? String == "data.malformed-row" })
    #expect(malformed["text"] as? String == "fees.csv:7 record has 8 fields but the header has 9; the row was skipped")
  }

  // MARK: Hostile input, waivers, baselines

  @Test func hostileNamesAndTextsSurviveBothFormats() throws {
    let dir = try hostileFixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let arguments = ["check", "--rules", "rules", "--data", "data", "--waivers", "waivers.yaml", "--today", "2020-12-01"]

    let junit = try CLI.run(arguments + ["--format", "junit"], in: dir, environment: english)
    #expect(junit.status == 1)
    let report = try parseJUnit(junit.stdout)
    #expect(report.counted == ["tests": 2, "failures": 1, "errors": 0, "skipped": 0])
    let named = try #require(report.cases.first)
    #expect(named["name"] as? String == #"ITEM-NAME 名称 <b> & "引号" 'x'"#)
    #expect(named["classname"] as? String == "A&B <类>")
    // U+0001 cannot be written in XML 1.0 and is dropped; the tab survives.
    #expect(named["text"] as? String == "a b#1/清单 1:x.csv:2 <b>&\"x\"'y'</b>ctl\tz\na b#1/清单 1:x.csv:3 plain")
    let waived = try #require(report.cases.last)
    #expect(waived["outcome"] as? String == "passed")
    #expect(waived["system_out"] as? String == "a b#1/清单 1:x.csv:3 N2 金额 2000 [waived]")

    let sarif = try CLI.run(arguments + ["--format", "sarif"], in: dir, environment: english)
    let validation = try validate(sarif.stdout)
    #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    let run = try firstRun(sarif.stdout)
    let results = try #require(run["results"] as? [[String: Any]])
    let artifact = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?[
      "artifactLocation"] as? [String: Any]
    #expect(artifact?["uri"] as? String == "a%20b%231/清单%201%3Ax.csv")
    #expect((results.first?["message"] as? [String: Any])?["text"] as? String == "<b>&\"x\"'y'</b>\u{1}ctl\tz")
    let suppressions = try #require(results.last?["suppressions"] as? [[String: Any]])
    #expect(suppressions.count == 1)
    #expect(suppressions.first?["kind"] as? String == "external")
    #expect(suppressions.first?["status"] as? String == "accepted")
    #expect(suppressions.first?["justification"] as? String == "waived by an approved entry of waivers.yaml")
    #expect(results.dropLast().allSatisfy { $0["suppressions"] == nil })
    let rules = try #require((run["tool"] as? [String: Any]).flatMap { $0["driver"] as? [String: Any] }?["rules"]
      as? [[String: Any]])
    #expect((rules.first?["help"] as? [String: Any])?["markdown"] as? String
      == "**basis**: 《规定》\\<第1条\\> \\& \\*要求\\* \\[链接\\](http://x)\n\n**measure**: 整改")
  }

  @Test func baselineStatesCarryIntoBothFormats() throws {
    let dir = try hostileFixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", "baseline.json"], in: dir)
    #expect(first.status == 1)
    // N1 is fixed, N2 stays, N4 is new.
    try "编号,名称,金额\nN2,plain,2000\nN4,four,20\n".write(
      to: dir.appendingPathComponent("data/a b#1/清单 1:x.csv"), atomically: true, encoding: .utf8)
    let arguments = ["check", "--rules", "rules", "--data", "data", "--baseline", "baseline.json"]

    let sarif = try CLI.run(arguments + ["--format", "sarif"], in: dir, environment: english)
    #expect(try validate(sarif.stdout).status == 0)
    let results = try #require(try firstRun(sarif.stdout)["results"] as? [[String: Any]])
    let states = results.map { "\($0["ruleId"] ?? "") \($0["baselineState"] ?? "")" }
    #expect(states == ["ITEM-NAME unchanged", "ITEM-NAME new", "ITEM-WAIVED unchanged", "ITEM-NAME absent"])

    let junit = try parseJUnit(try CLI.run(arguments + ["--format", "junit"], in: dir, environment: english).stdout)
    #expect(junit.cases.first?["text"] as? String == "a b#1/清单 1:x.csv:2 plain [persisting]\na b#1/清单 1:x.csv:3 four")
  }

  // MARK: The recipes of docs/CI.md

  /// docs/CI.md's GitHub Actions job runs exactly these arguments.
  @Test func gitHubActionsRecipeWritesValidSARIF() throws {
    let arguments = [
      "check", "--rules", "rules", "--data", "data", "--format", "sarif", "--output", "comply.sarif", "--fail-on", "never",
    ]
    try expectDocumented(arguments)
    let dir = try copyOfBasic()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLI.run(arguments, in: dir)
    #expect(r.status == 0)
    #expect(r.stdout.isEmpty)
    let log = try String(contentsOf: dir.appendingPathComponent("comply.sarif"), encoding: .utf8)
    let validation = try validate(log)
    #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
    #expect((try firstRun(log)["results"] as? [Any])?.count == 14)
  }

  /// docs/CI.md's GitLab CI job runs exactly these arguments.
  @Test func gitLabCIRecipeWritesJUnit() throws {
    let arguments = ["check", "--rules", "rules", "--data", "data", "--format", "junit", "--output", "comply-junit.xml"]
    try expectDocumented(arguments)
    let dir = try copyOfBasic()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLI.run(arguments, in: dir)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    let report = try parseJUnit(try String(contentsOf: dir.appendingPathComponent("comply-junit.xml"), encoding: .utf8))
    #expect(report.declared == report.counted)
    #expect(report.counted == ["tests": 8, "failures": 7, "errors": 0, "skipped": 1])
  }

  // MARK: Helpers

  /// What parse_junit.py understood.
  struct JUnitReport {
    struct SuiteCounts {
      var name: String
      var counted: [String: Int]
    }

    var declared: [String: Int]
    var counted: [String: Int]
    var suites: [SuiteCounts]
    /// Every test case, suite after suite.
    var cases: [[String: Any]]
  }

  func parseJUnit(_ xml: String) throws -> JUnitReport {
    let file = try temporaryFile(xml, named: "report.xml")
    defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
    let r = try python("parse_junit.py", [file.path])
    try #require(r.status == 0, "parse_junit.py failed: \(r.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let suites = try #require(object["suites"] as? [[String: Any]])
    return JUnitReport(
      declared: object["declared"] as? [String: Int] ?? [:], counted: object["counted"] as? [String: Int] ?? [:],
      suites: suites.map { JUnitReport.SuiteCounts(name: $0["name"] as? String ?? "", counted: $0["counted"] as? [String: Int] ?? [:]) },
      cases: suites.flatMap { $0["cases"] as? [[String: Any]] ?? [] })
  }

  /// Runs validate_sarif.py on `log`: status 0 when valid, 1 with the problems on stdout.
  func validate(_ log: String) throws -> CLIResult {
    let file = try temporaryFile(log, named: "log.sarif")
    defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
    let r = try python("validate_sarif.py", [Self.schema.path, file.path])
    try #require(r.status != 2, "validate_sarif.py could not run: \(r.stderr)")
    return r
  }

  func python(_ script: String, _ arguments: [String]) throws -> CLIResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Self.support.appendingPathComponent(script).path] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["PYTHONIOENCODING"] = "utf-8"
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  func firstRun(_ log: String) throws -> [String: Any] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any])
    return try #require((object["runs"] as? [[String: Any]])?.first)
  }

  /// `log` re-serialised with its first result changed by `change`.
  func changingFirstResult(_ log: String, _ change: (inout [String: Any]) -> Void) throws -> String {
    var object = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any])
    var runs = try #require(object["runs"] as? [[String: Any]])
    var results = try #require(runs.first?["results"] as? [[String: Any]])
    try #require(!results.isEmpty)
    change(&results[0])
    runs[0]["results"] = results
    object["runs"] = runs
    return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
  }

  func expectDocumented(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let doc = try String(contentsOf: CLI.root.appendingPathComponent("docs/CI.md"), encoding: .utf8)
    let command = (["comply"] + arguments).joined(separator: " ")
    #expect(doc.contains(command), "docs/CI.md does not run '\(command)'", sourceLocation: sourceLocation)
  }

  func temporaryFile(_ text: String, named name: String) throws -> URL {
    let file = try CLI.temporaryFolder("comply-sarif-junit").appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  /// The basic fixture copied to a temporary folder, for runs that write files beside it.
  func copyOfBasic() throws -> URL {
    let dir = try CLI.temporaryFolder("comply-sarif-junit")
    for item in ["rules", "data"] {
      try FileManager.default.copyItem(at: basic.appendingPathComponent(item), to: dir.appendingPathComponent(item))
    }
    return dir
  }

  /// A pack and data full of markup characters, a control character, a folder and file name
  /// with a space, `#` and `:`, and a waiver: every violation of ITEM-WAIVED is waived.
  func hostileFixture() throws -> URL {
    let dir = try CLI.temporaryFolder("comply-sarif-junit")
    let fm = FileManager.default
    try fm.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
    try fm.createDirectory(at: dir.appendingPathComponent("data/a b#1"), withIntermediateDirectories: true)
    try #"""
      datasets:
        items:
          files: ["**/*.csv"]
          key: [编号]
          columns: {编号: string, 名称: string, 金额: decimal}
      rules:
        - id: ITEM-NAME
          title: "名称 <b> & \"引号\" 'x'"
          category: "A&B <类>"
          department: 总务处
          basis: "《规定》<第1条> & *要求* [链接](http://x)"
          measure: 整改
          dataset: items
          forbid: 金额 > 10
          message: "{名称}"
        - id: ITEM-WAIVED
          title: 金额过大
          category: 收费
          dataset: items
          forbid: 金额 > 1000
          message: "{编号} 金额 {金额}"

      """#.write(to: dir.appendingPathComponent("rules/pack.yaml"), atomically: true, encoding: .utf8)
    try "- rule: ITEM-WAIVED\n  reason: 已审批\n  approved_by: 校长\n".write(
      to: dir.appendingPathComponent("waivers.yaml"), atomically: true, encoding: .utf8)
    try "编号,名称,金额\nN1,\"<b>&\"\"x\"\"'y'</b>\u{1}ctl\tz\",50\nN2,plain,2000\nN3,ok,5\n".write(
      to: dir.appendingPathComponent("data/a b#1/清单 1:x.csv"), atomically: true, encoding: .utf8)
    return dir
  }
}
