// TextReporter: the terminal report — violations grouped by rule with file:line, data findings,
// then a summary by severity and category. Colour only when asked (a terminal without NO_COLOR).

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum TextReporter: Reporter {
  public static let identifier = "text"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let paint = Paint(enabled: context.colour)
    let labels = context.labels
    var out = ""
    var index = 0
    let violations = result.violations
    while index < violations.count {
      let ruleID = violations[index].ruleID
      var end = index
      while end < violations.count, violations[end].ruleID == ruleID { end += 1 }
      let first = violations[index]
      out += paint.bold("\(ruleID)") + " " + paint.severity(first.severity, labels) + " \(first.title) (\(end - index))\n"
      for v in violations[index..<end] {
        let place = v.file.map { "\($0):\(v.line.map(String.init) ?? "-")" } ?? labels.noRows
        let status = v.waived || v.status != "new" ? " [\(labels.status(v.status, waived: v.waived))]" : ""
        out += "  " + paint.dim(place) + "  " + v.message + status + "\n"
      }
      out += "\n"
      index = end
    }
    if !result.resolved.isEmpty {
      out += paint.bold(labels.resolved) + " (\(result.resolved.count))\n"
      for v in result.resolved {
        let place = v.file.map { "\($0):\(v.line.map(String.init) ?? "-")" } ?? labels.noRows
        out += "  " + paint.dim(place) + "  \(v.ruleID) " + v.message + "\n"
      }
      out += "\n"
    }
    if !result.findings.isEmpty {
      out += paint.bold(labels.findings) + " (\(result.findings.count))\n"
      for f in result.findings {
        let place = f.file.map { "\($0)\(f.line.map { ":\($0)" } ?? "")" } ?? ""
        out += "  " + paint.dim(place) + "  " + paint.severity(f.severity, labels) + " \(f.code): \(f.message)\n"
      }
      out += "\n"
    }
    for skipped in result.skippedRules {
      out += "\(labels.skipped) \(skipped.rule): \(skipped.reason)\n"
    }
    out += summary(result, labels: labels)
    return out
  }

  static func summary(_ result: CheckResult, labels: Labels) -> String {
    let counts = RuleSeverity.allCases.map { s in
      "\(result.violations.filter { $0.severity == s }.count) \(labels.severity(s))"
    }
    let rows = result.datasets.reduce(0) { $0 + $1.summary.rows }
    var out = "\(result.violations.count) \(labels.violations) (\(counts.joined(separator: ", "))), "
      + "\(result.findings.count) \(labels.findings); \(result.rules.count) \(labels.rules), \(rows) \(labels.rows)\n"
    var categories: [(String, Int)] = []
    for v in result.violations {
      if let i = categories.firstIndex(where: { $0.0 == v.category }) { categories[i].1 += 1 } else {
        categories.append((v.category, 1))
      }
    }
    for (category, count) in categories.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) {
      out += "  \(count)\t\(category.isEmpty ? labels.noCategory : category)\n"
    }
    return out
  }
}

/// ANSI styling that is a no-op when colour is off.
struct Paint {
  let enabled: Bool

  func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
  func bold(_ s: String) -> String { wrap(s, "1") }
  func dim(_ s: String) -> String { wrap(s, "2") }

  func severity(_ s: RuleSeverity, _ labels: Labels) -> String {
    switch s {
    case .error: return wrap(labels.severity(s), "31")
    case .warning: return wrap(labels.severity(s), "33")
    case .info: return wrap(labels.severity(s), "36")
    }
  }
}
