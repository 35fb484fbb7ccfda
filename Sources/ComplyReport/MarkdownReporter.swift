// MarkdownReporter: the report as GitHub-flavoured Markdown, for a wiki, an issue or a mail —
// title, totals, summary tables by category, department and rule, one section per violated
// rule (its texts, then file | line | message | owner | status), resolved violations, data
// findings, skipped rules and the provenance footer. Every piece of user text goes through
// MarkdownEscaping, so a cell cannot break its table or smuggle in HTML.

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum MarkdownReporter: Reporter {
  public static let identifier = "markdown"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let labels = context.labels
    var blocks = ["# \(labels.reportTitle)", totals(result, labels: labels), summary(result, labels: labels)]
    blocks.append(violations(result, labels: labels))
    if !result.resolved.isEmpty { blocks.append(resolved(result, labels: labels)) }
    if !result.findings.isEmpty { blocks.append(findings(result, labels: labels)) }
    if !result.skippedRules.isEmpty { blocks.append(skipped(result, labels: labels)) }
    blocks.append("---")
    blocks.append(provenance(result.provenance, labels: labels))
    return blocks.joined(separator: "\n\n") + "\n"
  }

  static func totals(_ result: CheckResult, labels: Labels) -> String {
    var columns: [(String, Int)] = [(labels.violations, result.violations.count)]
    columns += RuleSeverity.allCases.map { s in (labels.severity(s), result.violations.filter { $0.severity == s }.count) }
    let waived = result.violations.filter(\.waived).count
    if waived > 0 { columns.append((labels.waived, waived)) }
    if !result.resolved.isEmpty { columns.append((labels.resolved, result.resolved.count)) }
    columns += [
      (labels.findings, result.findings.count), (labels.rulesChecked, result.rules.count),
      (labels.rowsRead, SummaryTables.rowCount(result)), (labels.skipped, result.skippedRules.count),
    ]
    return "\(labels.today)\(labels.colon)\(result.provenance.today)\n\n"
      + table(header: columns.map(\.0), alignRight: Set(columns.indices), rows: [columns.map { String($0.1) }])
  }

  static func summary(_ result: CheckResult, labels: Labels) -> String {
    let severities = RuleSeverity.allCases.map(labels.severity)
    let numeric = Set(1...(severities.count + 1))
    func counts(_ title: String, _ column: String, _ rows: [SummaryRow]) -> String {
      let total = SummaryTables.total(result, labels: labels)
      let body = (rows + [total]).map { row in
        [MarkdownEscaping.escape(row.name)] + row.counts.map(String.init) + [String(row.total)]
      }
      return "### \(title)\n\n" + table(header: [column] + severities + [labels.total], alignRight: numeric, rows: body)
    }
    let sections = SummaryTables.sections(result)
    let byRule = sections.map { s in
      [MarkdownEscaping.escape(s.id), MarkdownEscaping.escape(s.title), labels.severity(s.severity), String(s.violations.count)]
    }
    return [
      "## \(labels.summary)",
      counts(labels.byCategory, labels.category, SummaryTables.byCategory(result, labels: labels)),
      counts(labels.byDepartment, labels.department, SummaryTables.byDepartment(result, labels: labels)),
      "### \(labels.byRule)\n\n"
        + table(
          header: [labels.rule, labels.title, labels.severityLabel, labels.count], alignRight: [3], rows: byRule),
    ].joined(separator: "\n\n")
  }

  static func violations(_ result: CheckResult, labels: Labels) -> String {
    let violated = SummaryTables.sections(result).filter { !$0.violations.isEmpty }
    guard !violated.isEmpty else { return "## \(labels.violationsHeading)\n\n\(labels.noViolations)" }
    var blocks = ["## \(labels.violationsHeading)"]
    for section in violated {
      var facts = ["- \(labels.severityLabel)\(labels.colon)\(labels.severity(section.severity))"]
      for (label, value) in [
        (labels.category, section.category), (labels.department, section.department), (labels.basis, section.basis),
        (labels.measure, section.measure), (labels.ruleDescription, section.description),
      ] where !value.isEmpty {
        facts.append("- \(label)\(labels.colon)\(MarkdownEscaping.escape(value))")
      }
      let rows = section.violations.map { v in
        [
          MarkdownEscaping.escape(v.file ?? labels.noRows), SummaryTables.lines(v), MarkdownEscaping.escape(v.message),
          MarkdownEscaping.escape(v.owner), SummaryTables.status(v, labels: labels),
        ]
      }
      let title = section.title.isEmpty ? "" : " " + MarkdownEscaping.escape(section.title)
      blocks.append("### \(MarkdownEscaping.escape(section.id))\(title) (\(section.violations.count))")
      blocks.append(facts.joined(separator: "\n"))
      blocks.append(
        table(
          header: [labels.file, labels.line, labels.message, labels.owner, labels.statusLabel], alignRight: [],
          rows: rows))
    }
    return blocks.joined(separator: "\n\n")
  }

  static func resolved(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.resolved.map { v in
      [
        MarkdownEscaping.escape(v.ruleID), MarkdownEscaping.escape(v.file ?? labels.noRows), SummaryTables.lines(v),
        MarkdownEscaping.escape(v.message), MarkdownEscaping.escape(v.owner),
      ]
    }
    return "## \(labels.resolvedHeading)\n\n"
      + table(header: [labels.rule, labels.file, labels.line, labels.message, labels.owner], alignRight: [], rows: rows)
  }

  static func findings(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.findings.map { f in
      [
        MarkdownEscaping.escape(f.file ?? ""), f.line.map(String.init) ?? "", MarkdownEscaping.escape(f.column ?? ""),
        labels.severity(f.severity), MarkdownEscaping.escape(f.code), MarkdownEscaping.escape(f.message),
      ]
    }
    return "## \(labels.findingsHeading)\n\n"
      + table(
        header: [labels.file, labels.line, labels.column, labels.severityLabel, labels.code, labels.message],
        alignRight: [], rows: rows)
  }

  static func skipped(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.skippedRules.map { [MarkdownEscaping.escape($0.rule), MarkdownEscaping.escape($0.reason)] }
    return "## \(labels.skippedHeading)\n\n" + table(header: [labels.rule, labels.reason], alignRight: [], rows: rows)
  }

  static func provenance(_ p: Provenance, labels: Labels) -> String {
    let facts = [
      "- \(labels.version)\(labels.colon)\(MarkdownEscaping.escape(p.toolVersion))",
      "- \(labels.command)\(labels.colon)\(MarkdownEscaping.code(SummaryTables.commandLine(p.commandLine)))",
      "- \(labels.today)\(labels.colon)\(p.today)",
    ]
    var blocks = ["## \(labels.provenance)", facts.joined(separator: "\n")]
    if !p.ruleFiles.isEmpty {
      blocks.append(
        table(
          header: [labels.ruleFiles, "SHA-256"], alignRight: [],
          rows: p.ruleFiles.map { [MarkdownEscaping.escape($0.path), MarkdownEscaping.escape($0.sha256)] }))
    }
    if !p.dataFiles.isEmpty {
      blocks.append(
        table(
          header: [labels.dataFiles, labels.dataset, labels.rows, "SHA-256"], alignRight: [2],
          rows: p.dataFiles.map {
            [
              MarkdownEscaping.escape($0.path), MarkdownEscaping.escape($0.dataset), String($0.rows),
              MarkdownEscaping.escape($0.sha256),
            ]
          }))
    }
    return blocks.joined(separator: "\n\n")
  }

  /// A GFM table of cells already escaped; columns in `alignRight` are right-aligned (numbers).
  static func table(header: [String], alignRight: Set<Int>, rows: [[String]]) -> String {
    func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
    let rule = header.indices.map { alignRight.contains($0) ? "---:" : "---" }
    return ([line(header), line(rule)] + rows.map(line)).joined(separator: "\n")
  }
}
