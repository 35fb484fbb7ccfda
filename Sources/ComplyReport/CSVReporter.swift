// CSVReporter: the ledger (问题清单台账) as CSV for Excel, WPS and LibreOffice — UTF-8 with a
// BOM, CRLF, every field quoted when it holds a quote, comma, CR or LF, and cells that a
// spreadsheet would run as a formula (starting with = + - @, tab or CR) neutralised with a
// leading apostrophe. One row per violation, 序号 from 1. The columns are SPEC §4's, in Chinese
// whatever the report language: the ledger is the campaign's own document.

public import ComplyEngine
import ComplyRules
import Foundation

public enum CSVReporter: Reporter {
  public static let identifier = "csv"

  public static let columns = [
    "序号", "整治问题", "具体内容", "规则", "严重程度", "责任部门", "责任人", "依据", "工作措施", "文件",
    "行号", "状态",
  ]

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let labels = Labels(.zh)
    let basis = Dictionary(result.rules.map { ($0.rule.id, $0.rule) }, uniquingKeysWith: { a, _ in a })
    var out = "\u{FEFF}" + columns.map(field).joined(separator: ",") + "\r\n"
    for (i, v) in result.violations.enumerated() {
      let rule = basis[v.ruleID]
      let cells = [
        String(i + 1), v.category, v.message, "\(v.ruleID) \(v.title)", labels.severity(v.severity),
        v.department, v.owner, rule?.basis ?? "", rule?.measure ?? "", v.file ?? "",
        v.line.map(String.init) ?? "", labels.status(v.status, waived: v.waived),
      ]
      out += cells.map(field).joined(separator: ",") + "\r\n"
    }
    return out
  }

  /// One CSV field: formula-neutralised, then quoted if needed.
  static func field(_ text: String) -> String {
    var s = text
    if let first = s.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
      s = "'" + s
    }
    if s.contains(where: { $0 == "\"" || $0 == "," || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }
}
