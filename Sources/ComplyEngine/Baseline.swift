// Baseline: reconciling a run with an earlier JSON report (对账、核账、销账). A violation whose
// fingerprint the baseline holds is `persisting`, any other is `new`, and baseline violations
// that are gone are `resolved`. Fingerprints are matched as a multiset, so two identical
// violations in the baseline account for at most two now.

public import ComplyCore
import ComplyRules
import Foundation

public struct Baseline: Sendable {
  public var violations: [Violation]

  /// Reads a report written by `--format json`.
  public init(path: String) throws(ComplyError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ComplyError("cannot read baseline '\(path)'")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let items = object["violations"] as? [[String: Any]]
    else {
      throw ComplyError("baseline '\(path)' is not a comply JSON report (no 'violations' list)")
    }
    var out: [Violation] = []
    for (i, item) in items.enumerated() {
      guard let rule = item["rule"] as? String, let fingerprint = item["fingerprint"] as? String else {
        throw ComplyError("baseline '\(path)': violation \(i + 1) has no 'rule' or 'fingerprint'")
      }
      func pairs(_ key: String) -> [(column: String, value: String)]? {
        (item[key] as? [String: Any]).map { $0.map { ($0.key, "\($0.value)") }.sorted { $0.column < $1.column } }
      }
      out.append(
        Violation(
          ruleID: rule, severity: RuleSeverity(rawValue: item["severity"] as? String ?? "") ?? .error,
          category: item["category"] as? String ?? "", department: item["department"] as? String ?? "",
          owner: item["owner"] as? String ?? "", title: item["title"] as? String ?? "",
          message: item["message"] as? String ?? "", dataset: item["dataset"] as? String ?? "",
          file: item["file"] as? String, line: item["line"] as? Int,
          lines: item["lines"] as? [Int] ?? [], group: pairs("group"), key: pairs("key"),
          fingerprint: fingerprint, status: "resolved"))
    }
    violations = out
  }

  /// Marks `violations` new or persisting and returns the baseline ones that are gone.
  func reconcile(_ violations: inout [Violation]) -> [Violation] {
    var remaining: [String: Int] = [:]
    for v in self.violations { remaining[v.ruleID + "\u{1F}" + v.fingerprint, default: 0] += 1 }
    for i in violations.indices {
      let key = violations[i].ruleID + "\u{1F}" + violations[i].fingerprint
      if let n = remaining[key], n > 0 {
        violations[i].status = "persisting"
        remaining[key] = n - 1
      } else {
        violations[i].status = "new"
      }
    }
    var resolved: [Violation] = []
    for v in self.violations {
      let key = v.ruleID + "\u{1F}" + v.fingerprint
      if let n = remaining[key], n > 0 {
        resolved.append(v)
        remaining[key] = n - 1
      }
    }
    return resolved
  }
}
