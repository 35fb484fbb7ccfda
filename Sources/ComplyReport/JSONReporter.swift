// JSONReporter: the machine contract of SPEC §4, keys in the documented order.

import ComplyCore
public import ComplyEngine
import ComplyRules

public enum JSONReporter: Reporter {
  public static let identifier = "json"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    String(decoding: utf8(result, context: context), as: UTF8.self)
  }

  /// Written as bytes: making a String of a 100 MB report (and appending its last newline)
  /// validated and copied it on one thread, ~0.25 s of a 10M-row run (perf).
  public static func utf8(_ result: CheckResult, context: ReportContext) -> [UInt8] {
    // The violations are read in place through pointers (see `write(_:to:)`).
    result.violations.withUnsafeBufferPointer { violations in
      result.resolved.withUnsafeBufferPointer { resolved in
        var writer = JSONWriter()
        document(result, violations: violations, resolved: resolved, context: context).write(to: &writer)
        // Before the pieces are joined: appending to the joined report would copy it.
        writer.newline()
        return writer.finish()
      }
    }
  }

  /// The report of `result`, whose `violations` and `resolved` are given as buffers that must
  /// outlive the document.
  private static func document(
    _ result: CheckResult, violations: UnsafeBufferPointer<Violation>, resolved: UnsafeBufferPointer<Violation>,
    context: ReportContext
  ) -> JSONValue {
    // Counted in one pass that reads each violation's fields in place: filtering the array
    // once per count copied every violation (a retain and release per String) five times,
    // ~0.2 s on one thread for the 140k violations of a 10M-row run (perf).
    var severities: [RuleSeverity: Int] = [:]
    var new = 0
    var waived = 0
    for k in result.violations.indices {
      severities[result.violations[k].severity, default: 0] += 1
      if result.violations[k].waived {
        waived += 1
      } else if result.violations[k].status == "new" {
        new += 1
      }
    }
    let bySeverity = RuleSeverity.allCases.map { ($0.rawValue, JSONValue.int(severities[$0] ?? 0)) }
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
      ("new", .int(new)),
      ("waived", .int(waived)),
      ("resolved", .int(result.resolved.count)),
      ("provenance", provenance(result.provenance)),
    ])
    return .object([
      ("tool", .object([("name", .string("comply")), ("version", .string(context.toolVersion))])),
      ("summary", summary),
      ("violations", .items(count: violations.count) { k, writer in write(violations.baseAddress! + k, to: &writer) }),
      ("resolved", .items(count: resolved.count) { k, writer in write(resolved.baseAddress! + k, to: &writer) }),
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

  /// Writes the violation straight into the writer, reading it in place: building a JSONValue
  /// object of each and writing it was most of the report's time, and passing
  /// `result.violations[k]` copied each violation (a retain of every String and array) first.
  static func write(_ v: UnsafePointer<Violation>, to writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("rule")
    writer.string(v.pointee.ruleID)
    writer.key("severity")
    writer.string(v.pointee.severity.rawValue)
    writer.key("category")
    writer.string(v.pointee.category)
    writer.key("department")
    writer.string(v.pointee.department)
    writer.key("owner")
    writer.string(v.pointee.owner)
    writer.key("title")
    writer.string(v.pointee.title)
    writer.key("message")
    writer.string(v.pointee.message)
    writer.key("dataset")
    writer.string(v.pointee.dataset)
    writer.key("file")
    writer.string(v.pointee.file)
    writer.key("line")
    writer.int(v.pointee.line)
    writer.key("lines")
    writer.ints(v.pointee.lines)
    writer.key("group")
    write(v.pointee.group, to: &writer)
    writer.key("key")
    write(v.pointee.key, to: &writer)
    writer.key("fingerprint")
    writer.string(v.pointee.fingerprint)
    writer.key("status")
    writer.string(v.pointee.status)
    writer.key("waived")
    writer.bool(v.pointee.waived)
    writer.endObject()
  }

  /// Column → value pairs as an object, or null.
  private static func write(_ pairs: [(column: String, value: String)]?, to writer: inout JSONWriter) {
    guard let pairs else { return writer.null() }
    writer.beginObject()
    for (column, value) in pairs {
      writer.key(column)
      writer.string(value)
    }
    writer.endObject()
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
