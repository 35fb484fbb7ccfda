// Labels: the words reports print around the user's own text, in Chinese or English
// (`--lang`, default from LANG). Rule texts are shown as written.

import ComplyEngine
import ComplyRules

public enum ReportLanguage: String, CaseIterable, Sendable {
  case zh, en

  /// Chinese when the LANG value starts with `zh`, otherwise English.
  public init(environment lang: String?) {
    self = (lang ?? "").lowercased().hasPrefix("zh") ? .zh : .en
  }
}

/// Report labels in one language.
public struct Labels: Sendable {
  public let language: ReportLanguage

  public init(_ language: ReportLanguage) { self.language = language }

  func pick(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

  public func severity(_ s: RuleSeverity) -> String {
    switch s {
    case .error: return pick("错误", "error")
    case .warning: return pick("警告", "warning")
    case .info: return pick("提示", "info")
    }
  }

  /// `new`, `persisting`, `resolved` (and `waived`) as a reader sees them.
  public func status(_ status: String, waived: Bool = false) -> String {
    if waived { return pick("已豁免", "waived") }
    switch status {
    case "new": return pick("新增", "new")
    case "persisting": return pick("未整改", "persisting")
    case "resolved": return pick("已销账", "resolved")
    default: return status
    }
  }

  public var reportTitle: String { pick("问题清单台账", "Compliance report") }
  public var summary: String { pick("汇总", "Summary") }
  public var violations: String { pick("违规", "violations") }
  public var findings: String { pick("数据问题", "data findings") }
  public var rule: String { pick("规则", "rule") }
  public var rules: String { pick("条规则", "rules") }
  public var rows: String { pick("行", "rows") }
  public var file: String { pick("文件", "file") }
  public var line: String { pick("行号", "line") }
  public var message: String { pick("具体内容", "message") }
  public var category: String { pick("整治问题", "category") }
  public var department: String { pick("责任部门", "department") }
  public var owner: String { pick("责任人", "owner") }
  public var basis: String { pick("依据", "basis") }
  public var measure: String { pick("工作措施", "measure") }
  public var statusLabel: String { pick("状态", "status") }
  public var severityLabel: String { pick("严重程度", "severity") }
  public var count: String { pick("数量", "count") }
  public var noRows: String { pick("（无数据行）", "(no rows)") }
  public var noCategory: String { pick("（未分类）", "(no category)") }
  public var skipped: String { pick("未运行", "skipped") }
  public var resolved: String { pick("已销账", "resolved") }
  public var provenance: String { pick("检查依据", "Provenance") }
  public var command: String { pick("命令", "command") }
  public var today: String { pick("检查日期", "today") }
  public var version: String { pick("版本", "version") }

  // Headings and columns of the Markdown and HTML reports.
  public var violationsHeading: String { pick("违规明细", "Violations") }
  public var findingsHeading: String { pick("数据问题", "Data findings") }
  public var skippedHeading: String { pick("未运行的规则", "Skipped rules") }
  public var resolvedHeading: String { pick("已销账的问题", "Resolved violations") }
  public var byCategory: String { pick("按整治问题", "By category") }
  public var byDepartment: String { pick("按责任部门", "By department") }
  public var byRule: String { pick("按规则", "By rule") }
  public var chartTitle: String { pick("各整治问题违规数量", "Violations by category") }
  public var total: String { pick("合计", "total") }
  public var title: String { pick("标题", "title") }
  public var ruleDescription: String { pick("说明", "description") }
  public var column: String { pick("列", "column") }
  public var code: String { pick("类型", "code") }
  public var reason: String { pick("原因", "reason") }
  public var dataset: String { pick("数据集", "dataset") }
  public var ruleFiles: String { pick("规则文件", "rule files") }
  public var dataFiles: String { pick("数据文件", "data files") }
  public var waived: String { pick("已豁免", "waived") }
  public var noDepartment: String { pick("（未指定）", "(unassigned)") }
  public var noViolations: String { pick("未发现违规。", "No violations.") }
  public var rulesChecked: String { pick("检查规则", "rules checked") }
  public var rowsRead: String { pick("数据行", "rows read") }
  /// Between a label and its value: `检查日期：…`, `today: …`.
  public var colon: String { pick("：", ": ") }
}
