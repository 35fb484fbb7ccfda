// End-to-end tests over the sample schools in Samples/ (written by Samples/generate): each school's
// JSON report matches its golden file, the clean school has nothing to report, every violation
// and data finding listed in a school's PLANTED.json is reported at its file and line, and the
// generator rewrites the samples byte for byte.

import Foundation
import Testing

struct SamplesTests {
  /// The school folders under Samples/; 城南小学 is the clean one.
  static let schools = ["第一小学", "第二中学", "城南小学", "博雅实验学校"]
  static let planted = ["第一小学", "第二中学", "博雅实验学校"]
  static let clean = "城南小学"
  static let today = "2026-11-27"

  /// One `comply check` per school, shared by the tests below (a debug build takes seconds per school).
  final class Runs: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [String: CLIResult] = [:]

    func result(for school: String) throws -> CLIResult {
      lock.lock()
      defer { lock.unlock() }
      if let r = results[school] { return r }
      let r = try CLI.run([
        "check", "--rules", "Rules", "--data", "Samples/\(school)", "--format", "json", "--today", SamplesTests.today,
      ])
      results[school] = r
      return r
    }
  }
  static let runs = Runs()

  func report(_ school: String) throws -> [String: Any] {
    let r = try Self.runs.result(for: school)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    return try #require(object as? [String: Any], "no JSON report for \(school): \(r.stderr)")
  }

  /// The rule files' SHA-256 in `summary.provenance` change with every edit of the pack, comments
  /// included; the golden keeps their paths only. (The data files' digests stay: they pin the samples.)
  static func normalized(_ json: String) -> String {
    let pattern = #"("path": "Rules/[^"]*",\s*"sha256": ")[0-9a-f]{64}""#
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return json }
    return regex.stringByReplacingMatches(
      in: json, range: NSRange(json.startIndex..., in: json), withTemplate: "$1…\"")
  }

  @Test(arguments: schools) func reportMatchesGolden(school: String) throws {
    let r = try Self.runs.result(for: school)
    #expect(r.status == (school == Self.clean ? 0 : 1), "exit status of \(school): \(r.stderr)")
    assertSnapshot(Self.normalized(r.stdout), named: "samples-\(school).json")
  }

  @Test func cleanSchoolHasNothingToReport() throws {
    let r = try Self.runs.result(for: Self.clean)
    #expect(r.status == 0)
    let json = try report(Self.clean)
    let violations = try #require(json["violations"] as? [[String: Any]])
    let findings = try #require(json["findings"] as? [[String: Any]])
    #expect(violations.map { "\($0["rule"] ?? "") \($0["file"] ?? "-"):\($0["line"] ?? "-")" } == [])
    #expect(findings.map { "\($0["code"] ?? "") \($0["file"] ?? "-"):\($0["line"] ?? "-")" } == [])
  }

  /// `rule file:line` (or `code file:line column`) of every entry; a line of null is `-`.
  static func located(_ entries: [[String: Any]], _ id: String, column: Bool = false) -> [String] {
    entries.map { e in
      let file = e["file"] as? String ?? "-"
      let line = (e["line"] as? Int).map(String.init) ?? "-"
      let col = column ? " " + (e["column"] as? String ?? "") : ""
      return "\(e[id] as? String ?? "") \(file):\(line)\(col)"
    }
  }

  @Test(arguments: planted) func plantedViolationsAreReported(school: String) throws {
    let url = CLI.root.appendingPathComponent("Samples/\(school)/PLANTED.json")
    let plantedJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    let plan = try #require(plantedJSON as? [String: Any])
    let json = try report(school)

    // Each planted entry must be matched by its own reported entry (the same rule may be planted
    // several times, e.g. expected groups without rows, which have no file and line).
    func unmatched(_ expected: [String], in reported: [String]) -> [String] {
      var pool = reported.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
      return expected.filter { key in
        guard let n = pool[key], n > 0 else { return true }
        pool[key] = n - 1
        return false
      }
    }
    let plantedViolations = Self.located(try #require(plan["violations"] as? [[String: Any]]), "rule")
    let reportedViolations = Self.located(try #require(json["violations"] as? [[String: Any]]), "rule")
    #expect(!plantedViolations.isEmpty)
    #expect(unmatched(plantedViolations, in: reportedViolations) == [], "planted in \(school) but not reported")

    let plantedFindings = Self.located(try #require(plan["findings"] as? [[String: Any]]), "code", column: true)
    let reportedFindings = Self.located(try #require(json["findings"] as? [[String: Any]]), "code", column: true)
    #expect(unmatched(plantedFindings, in: reportedFindings) == [], "planted in \(school) but not reported")
  }

  @Test func generatorIsDeterministic() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", CLI.root.appendingPathComponent("Samples/generate").path, "--check"]
    process.currentDirectoryURL = CLI.root
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "Samples/generate --check: \(text)")
  }
}
