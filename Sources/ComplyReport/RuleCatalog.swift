// RuleCatalog: the pack's rules for people — the `list` table, its JSON and Markdown forms
// (the Markdown table is the catalogue in Rules/README.md), and `explain`'s full view.

public import ComplyRules
import Foundation

public enum RuleCatalog {
  public static func text(_ rules: [Rule]) -> String {
    let rows = rules.map { [$0.id, $0.severity.rawValue, $0.category, $0.dataset, $0.title] }
    let widths = (0..<4).map { c in rows.map { displayWidth($0[c]) }.max() ?? 0 }
    return rows.map { row in
      (0..<4).map { row[$0] + String(repeating: " ", count: widths[$0] - displayWidth(row[$0])) }
        .joined(separator: "  ") + "  " + row[4]
    }.joined(separator: "\n") + (rows.isEmpty ? "" : "\n")
  }

  public static func json(_ rules: [Rule]) -> JSONValue {
    .array(rules.map { r in
      .object([
        ("id", .string(r.id)), ("severity", .string(r.severity.rawValue)),
        ("category", .string(r.category)), ("dataset", .string(r.dataset)),
        ("title", .string(r.title)), ("department", .string(r.department)),
        ("basis", .string(r.basis)),
      ])
    })
  }

  public static func markdown(_ rules: [Rule]) -> String {
    var out = "| id | severity | category | dataset | title | basis |\n| --- | --- | --- | --- | --- | --- |\n"
    for r in rules {
      let cells = [r.id, r.severity.rawValue, r.category, r.dataset, r.title, r.basis].map(markdownCell)
      out += "| " + cells.joined(separator: " | ") + " |\n"
    }
    return out
  }

  public static func explain(_ r: Rule) -> String {
    var lines = ["\(r.id): \(r.title)", ""]
    func field(_ name: String, _ value: String?) {
      if let value, !value.isEmpty { lines.append("\(name): \(value)") }
    }
    field("severity", r.severity.rawValue)
    field("category", r.category)
    field("department", r.department)
    field("owner", r.ownerTemplate?.value)
    field("dataset", r.dataset)
    field("description", r.description)
    field("when", r.when?.value)
    if !r.joins.isEmpty {
      field("join", r.joins.map { j in "\(j.name) = \(j.dataset) on " + j.on.map { $0.left == $0.right ? $0.left : "\($0.left)=\($0.right)" }.joined(separator: ", ") }.joined(separator: "; "))
    }
    field("group_by", r.groupBy.map(\.value).joined(separator: ", "))
    field("compute", r.compute.map { "\($0.name.value) = \($0.expression.value)" }.joined(separator: "; "))
    if let e = r.expect { field("expect", "\(e.dataset) per \(e.per.joined(separator: ", "))") }
    field(r.isForbid ? "forbid" : "require", r.condition.value)
    field("message", r.messageTemplate?.value)
    field("basis", r.basis)
    field("measure", r.measure)
    field("defined at", r.location.description)
    if !r.examples.isEmpty {
      lines.append("")
      lines.append("examples:")
      for e in r.examples {
        let expectation: String
        switch e.expectation {
        case .violates(let v): expectation = v ? "violates" : "passes"
        case .violations(let n): expectation = "\(n) violations"
        }
        switch e.input {
        case .row(let cells):
          lines.append("  - row {" + cells.map { "\($0.column.value): \($0.value?.value ?? "null")" }.joined(separator: ", ") + "} → \(expectation)")
        case .data(let sets):
          lines.append("  - data " + sets.map { "\($0.dataset.value) (\($0.rows.count) rows)" }.joined(separator: ", ") + " → \(expectation)")
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func markdownCell(_ s: String) -> String {
    s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  /// Terminal columns: East Asian wide characters take two.
  static func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && ($1.value <= 0x115F || (0x2E80...0xA4CF).contains($1.value) || (0xAC00...0xD7A3).contains($1.value) || (0xF900...0xFAFF).contains($1.value) || (0xFE30...0xFE4F).contains($1.value) || (0xFF00...0xFF60).contains($1.value) || (0xFFE0...0xFFE6).contains($1.value))) ? 2 : 1) }
  }
}
