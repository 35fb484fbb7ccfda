// HTMLReporter: the report as one self-contained HTML page to open, mail or print on A4 —
// inline CSS only, no script, nothing fetched (a Content-Security-Policy forbids it too), system
// CJK fonts. Totals, a bar chart of violations by category in inline SVG, summary tables by
// category, department and rule; a section per violated rule with its basis, measure and
// violations; resolved violations, data findings, skipped rules and the provenance footer.
// Every value, labels included, goes through HTMLEscaping, in text, attributes and SVG alike.

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum HTMLReporter: Reporter {
  public static let identifier = "html"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let labels = context.labels
    let sections = SummaryTables.sections(result)
    var body = [
      "<header>\n<h1>\(e(labels.reportTitle))</h1>\n<p class=\"meta\">\(e(labels.today + labels.colon))"
        + "\(e(result.provenance.today.description))</p>\n</header>",
      summary(result, sections: sections, labels: labels),
      violations(sections, labels: labels),
    ]
    if !result.resolved.isEmpty { body.append(resolved(result, labels: labels)) }
    if !result.findings.isEmpty { body.append(findings(result, labels: labels)) }
    if !result.skippedRules.isEmpty { body.append(skipped(result, labels: labels)) }
    body.append(provenance(result.provenance, labels: labels))
    let lang = context.language == .zh ? "zh-CN" : "en"
    return """
      <!DOCTYPE html>
      <html lang="\(lang)">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(e(labels.reportTitle)) \(e(result.provenance.today.description))</title>
      <style>
      \(stylesheet)</style>
      </head>
      <body>
      \(body.joined(separator: "\n"))
      </body>
      </html>

      """
  }

  static func e(_ text: String) -> String { HTMLEscaping.escape(text) }

  // MARK: Summary

  static func summary(_ result: CheckResult, sections: [RuleSection], labels: Labels) -> String {
    var totals: [(String, Int, String?)] = [(labels.violations, result.violations.count, nil)]
    totals += RuleSeverity.allCases.map { s in
      (labels.severity(s), result.violations.filter { $0.severity == s }.count, "sev-\(s.rawValue)")
    }
    let waived = result.violations.filter(\.waived).count
    if waived > 0 { totals.append((labels.waived, waived, nil)) }
    if !result.resolved.isEmpty { totals.append((labels.resolved, result.resolved.count, nil)) }
    totals += [
      (labels.findings, result.findings.count, nil), (labels.rulesChecked, result.rules.count, nil),
      (labels.rowsRead, SummaryTables.rowCount(result), nil), (labels.skipped, result.skippedRules.count, nil),
    ]
    let cards = totals.map { label, n, style in
      "<li\(style.map { " class=\"\($0)\"" } ?? "")><b>\(n)</b>\(e(label))</li>"
    }
    let byCategory = SummaryTables.byCategory(result, labels: labels)
    let byDepartment = SummaryTables.byDepartment(result, labels: labels)
    let byRule = sections.enumerated().map { i, s in
      let id = s.violations.isEmpty ? "<code>\(e(s.id))</code>" : "<a href=\"#rule-\(i + 1)\"><code>\(e(s.id))</code></a>"
      return row([id, e(s.title), badge(s.severity, labels: labels), e(String(s.violations.count))], numeric: [3])
    }
    return """
      <section class="summary">
      <h2>\(e(labels.summary))</h2>
      <ul class="totals">\(cards.joined())</ul>
      \(chart(byCategory, labels: labels))
      \(countTable(labels.byCategory, labels.category, byCategory, result: result, labels: labels))
      \(countTable(labels.byDepartment, labels.department, byDepartment, result: result, labels: labels))
      <h3>\(e(labels.byRule))</h3>
      \(table([labels.rule, labels.title, labels.severityLabel, labels.count], numeric: [3], rows: byRule))
      </section>
      """
  }

  /// Counts per severity by `column` (category or department) under `title`, with a total row.
  static func countTable(
    _ title: String, _ column: String, _ rows: [SummaryRow], result: CheckResult, labels: Labels
  ) -> String {
    let severities = RuleSeverity.allCases.map(labels.severity)
    let numeric = Set(1...(severities.count + 1))
    var body = rows.map { r in row([e(r.name)] + (r.counts + [r.total]).map { e(String($0)) }, numeric: numeric) }
    let total = SummaryTables.total(result, labels: labels)
    body.append(
      row([e(total.name)] + (total.counts + [total.total]).map { e(String($0)) }, numeric: numeric, rowClass: "total"))
    return "<h3>\(e(title))</h3>\n" + table([column] + severities + [labels.total], numeric: numeric, rows: body)
  }

  /// Horizontal bars, one per category, stacked by severity; nothing when there are no
  /// violations. Integer geometry, so the markup is the same on every run.
  static func chart(_ rows: [SummaryRow], labels: Labels) -> String {
    guard let most = rows.map(\.total).max(), most > 0 else { return "" }
    let span = 560
    let rowHeight = 42
    let top = 30
    let height = top + rows.count * rowHeight
    let title = e(labels.chartTitle)
    var svg = [
      "<figure class=\"chart\">",
      "<svg viewBox=\"0 0 640 \(height)\" width=\"640\" height=\"\(height)\" role=\"img\" aria-label=\"\(title)\">",
      "<title>\(title)</title>",
    ]
    for (i, severity) in RuleSeverity.allCases.enumerated() {
      let x = i * 120
      svg.append(
        "<rect x=\"\(x)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colour(severity))\"/>"
          + "<text x=\"\(x + 18)\" y=\"15\">\(e(labels.severity(severity)))</text>")
    }
    for (i, r) in rows.enumerated() {
      let y = top + i * rowHeight
      let name = r.name.count > 40 ? String(r.name.prefix(39)) + "…" : r.name
      svg.append("<text x=\"0\" y=\"\(y + 13)\">\(e(name))</text>")
      var x = 0
      for (severity, count) in zip(RuleSeverity.allCases, r.counts) where count > 0 {
        let width = max(count * span / most, 2)
        svg.append(
          "<rect x=\"\(x)\" y=\"\(y + 19)\" width=\"\(width)\" height=\"14\" fill=\"\(colour(severity))\">"
            + "<title>\(e("\(r.name) · \(labels.severity(severity)) \(count)"))</title></rect>")
        x += width
      }
      svg.append("<text x=\"\(x + 6)\" y=\"\(y + 31)\" class=\"n\">\(r.total)</text>")
    }
    svg += ["</svg>", "<figcaption>\(title)</figcaption>", "</figure>"]
    return svg.joined(separator: "\n")
  }

  static func colour(_ severity: RuleSeverity) -> String {
    switch severity {
    case .error: return "#c62828"
    case .warning: return "#f0a202"
    case .info: return "#1e6fc8"
    }
  }

  // MARK: Rules and findings

  static func violations(_ sections: [RuleSection], labels: Labels) -> String {
    var out = ["<section class=\"violations\">", "<h2>\(e(labels.violationsHeading))</h2>"]
    if sections.allSatisfy(\.violations.isEmpty) { out.append("<p>\(e(labels.noViolations))</p>") }
    for (i, s) in sections.enumerated() where !s.violations.isEmpty {
      var facts = [(labels.category, s.category.isEmpty ? labels.noCategory : s.category)]
      for (label, value) in [
        (labels.department, s.department), (labels.basis, s.basis), (labels.measure, s.measure),
        (labels.ruleDescription, s.description),
      ] where !value.isEmpty {
        facts.append((label, value))
      }
      let rows = s.violations.map { v in
        row(
          [
            "<span class=\"loc\">\(e(SummaryTables.location(v, labels: labels)))</span>", e(v.message), e(v.owner),
            status(v, labels: labels),
          ], rowClass: v.waived ? "waived" : nil)
      }
      out.append("<section class=\"rule\" id=\"rule-\(i + 1)\">")
      out.append(
        "<h3>\(badge(s.severity, labels: labels)) <code>\(e(s.id))</code> \(e(s.title))"
          + " <span class=\"count\">(\(s.violations.count))</span></h3>")
      out.append(definitions(facts))
      out.append(table(["\(labels.file):\(labels.line)", labels.message, labels.owner, labels.statusLabel], rows: rows))
      out.append("</section>")
    }
    out.append("</section>")
    return out.joined(separator: "\n")
  }

  static func resolved(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.resolved.map { v in
      row([
        "<code>\(e(v.ruleID))</code>", "<span class=\"loc\">\(e(SummaryTables.location(v, labels: labels)))</span>",
        e(v.message), e(v.owner), status(v, labels: labels),
      ])
    }
    return "<section class=\"resolved\">\n<h2>\(e(labels.resolvedHeading))</h2>\n"
      + table([labels.rule, "\(labels.file):\(labels.line)", labels.message, labels.owner, labels.statusLabel], rows: rows)
      + "\n</section>"
  }

  static func findings(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.findings.map { f in
      row([
        "<span class=\"loc\">\(e(SummaryTables.location(f)))</span>", "<span class=\"nw\">\(e(f.column ?? ""))</span>",
        badge(f.severity, labels: labels), "<code class=\"nw\">\(e(f.code))</code>", e(f.message),
      ])
    }
    return "<section class=\"findings\">\n<h2>\(e(labels.findingsHeading))</h2>\n"
      + table(["\(labels.file):\(labels.line)", labels.column, labels.severityLabel, labels.code, labels.message], rows: rows)
      + "\n</section>"
  }

  static func skipped(_ result: CheckResult, labels: Labels) -> String {
    let rows = result.skippedRules.map { row(["<code>\(e($0.rule))</code>", e($0.reason)]) }
    return "<section class=\"skipped\">\n<h2>\(e(labels.skippedHeading))</h2>\n"
      + table([labels.rule, labels.reason], rows: rows) + "\n</section>"
  }

  static func provenance(_ p: Provenance, labels: Labels) -> String {
    var out = [
      "<footer>", "<h2>\(e(labels.provenance))</h2>",
      definitions([
        (labels.version, p.toolVersion), (labels.command, SummaryTables.commandLine(p.commandLine)),
        (labels.today, p.today.description),
      ], code: [1]),
    ]
    if !p.ruleFiles.isEmpty {
      out.append(
        table(
          [labels.ruleFiles, "SHA-256"],
          rows: p.ruleFiles.map { row([e($0.path), "<code>\(e($0.sha256))</code>"]) }))
    }
    if !p.dataFiles.isEmpty {
      out.append(
        table(
          [labels.dataFiles, labels.dataset, labels.rows, "SHA-256"], numeric: [2],
          rows: p.dataFiles.map {
            row([e($0.path), e($0.dataset), e(String($0.rows)), "<code>\(e($0.sha256))</code>"], numeric: [2])
          }))
    }
    out.append("</footer>")
    return out.joined(separator: "\n")
  }

  // MARK: Pieces

  static func badge(_ severity: RuleSeverity, labels: Labels) -> String {
    "<span class=\"sev sev-\(severity.rawValue)\">\(e(labels.severity(severity)))</span>"
  }

  static func status(_ v: Violation, labels: Labels) -> String {
    let kind = v.waived ? "waived" : ["new", "persisting", "resolved"].contains(v.status) ? v.status : "other"
    return "<span class=\"st st-\(kind)\">\(e(SummaryTables.status(v, labels: labels)))</span>"
  }

  /// Label/value pairs; values at the indexes in `code` are set in monospace.
  static func definitions(_ pairs: [(String, String)], code: Set<Int> = []) -> String {
    let items = pairs.enumerated().map { i, pair in
      let value = code.contains(i) ? "<code>\(e(pair.1))</code>" : e(pair.1)
      return "<dt>\(e(pair.0))</dt><dd>\(value)</dd>"
    }
    return "<dl class=\"facts\">" + items.joined() + "</dl>"
  }

  /// One table row of cells already in HTML; cells at the indexes in `numeric` align right.
  static func row(_ cells: [String], numeric: Set<Int> = [], rowClass: String? = nil) -> String {
    let tds = cells.enumerated().map { i, cell in numeric.contains(i) ? "<td class=\"num\">\(cell)</td>" : "<td>\(cell)</td>" }
    return "<tr\(rowClass.map { " class=\"\($0)\"" } ?? "")>" + tds.joined() + "</tr>"
  }

  /// A table whose header (escaped here) repeats on every printed page.
  static func table(_ header: [String], numeric: Set<Int> = [], rows: [String]) -> String {
    let ths = header.enumerated().map { i, h in numeric.contains(i) ? "<th class=\"num\">\(e(h))</th>" : "<th>\(e(h))</th>" }
    return "<table>\n<thead><tr>\(ths.joined())</tr></thead>\n<tbody>\n" + rows.joined(separator: "\n")
      + "\n</tbody>\n</table>"
  }

  /// Light backgrounds only; A4 pages with repeated table headers; system CJK fonts.
  static let stylesheet = """
    :root { color-scheme: light; }
    * { box-sizing: border-box; }
    body {
      margin: 0 auto; max-width: 1120px; padding: 24px 32px; color: #1b1b1b; background: #fff;
      font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
        "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif;
      font-size: 14px; line-height: 1.55;
    }
    h1 { font-size: 24px; margin: 0 0 2px; }
    h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 3px; border-bottom: 2px solid #444; }
    h3 { font-size: 15px; margin: 20px 0 6px; }
    .meta { color: #555; margin: 0 0 8px; }
    code, .loc {
      font-family: "Noto Sans Mono CJK SC", "Source Han Mono SC", "DejaVu Sans Mono", Menlo, Consolas, monospace;
      font-size: 0.9em;
    }
    a { color: inherit; }
    table { width: 100%; border-collapse: collapse; margin: 6px 0 14px; }
    th, td { border: 1px solid #c4c4c4; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
    th { background: #eef0f3; font-weight: 600; white-space: nowrap; }
    .nw, .sev { white-space: nowrap; }
    th.num, td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    tr.total td { font-weight: 600; background: #f7f7f7; }
    tr.waived td { color: #6b6b6b; }
    .totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 14px; padding: 0; list-style: none; }
    .totals li { border: 1px solid #c4c4c4; border-radius: 4px; padding: 4px 12px; min-width: 88px; color: #444; }
    .totals b { display: block; font-size: 20px; color: #1b1b1b; }
    .totals li.sev-error b { color: #b71c1c; }
    .totals li.sev-warning b { color: #8a5a00; }
    .totals li.sev-info b { color: #0d47a1; }
    .sev { display: inline-block; padding: 0 6px; border: 1px solid; border-radius: 3px; font-size: 12px; font-weight: 600; }
    span.sev-error { color: #b71c1c; border-color: #e57373; background: #fdecea; }
    span.sev-warning { color: #7a4f00; border-color: #f0b429; background: #fff5db; }
    span.sev-info { color: #0d47a1; border-color: #64b5f6; background: #e8f1fc; }
    .st-new { color: #b71c1c; }
    .st-persisting { color: #7a4f00; }
    .st-resolved { color: #1b5e20; }
    .count { color: #555; font-weight: normal; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 4px 0 8px; }
    dl.facts dt { color: #555; }
    dl.facts dd { margin: 0; }
    figure.chart { margin: 6px 0 12px; max-width: 680px; }
    figure.chart svg { display: block; width: 100%; height: auto; font-size: 13px; }
    figure.chart text { fill: #1b1b1b; }
    figure.chart text.n { fill: #555; }
    figcaption { color: #555; font-size: 12px; }
    footer { margin-top: 32px; font-size: 12px; }
    @page { size: A4; margin: 14mm 12mm 16mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 10pt; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      thead { display: table-header-group; }
      tr, .totals li, figure.chart { break-inside: avoid; }
      h2, h3, dl.facts { break-after: avoid; }
      table { font-size: 9pt; }
      a { text-decoration: none; }
    }

    """
}
