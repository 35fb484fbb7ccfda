// A throwaway folder holding a one-file rule pack and data files, checked through the library.

import ComplyCore
import ComplyEngine
import ComplyRules
import Foundation

struct Workspace {
  let root: URL

  /// Writes `rules` as rules.yaml and each `files` entry under data/.
  init(rules: String, files: [String: String]) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("comply-engine-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
    try rules.write(to: root.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
    for (name, text) in files {
      let url = root.appendingPathComponent("data").appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
  }

  /// Checks the data and removes the folder; `configure` may change the options first.
  func check(
    today: String = "2024-01-01", rule: [String] = [], configure: (inout CheckOptions) -> Void = { _ in }
  ) throws -> CheckResult {
    defer { try? FileManager.default.removeItem(at: root) }
    let day = ValueParser.parseDate(today[...]) ?? Day(ordinal: 0)
    let compiled = try RulePackLoader.load([root.appendingPathComponent("rules.yaml").path], today: day)
    var options = CheckOptions(
      dataDirectory: root.appendingPathComponent("data").path, today: day, mask: false, rulePatterns: rule)
    configure(&options)
    return try Engine.check(compiled, options: options)
  }
}

extension Violation {
  /// `RULE file:line message` for compact assertions.
  var summary: String { "\(ruleID) \(file ?? "-"):\(line.map(String.init) ?? "-") \(message)" }
}
