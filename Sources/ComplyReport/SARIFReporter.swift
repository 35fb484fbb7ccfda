// SARIFReporter: the SARIF 2.1.0 log for GitHub code scanning and SARIF viewers. One run: the
// driver lists every rule that ran (then rules only resolved violations name, then the codes of
// the data findings that occurred, so that every result has a rule and GitHub shows its help);
// the results are the violations, the resolved baseline violations (`absent`) and the data
// findings. A data file is located by its path relative to the `DATA` base (the --data folder);
// rule, waiver and pack files, named as on the command line, relative to `%SRCROOT%` (the folder
// comply ran in). An expected group with no rows is located at the rule that expects it, since
// code scanning rejects a result without a location. Skipped rules are tool notifications.

import ComplyCore
public import ComplyEngine
import ComplyRules

/// `--format sarif`: a SARIF 2.1.0 log of the run.
public enum SARIFReporter: Reporter {
  public static let identifier = "sarif"

  /// The official schema's address, written as the log's `$schema`.
  public static let schemaURI =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

  /// The `partialFingerprints` key holding a violation's fingerprint.
  public static let fingerprintKey = "complyFingerprint/v1"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    document(result, context: context).serialized() + "\n"
  }

  public static func document(_ result: CheckResult, context: ReportContext) -> JSONValue {
    let catalogue = SARIFRules(result, labels: context.labels)
    let places = SARIFPlaces(result)
    var results = result.violations.map {
      violation($0, baselineState: $0.status == "persisting" ? "unchanged" : "new", catalogue, places, context.labels)
    }
    results += result.resolved.map { violation($0, baselineState: "absent", catalogue, places, context.labels) }
    results += result.findings.map { finding($0, catalogue, places) }
    let driver: JSONValue = .object([
      ("name", .string("comply")),
      ("version", .string(context.toolVersion)),
      ("rules", .array(catalogue.descriptors)),
    ])
    let run: JSONValue = .object([
      ("tool", .object([("driver", driver)])),
      ("invocations", .array([invocation(result.provenance, skipped: result.skippedRules)])),
      ("originalUriBaseIds", places.originalUriBaseIds),
      ("results", .array(results)),
    ])
    return .object([("$schema", .string(schemaURI)), ("version", .string("2.1.0")), ("runs", .array([run]))])
  }

  static func level(_ severity: RuleSeverity) -> JSONValue {
    switch severity {
    case .error: return .string("error")
    case .warning: return .string("warning")
    case .info: return .string("note")
    }
  }

  static func text(_ s: String) -> JSONValue { .object([("text", .string(s))]) }

  static func violation(
    _ v: Violation, baselineState: String, _ catalogue: SARIFRules, _ places: SARIFPlaces, _ labels: Labels
  ) -> JSONValue {
    var pairs: [(String, JSONValue)] = [("ruleId", .string(v.ruleID))]
    if let index = catalogue.index[v.ruleID] { pairs.append(("ruleIndex", .int(index))) }
    pairs += [("level", level(v.severity)), ("message", text(v.message))]
    if let file = v.file {
      pairs.append(("locations", .array([places.location(places.data(file), line: v.line)])))
    } else if let rule = catalogue.rules[v.ruleID] {
      let at = places.location(places.given(rule.location.file), line: rule.location.line, message: labels.noRows)
      pairs.append(("locations", .array([at])))
    }
    pairs.append(("partialFingerprints", .object([(fingerprintKey, .string(v.fingerprint))])))
    pairs.append(("baselineState", .string(baselineState)))
    if v.waived {
      let justification = places.waiversFile.map { "waived by an approved entry of \($0)" } ?? "waived"
      pairs.append((
        "suppressions",
        .array([
          .object([
            ("kind", .string("external")), ("status", .string("accepted")),
            ("justification", .string(justification)),
          ])
        ])
      ))
    }
    var properties: [(String, JSONValue)] = [("dataset", .string(v.dataset))]
    if !v.owner.isEmpty { properties.append(("owner", .string(v.owner))) }
    if v.lines.count > 1 { properties.append(("lines", .array(v.lines.map(JSONValue.int)))) }
    if let group = v.group { properties.append(("group", .object(group.map { ($0.column, .string($0.value)) }))) }
    if let key = v.key { properties.append(("key", .object(key.map { ($0.column, .string($0.value)) }))) }
    pairs.append(("properties", .object(properties)))
    return .object(pairs)
  }

  static func finding(_ f: Finding, _ catalogue: SARIFRules, _ places: SARIFPlaces) -> JSONValue {
    var pairs: [(String, JSONValue)] = [("ruleId", .string(f.code))]
    if let index = catalogue.index[f.code] { pairs.append(("ruleIndex", .int(index))) }
    pairs += [("level", level(f.severity)), ("message", text(f.message))]
    if let file = f.file {
      let artifact = f.code.hasPrefix("data.") ? places.data(file) : places.given(file)
      pairs.append(("locations", .array([places.location(artifact, line: f.line)])))
    }
    if let column = f.column { pairs.append(("properties", .object([("column", .string(column))]))) }
    return .object(pairs)
  }

  static func invocation(_ p: Provenance, skipped: [(rule: String, reason: String)]) -> JSONValue {
    var pairs: [(String, JSONValue)] = []
    if !p.commandLine.isEmpty {
      pairs.append(("commandLine", .string(commandLine(p.commandLine))))
      pairs.append(("arguments", .array(p.commandLine.map(JSONValue.string))))
    }
    pairs.append(("executionSuccessful", .bool(true)))
    if !skipped.isEmpty {
      pairs.append((
        "toolExecutionNotifications",
        .array(skipped.map {
          .object([
            ("level", .string("note")), ("message", text("skipped \($0.rule): \($0.reason)")),
            ("associatedRule", .object([("id", .string($0.rule))])),
          ])
        })
      ))
    }
    pairs.append(("properties", .object([("today", .string(p.today.description))])))
    return .object(pairs)
  }

  /// `comply` and its arguments as a POSIX shell would take them back.
  static func commandLine(_ arguments: [String]) -> String {
    (["comply"] + arguments.map(shellQuoted)).joined(separator: " ")
  }

  static func shellQuoted(_ argument: String) -> String {
    let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
      switch $0.value {
      case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x80...: return true
      default: return "-_./=:,+@%".unicodeScalars.contains($0)
      }
    }
    return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// `Foo-bar.baz` → `FooBarBaz`: the descriptor `name`, which SARIF wants identifier-like.
  static func pascalCase(_ id: String) -> String {
    let words = id.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "_" })
    let name = words.map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
    return name.isEmpty ? id : name
  }

  /// `path` as an IRI reference: every scalar a path segment cannot hold percent-encoded as
  /// UTF-8 (space, `%`, `#`, `?`, `:`, `\`, controls, private-use and non-characters); other
  /// non-ASCII letters, such as Chinese file names, kept as they are.
  static func uriReference(_ path: String) -> String {
    var out = ""
    for scalar in path.unicodeScalars {
      if isPathScalar(scalar) {
        out.unicodeScalars.append(scalar)
      } else {
        for byte in String(scalar).utf8 {
          let hex = String(byte, radix: 16, uppercase: true)
          out += "%" + (hex.count == 1 ? "0" + hex : hex)
        }
      }
    }
    return out
  }

  private static func isPathScalar(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case 0x00...0x7F: return "-._~!$&'()*+,;=@/".unicodeScalars.contains(s)
    case 0x80...0x9F, 0xE000...0xF8FF, 0xFDD0...0xFDEF, 0xF0000...: return false
    default: return s.value & 0xFFFE != 0xFFFE
    }
  }
}

/// The driver's reporting descriptors, in order, with each id's index.
struct SARIFRules {
  var descriptors: [JSONValue] = []
  var index: [String: Int] = [:]
  /// The rules that ran, by id, for the location of an expected group with no rows.
  var rules: [String: Rule] = [:]

  /// "category" or 整治问题, before a rule's category in its full description.
  let categoryLabel: String

  init(_ result: CheckResult, labels: Labels) {
    categoryLabel = labels.category
    for compiled in result.rules {
      let r = compiled.rule
      rules[r.id] = r
      add(
        id: r.id, title: r.title, category: r.category, department: r.department,
        description: r.description, help: Self.help(basis: r.basis, measure: r.measure, labels: labels),
        severity: r.severity, dataset: r.dataset)
    }
    for v in result.resolved where index[v.ruleID] == nil {
      add(
        id: v.ruleID, title: v.title, category: v.category, department: v.department, description: "",
        help: nil, severity: v.severity, dataset: v.dataset)
    }
    for f in result.findings where index[f.code] == nil {
      let about = Self.findingCode(f.code, labels: labels)
      add(
        id: f.code, title: about.title, category: "data", department: "", description: "",
        help: (about.help, SARIFMarkdown.escape(about.help)), severity: f.severity, dataset: nil)
    }
  }

  private mutating func add(
    id: String, title: String, category: String, department: String, description: String,
    help: (text: String, markdown: String)?, severity: RuleSeverity, dataset: String?
  ) {
    let short = title.isEmpty ? id : title
    let full = (description.isEmpty ? short : description) + (category.isEmpty ? "" : "\n\(categoryLabel): \(category)")
    var properties: [(String, JSONValue)] = [("category", .string(category)), ("department", .string(department))]
    if let dataset { properties.append(("dataset", .string(dataset))) }
    var tags: [String] = []
    for tag in [category, department] where !tag.isEmpty && !tags.contains(tag) { tags.append(tag) }
    properties.append(("tags", .array(tags.map(JSONValue.string))))
    let help = help ?? (full, SARIFMarkdown.escape(full))
    index[id] = descriptors.count
    descriptors.append(
      .object([
        ("id", .string(id)),
        ("name", .string(SARIFReporter.pascalCase(id))),
        ("shortDescription", SARIFReporter.text(short)),
        ("fullDescription", SARIFReporter.text(full)),
        ("help", .object([("text", .string(help.text)), ("markdown", .string(help.markdown))])),
        ("defaultConfiguration", .object([("level", SARIFReporter.level(severity))])),
        ("properties", .object(properties)),
      ]))
  }

  /// The basis (依据) and measure (工作措施) as help text and Markdown; nil when both are empty.
  static func help(basis: String, measure: String, labels: Labels) -> (text: String, markdown: String)? {
    let parts = [(labels.basis, basis), (labels.measure, measure)].filter { !$0.1.isEmpty }
    if parts.isEmpty { return nil }
    return (
      parts.map { "\($0.0): \($0.1)" }.joined(separator: "\n"),
      parts.map { "**\(SARIFMarkdown.escape($0.0))**: \(SARIFMarkdown.escape($0.1))" }.joined(separator: "\n\n")
    )
  }

  /// What a data-finding code means and what to do about it.
  static func findingCode(_ code: String, labels: Labels) -> (title: String, help: String) {
    let zh = labels.language == .zh
    switch code {
    case "data.invalid-value":
      return zh
        ? ("单元格的值不符合该列的类型", "请在导出数据中更正该单元格，或在规则包中更正该列的类型。")
        : ("A cell does not hold a value of its column's type", "Correct the cell in the export, or the column's type in the pack.")
    case "data.malformed-row":
      return zh
        ? ("记录的字段数与表头不符，已跳过", "请检查导出文件中该记录的引号和分隔符。")
        : ("A record's field count differs from the header; it was skipped", "Check the record's quoting and delimiters in the export.")
    case "waiver.expired":
      return zh
        ? ("豁免已过期，不再豁免任何违规", "请重新审批并延长该豁免，或删除它并整改相应问题。")
        : ("A waiver has expired and waives nothing", "Renew the waiver with a new approval, or remove it and fix the violations.")
    default:
      return (code, code)
    }
  }
}

/// Where results point: artifact locations under the `DATA` and `%SRCROOT%` bases.
struct SARIFPlaces {
  /// `--data` as given on the command line, when it was.
  let dataFolder: String?
  /// `--waivers` as given on the command line, when it was.
  let waiversFile: String?
  /// Pack-relative path → path as given, for datasets read from the pack (`path:`).
  let packFiles: [String: String]

  init(_ result: CheckResult) {
    dataFolder = Self.option("--data", in: result.provenance.commandLine)
    waiversFile = Self.option("--waivers", in: result.provenance.commandLine)
    var packFiles: [String: String] = [:]
    for compiled in result.rules {
      if case .packFile(let path, let relative) = compiled.dataset.source { packFiles[relative] = path }
    }
    self.packFiles = packFiles
  }

  /// The value of `--name VALUE` or `--name=VALUE` (the last one given).
  static func option(_ name: String, in arguments: [String]) -> String? {
    var value: String?
    for (i, argument) in arguments.enumerated() {
      if argument == name, i + 1 < arguments.count {
        value = arguments[i + 1]
      } else if argument.hasPrefix(name + "=") {
        value = String(argument.dropFirst(name.count + 1))
      }
    }
    return value
  }

  /// A file named relative to the data folder (or to the pack, for a pack dataset).
  func data(_ file: String) -> [(String, JSONValue)] {
    if let given = packFiles[file] { return self.given(given) }
    return [("uri", .string(SARIFReporter.uriReference(file))), ("uriBaseId", .string("DATA"))]
  }

  /// A path as given on the command line: relative to the folder comply ran in, or absolute.
  func given(_ path: String) -> [(String, JSONValue)] {
    if path.hasPrefix("/") { return [("uri", .string("file://" + SARIFReporter.uriReference(path)))] }
    return [("uri", .string(SARIFReporter.uriReference(path))), ("uriBaseId", .string("%SRCROOT%"))]
  }

  func location(_ artifact: [(String, JSONValue)], line: Int?, message: String? = nil) -> JSONValue {
    var physical: [(String, JSONValue)] = [("artifactLocation", .object(artifact))]
    if let line { physical.append(("region", .object([("startLine", .int(line))]))) }
    var pairs: [(String, JSONValue)] = [("physicalLocation", .object(physical))]
    if let message { pairs.append(("message", SARIFReporter.text(message))) }
    return .object(pairs)
  }

  /// `%SRCROOT%` left to the consumer (the checkout); `DATA` the data folder within it.
  var originalUriBaseIds: JSONValue {
    var data: [(String, JSONValue)] = []
    if let folder = dataFolder {
      var trimmed = folder
      while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
      data = given(trimmed.hasSuffix("/") ? trimmed : trimmed + "/")
    }
    data.append(("description", SARIFReporter.text("The data folder (--data).")))
    return .object([
      ("%SRCROOT%", .object([("description", SARIFReporter.text("The folder comply ran in."))])),
      ("DATA", .object(data)),
    ])
  }
}

/// Escaping of user text for SARIF's `help.markdown` (GitHub-flavoured Markdown).
enum SARIFMarkdown {
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      if "\\`*_[]<>#|~&".contains(c) { out.append("\\") }
      out.append(c)
    }
    return out.replacingOccurrences(of: "\n", with: "  \n")
  }
}
