// JSONReporter: the machine contract of SPEC §4, keys in the documented order.

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum JSONReporter: Reporter {
  public static let identifier = "json"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    document(result, context: context).serialized() + "\n"
  }

  public static func document(_ result: CheckResult, context: ReportContext) -> JSONValue {
    var bySeverity: [(String, JSONValue)] = []
    for severity in RuleSeverity.allCases {
      bySeverity.append((severity.rawValue, .int(result.violations.filter { $0.severity == severity }.count)))
    }
    let summary: JSONValue = .object([
      ("rules", .int(result.rules.count)),
      ("violations", .int(result.violations.count)),
      ("by_severity", .object(bySeverity)),
      ("datasets", .object(result.datasets.map { name, s in
        (name, .object([("files", .array(s.files.map(JSONValue.string))), ("rows", .int(s.rows))]))
      })),
      ("skipped_rules", .array(result.skippedRules.map {
        .object([("rule", .string($0.rule)), ("reason", .string($0.reason))])
      })),
      ("new", .int(result.violations.filter { $0.status == "new" && !$0.waived }.count)),
      ("waived", .int(result.violations.filter(\.waived).count)),
      ("resolved", .int(result.resolved.count)),
      ("provenance", provenance(result.provenance)),
    ])
    return .object([
      ("tool", .object([("name", .string("comply")), ("version", .string(context.toolVersion))])),
      ("summary", summary),
      ("violations", .array(Concurrently.map(result.violations, violation))),
      ("resolved", .array(result.resolved.map(violation))),
      ("findings", .array(result.findings.map(finding))),
    ])
  }

  static func provenance(_ p: Provenance) -> JSONValue {
    .object([
      ("tool_version", .string(p.toolVersion)),
      ("command", .array(p.commandLine.map(JSONValue.string))),
      ("today", .string(p.today.description)),
      ("rule_files", .array(p.ruleFiles.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
      ("data_files", .array(p.dataFiles.map {
        .object([
          ("dataset", .string($0.dataset)), ("path", .string($0.path)), ("sha256", .string($0.sha256)),
          ("rows", .int($0.rows)),
        ])
      })),
    ])
  }

  static func violation(_ v: Violation) -> JSONValue {
    .object([
      ("rule", .string(v.ruleID)),
      ("severity", .string(v.severity.rawValue)),
      ("category", .string(v.category)),
      ("department", .string(v.department)),
      ("owner", .string(v.owner)),
      ("title", .string(v.title)),
      ("message", .string(v.message)),
      ("dataset", .string(v.dataset)),
      ("file", v.file.map(JSONValue.string) ?? .null),
      ("line", v.line.map(JSONValue.int) ?? .null),
      ("lines", .array(v.lines.map(JSONValue.int))),
      ("group", v.group.map { .object($0.map { ($0.column, .string($0.value)) }) } ?? .null),
      ("key", v.key.map { .object($0.map { ($0.column, .string($0.value)) }) } ?? .null),
      ("fingerprint", .string(v.fingerprint)),
      ("status", .string(v.status)),
      ("waived", .bool(v.waived)),
    ])
  }

  static func finding(_ f: Finding) -> JSONValue {
    .object([
      ("code", .string(f.code)),
      ("severity", .string(f.severity.rawValue)),
      ("file", f.file.map(JSONValue.string) ?? .null),
      ("line", f.line.map(JSONValue.int) ?? .null),
      ("column", f.column.map(JSONValue.string) ?? .null),
      ("text", f.text.map(JSONValue.string) ?? .null),
      ("message", .string(f.message)),
    ])
  }
}
