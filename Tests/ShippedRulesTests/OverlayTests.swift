// The example overlay (Rules/overlays/shandong) laid over the shipped pack: it loads, its
// examples pass, and it changes an outcome — a grade-1 class with 29 weekly lessons violates
// the national total (26) in the base pack and satisfies the overlay's provincial table, and a
// class with 26 lessons does the opposite.

import ComplyCore
import ComplyEngine
import ComplyRules
import Foundation
import Testing

struct OverlayTests {
  static let overlay = ShippedPack.rules.appendingPathComponent("overlays/shandong")
  static let today = Day(year: 2026, month: 11, day: 27) ?? Day(ordinal: 0)

  static func load(withOverlay: Bool) throws -> CompiledPack {
    var paths = [ShippedPack.rules.path]
    if withOverlay { paths.append(overlay.path) }
    return try RulePackLoader.load(paths, today: today)
  }

  /// A long-form timetable: one class of grade 1 with `lessons` lessons a week.
  static func timetable(className: String, lessons: Int) -> String {
    let subjects = Array(repeating: "语文", count: 8) + Array(repeating: "数学", count: 5)
      + Array(repeating: "道德与法治", count: 2) + Array(repeating: "体育与健康", count: 4)
      + ["音乐", "音乐", "美术", "美术", "科学", "劳动", "综合实践活动", "书法", "书法", "书法"]
    var rows: [String] = []
    for i in 0..<lessons {
      rows.append("2026-2027学年第一学期,一年级,\(className),星期\(["一", "二", "三", "四", "五"][i / 6]),第\(i % 6 + 1)节,\(subjects[i])")
    }
    rows.append("2026-2027学年第一学期,一年级,\(className),星期一,早读,早读")
    return rows.joined(separator: "\n")
  }

  /// Runs CURR-WEEKLY-TOTAL over a temporary data folder and returns the classes it flags.
  static func flaggedClasses(withOverlay: Bool) throws -> [String] {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("comply-overlay-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let csv = "学年学期,年级,班级,星期,节次,课程\n"
      + timetable(className: "一（1）班", lessons: 26) + "\n"
      + timetable(className: "一（2）班", lessons: 29) + "\n"
    try csv.write(to: root.appendingPathComponent("课程表.csv"), atomically: true, encoding: .utf8)
    let pack = try load(withOverlay: withOverlay)
    let result = try Engine.check(
      pack,
      options: CheckOptions(dataDirectory: root.path, today: today, mask: false, rulePatterns: ["CURR-WEEKLY-TOTAL"]))
    return result.violations.map { $0.group?.first { $0.column == "班级" }?.value ?? "?" }.sorted()
  }

  @Test func overlayLoadsAndReplacesTheCurriculumTable() throws {
    let base = try Self.load(withOverlay: false)
    let layered = try Self.load(withOverlay: true)
    #expect(layered.rules.count == base.rules.count)
    guard case .packFile(let baseFile, _) = base.pack.datasets["curriculum"]?.source,
      case .packFile(let overlayFile, _) = layered.pack.datasets["curriculum"]?.source
    else {
      Issue.record("curriculum is not a pack table")
      return
    }
    #expect(baseFile.hasSuffix("Rules/reference/curriculum.csv"))
    #expect(overlayFile.hasSuffix("Rules/overlays/shandong/reference/curriculum.csv"))
    let rule = try #require(layered.rules.first { $0.rule.id == "CURR-WEEKLY-TOTAL" })
    #expect(rule.rule.severity == .warning)
    #expect(rule.rule.basis.contains("省级规定"))
  }

  @Test func overlayExamplesPass() throws {
    let pack = try Self.load(withOverlay: true)
    for outcome in ExampleRunner.run(pack.rules, pack: pack.pack) where !outcome.passed {
      Issue.record("\(outcome.ruleID) example \(outcome.index) at \(outcome.location): \(outcome.detail)")
    }
  }

  @Test func overlayChangesTheOutcome() throws {
    #expect(try Self.flaggedClasses(withOverlay: false) == ["一（2）班"])
    #expect(try Self.flaggedClasses(withOverlay: true) == ["一（1）班"])
  }
}
