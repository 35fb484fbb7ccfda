// SummaryTables: what the Markdown and HTML reports show in the same shape — violation counts
// per severity by category, department and rule, one section per rule with that rule's texts
// and violations, a violation's place, and the command line as one could retype it. Pure data:
// each report formats it in its own way.

import ComplyEngine
import ComplyRules

/// One line of a summary table: a name and its violation counts per severity.
struct SummaryRow {
  var name: String
  /// Counts in `RuleSeverity.allCases` order.
  var counts: [Int] = Array(repeating: 0, count: RuleSeverity.allCases.count)

  init(name: String) { self.name = name }

  var total: Int { counts.reduce(0, +) }

  mutating func add(_ severity: RuleSeverity) {
    if let i = RuleSeverity.allCases.firstIndex(of: severity) { counts[i] += 1 }
  }
}

/// A rule that ran, with its texts and its violations (none for a rule that passed).
struct RuleSection {
  var id: String
  var title: String
  var severity: RuleSeverity
  var category: String
  var department: String
  var basis: String
  var measure: String
  var description: String
  var violations: [Violation] = []

  init(_ rule: Rule) {
    id = rule.id
    title = rule.title
    severity = rule.severity
    category = rule.category
    department = rule.department
    basis = rule.basis
    measure = rule.measure
    description = rule.description
  }

  /// A rule known only from its violation (kept so that no violation goes unreported).
  init(_ violation: Violation) {
    id = violation.ruleID
    title = violation.title
    severity = violation.severity
    category = violation.category
    department = violation.department
    basis = ""
    measure = ""
    description = ""
  }
}

enum SummaryTables {
  /// Violations counted by `name`, the largest total first, then by name; an empty name is
  /// shown as `unnamed`.
  static func rows(_ violations: [Violation], unnamed: String, by name: (Violation) -> String) -> [SummaryRow] {
    var rows: [SummaryRow] = []
    var index: [String: Int] = [:]
    for v in violations {
      let key = name(v).isEmpty ? unnamed : name(v)
      let i = index[key] ?? rows.count
      if i == rows.count {
        index[key] = i
        rows.append(SummaryRow(name: key))
      }
      rows[i].add(v.severity)
    }
    return rows.sorted { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
  }

  static func byCategory(_ result: CheckResult, labels: Labels) -> [SummaryRow] {
    rows(result.violations, unnamed: labels.noCategory) { $0.category }
  }

  static func byDepartment(_ result: CheckResult, labels: Labels) -> [SummaryRow] {
    rows(result.violations, unnamed: labels.noDepartment) { $0.department }
  }

  /// All violations in one row, named `total`.
  static func total(_ result: CheckResult, labels: Labels) -> SummaryRow {
    var row = SummaryRow(name: labels.total)
    for v in result.violations { row.add(v.severity) }
    return row
  }

  /// Every rule that ran, by id, each with its violations.
  static func sections(_ result: CheckResult) -> [RuleSection] {
    var sections = result.rules.map { RuleSection($0.rule) }
    var index = Dictionary(sections.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    for v in result.violations {
      let i = index[v.ruleID] ?? sections.count
      if i == sections.count {
        index[v.ruleID] = i
        sections.append(RuleSection(v))
      }
      sections[i].violations.append(v)
    }
    return sections.sorted { $0.id < $1.id }
  }

  /// The rows a violation stands on: `2` for a record, `2, 3, 5` for a group; empty without rows.
  static func lines(_ v: Violation) -> String {
    let lines = v.lines.isEmpty ? (v.line.map { [$0] } ?? []) : v.lines
    return lines.map(String.init).joined(separator: ", ")
  }

  /// `file:lines`, or the no-rows label for an expected group with no rows.
  static func location(_ v: Violation, labels: Labels) -> String {
    guard let file = v.file else { return labels.noRows }
    let lines = lines(v)
    return lines.isEmpty ? file : "\(file):\(lines)"
  }

  /// `file:line` of a data finding; empty when it has no file.
  static func location(_ f: Finding) -> String {
    guard let file = f.file else { return "" }
    return f.line.map { "\(file):\($0)" } ?? file
  }

  /// `new`, `persisting` or `waived` as the report's language says it.
  static func status(_ v: Violation, labels: Labels) -> String {
    labels.status(v.status, waived: v.waived)
  }

  /// Rows read over all datasets.
  static func rowCount(_ result: CheckResult) -> Int {
    result.datasets.reduce(0) { $0 + $1.summary.rows }
  }

  /// `comply ARGS…` with each argument quoted for a POSIX shell where it needs it.
  static func commandLine(_ arguments: [String]) -> String {
    (["comply"] + arguments.map(shellQuoted)).joined(separator: " ")
  }

  static func shellQuoted(_ argument: String) -> String {
    let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy { c in
      c.value > 0x7F ? !c.properties.isWhitespace : c.properties.isAlphabetic || c.properties.numericType != nil
        || "@%+=:,./_-".unicodeScalars.contains(c)
    }
    return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
