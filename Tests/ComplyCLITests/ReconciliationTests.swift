// Reconciling runs (对账、核账、销账): fingerprints stable when lines move, baselines marking
// violations new or persisting and listing resolved ones, waivers and their expiry, the CSV
// ledger, and several reports from one run.

import Foundation
import Testing

struct ReconciliationTests {
  let basic = CLI.fixtures.appendingPathComponent("basic")

  func violations(_ json: String) throws -> [[String: Any]] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try #require(object["violations"] as? [[String: Any]])
  }

  /// A copy of the basic data with fees.csv's rows shuffled down by a new first row, and the
  /// 补课费 row (line 2) removed.
  func movedData(in dir: URL) throws -> URL {
    let data = dir.appendingPathComponent("data")
    try FileManager.default.copyItem(at: basic.appendingPathComponent("data"), to: data)
    let fees = data.appendingPathComponent("fees.csv")
    var lines = try String(contentsOf: fees, encoding: .utf8).components(separatedBy: "\r\n")
    lines.remove(at: 1)
    lines.insert("一小,G110101201401011200,新生,1,书本费,20,2020-09-01,王会计,", at: 1)
    lines.insert("一小,G110101201401011201,新生二,1,书本费,20,2020-09-01,王会计,", at: 1)
    try lines.joined(separator: "\r\n").write(to: fees, atomically: true, encoding: .utf8)
    return data
  }

  @Test func baselineMarksPersistingAndResolved() throws {
    let dir = try CLI.temporaryFolder("comply-reconcile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let baseline = dir.appendingPathComponent("baseline.json").path
    let first = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", baseline], in: basic)
    #expect(first.status == 1)
    let data = try movedData(in: dir)
    let second = try CLI.run(
      ["check", "--rules", "rules", "--data", data.path, "--format", "json", "--baseline", baseline], in: basic)
    let now = try violations(second.stdout)
    let before = try violations(try String(contentsOfFile: baseline, encoding: .utf8))
    // The 1400-yuan lunch charge moved from line 8 to line 9 and kept its fingerprint.
    let moved = try #require(now.first { $0["rule"] as? String == "FEE-OVER-STANDARD" && $0["line"] as? Int == 9 })
    let old = try #require(before.first { $0["rule"] as? String == "FEE-OVER-STANDARD" && $0["line"] as? Int == 8 })
    #expect(moved["fingerprint"] as? String == old["fingerprint"] as? String)
    #expect(moved["status"] as? String == "persisting")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
    let resolved = try #require(object["resolved"] as? [[String: Any]])
    // The 补课费 row is gone: its two violations and the student's over-cap total are resolved.
    #expect(Set(resolved.compactMap { $0["rule"] as? String }) == ["FEE-BANNED-ITEM", "FEE-OVER-STANDARD", "FEE-STUDENT-CAP"])
    #expect(resolved.allSatisfy { $0["status"] as? String == "resolved" })
    // Only the two new 书本费 rows are new.
    let new = now.filter { $0["status"] as? String == "new" }.map { "\($0["rule"] ?? "") \($0["line"] ?? "")" }
    #expect(new == ["FEE-OVER-STANDARD 2", "FEE-OVER-STANDARD 3"])
  }

  @Test func unchangedDataAgainstItsOwnBaselineExitsZeroExceptFindings() throws {
    let dir = try CLI.temporaryFolder("comply-reconcile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let baseline = dir.appendingPathComponent("b.json").path
    _ = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", baseline], in: basic)
    let again = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--baseline", baseline], in: basic)
    #expect(try violations(again.stdout).allSatisfy { $0["status"] as? String == "persisting" })
    // The malformed row is a data finding at error level, which a baseline does not cover.
    #expect(again.status == 1)
    let lenient = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--baseline", baseline, "--rule", "TT-*", "--quiet"], in: basic)
    #expect(lenient.status == 0)
  }

  @Test func waiversWaiveAndExpiredOnesAreFindings() throws {
    let r = try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--format", "json", "--waivers", "waivers/waivers.yaml", "--today", "2020-12-01"],
      in: basic)
    let all = try violations(r.stdout)
    let waived = all.filter { $0["waived"] as? Bool == true }.map { "\($0["rule"] ?? "") \($0["line"] ?? "")" }
    #expect(waived.sorted() == ["FEE-OVER-STANDARD 8", "TT-WEEKEND 5"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let findings = try #require(object["findings"] as? [[String: Any]])
    let expired = try #require(findings.first { $0["code"] as? String == "waiver.expired" })
    #expect(expired["file"] as? String == "waivers/waivers.yaml")
    #expect(expired["line"] as? Int == 11)
  }

  @Test func waiverForAnUnknownRuleIsAnError() throws {
    let dir = try CLI.temporaryFolder("comply-reconcile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("w.yaml")
    try "- rule: TT-WEEKND\n  reason: x\n  approved_by: y\n".write(to: file, atomically: true, encoding: .utf8)
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--waivers", file.path], in: basic)
    #expect(r.status == 2)
    #expect(r.stderr.contains("w.yaml:1:9: waiver names no rule of the pack: 'TT-WEEKND'; did you mean 'TT-WEEKEND'?"))
  }

  @Test func ledgerIsExcelSafeCSV() throws {
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "csv", "--today", "2020-12-01"], in: basic)
    #expect(r.stdout.hasPrefix("\u{FEFF}序号,整治问题,具体内容,规则,严重程度,责任部门,责任人,依据,工作措施,文件,行号,状态\r\n"))
    let rows = r.stdout.split(separator: "\r\n" as Character)
    #expect(rows.count == 12)
    #expect(rows.dropFirst().first?.hasPrefix("1,在职教师有偿补课、有偿推销教辅材料,张* 于 2020-09-03 被收取 补课费 200 元,FEE-BANNED-ITEM ") == true)
    assertSnapshot(r.stdout, named: "basic.csv")
  }

  @Test func severalReportsFromOneRun() throws {
    let dir = try CLI.temporaryFolder("comply-reconcile")
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = dir.appendingPathComponent("r.json").path
    let csv = dir.appendingPathComponent("r.csv").path
    let r = try CLI.run(["check", "--rules", "rules", "--data", "data", "--report", "json=\(json)", "--report", "csv=\(csv)"], in: basic)
    #expect(r.status == 1)
    #expect(r.stdout.contains("FEE-BANNED-ITEM"))
    #expect(try violations(try String(contentsOfFile: json, encoding: .utf8)).count == 11)
    let ledger = try #require(FileManager.default.contents(atPath: csv))
    #expect(ledger.starts(with: [0xEF, 0xBB, 0xBF] + Array("序号".utf8)))
    let bad = try CLI.run(["check", "--rules", "rules", "--data", "data", "--report", "pdf=x.pdf"], in: basic)
    #expect(bad.status == 2)
  }

  @Test func languageFollowsLangUnlessGiven() throws {
    let zh = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "csv"], in: basic, environment: ["LANG": "zh_CN.UTF-8"])
    #expect(zh.stdout.contains(",错误,"))
    let en = try CLI.run(["check", "--rules", "rules", "--data", "data"], in: basic, environment: ["LANG": "C"])
    #expect(en.stdout.contains("violations"))
    let forced = try CLI.run(["check", "--rules", "rules", "--data", "data", "--lang", "zh"], in: basic, environment: ["LANG": "C"])
    #expect(forced.stdout.contains("错误"))
  }
}
