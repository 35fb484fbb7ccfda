// TextReporter: the terminal report — violations grouped by rule with file:line, data findings,
// then a summary by severity and category. Colour only when asked (a terminal without NO_COLOR).

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum TextReporter: Reporter {
  public static let identifier = "text"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let paint = Paint(enabled: context.colour)
    var out = ""
    var index = 0
    let violations = result.violations
    while index < violations.count {
      let ruleID = violations[index].ruleID
      var end = index
      while end < violations.count, violations[end].ruleID == ruleID { end += 1 }
      let first = violations[index]
      out += paint.bold("\(ruleID)") + " " + paint.severity(first.severity) + " \(first.title) (\(end - index))\n"
      for v in violations[index..<end] {
        let place = v.file.map { "\($0):\(v.line.map(String.init) ?? "-")" } ?? "(no rows)"
        out += "  " + paint.dim(place) + "  " + v.message + (v.waived ? " [waived]" : "") + "\n"
      }
      out += "\n"
      index = end
    }
    if !result.findings.isEmpty {
      out += paint.bold("data findings") + " (\(result.findings.count))\n"
      for f in result.findings {
        let place = f.file.map { "\($0)\(f.line.map { ":\($0)" } ?? "")" } ?? ""
        out += "  " + paint.dim(place) + "  " + paint.severity(f.severity) + " \(f.code): \(f.message)\n"
      }
      out += "\n"
    }
    for skipped in result.skippedRules {
      out += "skipped \(skipped.rule): \(skipped.reason)\n"
    }
    out += summary(result, paint: paint)
    return out
  }

  static func summary(_ result: CheckResult, paint: Paint) -> String {
    let counts = RuleSeverity.allCases.map { s in "\(result.violations.filter { $0.severity == s }.count) \(s.rawValue)" }
    let rows = result.datasets.reduce(0) { $0 + $1.summary.rows }
    var out = "\(result.violations.count) violations (\(counts.joined(separator: ", "))), "
      + "\(result.findings.count) data findings; \(result.rules.count) rules over \(rows) rows\n"
    var categories: [(String, Int)] = []
    for v in result.violations {
      if let i = categories.firstIndex(where: { $0.0 == v.category }) { categories[i].1 += 1 } else {
        categories.append((v.category, 1))
      }
    }
    for (category, count) in categories.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) {
      out += "  \(count)\t\(category.isEmpty ? "(no category)" : category)\n"
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

  func severity(_ s: RuleSeverity) -> String {
    switch s {
    case .error: return wrap("error", "31")
    case .warning: return wrap("warning", "33")
    case .info: return wrap("info", "36")
    }
  }
}
