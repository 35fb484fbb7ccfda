// JUnitReporter: JUnit XML for CI test reports (GitLab `artifacts:reports:junit`, Jenkins,
// Azure). Suite `comply` has one test case per rule that ran — classname its category (or its
// dataset), name `ID title` — failing with one line per violation that is not waived, then one
// skipped case per skipped rule. Suite `comply.data`, present when there are data findings, has
// one failing case per finding code. No timestamps or durations, so the file is reproducible.

public import ComplyEngine
import ComplyRules

/// `--format junit`: a JUnit XML report, one test case per rule.
public enum JUnitReporter: Reporter {
  public static let identifier = "junit"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    let labels = context.labels
    let byRule = Dictionary(grouping: result.violations, by: \.ruleID)
    var rules: [TestCase] = result.rules.map { compiled in
      let r = compiled.rule
      let violations = byRule[r.id] ?? []
      let open = violations.filter { !$0.waived }
      let waived = violations.filter(\.waived)
      return TestCase(
        classname: r.category.isEmpty ? r.dataset : r.category,
        name: r.title.isEmpty ? r.id : "\(r.id) \(r.title)",
        outcome: open.isEmpty
          ? .passed
          : .failed(
            message: count(open.count, zh: "条违规", en: "violation", labels), type: r.severity.rawValue,
            text: open.map { line($0, labels) }.joined(separator: "\n")),
        output: waived.map { line($0, labels) }.joined(separator: "\n"))
    }
    rules += result.skippedRules.map {
      TestCase(classname: "comply", name: $0.rule, outcome: .skipped(message: $0.reason), output: "")
    }
    var suites = [Suite(name: "comply", properties: properties(result.provenance), cases: rules)]
    var codes: [String] = []
    for f in result.findings where !codes.contains(f.code) { codes.append(f.code) }
    if !codes.isEmpty {
      suites.append(
        Suite(
          name: "comply.data", properties: [],
          cases: codes.sorted().map { code in
            let findings = result.findings.filter { $0.code == code }
            let severity = findings.map(\.severity).max() ?? .warning
            return TestCase(
              classname: "data", name: code,
              outcome: .failed(
                message: count(findings.count, zh: "条数据问题", en: "data finding", labels), type: severity.rawValue,
                text: findings.map { place($0.file, $0.line, labels) + " " + $0.message }.joined(separator: "\n")),
              output: "")
          }))
    }
    return document(suites)
  }

  struct TestCase {
    enum Outcome {
      case passed
      case failed(message: String, type: String, text: String)
      case skipped(message: String)
    }

    var classname: String
    var name: String
    var outcome: Outcome
    /// `<system-out>` text (the waived violations); none when empty.
    var output: String
  }

  struct Suite {
    var name: String
    var properties: [(name: String, value: String)]
    var cases: [TestCase]

    var failures: Int { cases.filter { if case .failed = $0.outcome { return true } else { return false } }.count }
    var skipped: Int { cases.filter { if case .skipped = $0.outcome { return true } else { return false } }.count }
  }

  static func document(_ suites: [Suite]) -> String {
    func counts(name: String, tests: Int, failures: Int, skipped: Int) -> String {
      "name=\"\(XMLEscaping.attribute(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
    }
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites " + counts(
      name: "comply", tests: suites.reduce(0) { $0 + $1.cases.count },
      failures: suites.reduce(0) { $0 + $1.failures }, skipped: suites.reduce(0) { $0 + $1.skipped }) + ">\n"
    for suite in suites {
      out += "  <testsuite " + counts(
        name: suite.name, tests: suite.cases.count, failures: suite.failures, skipped: suite.skipped) + ">\n"
      if !suite.properties.isEmpty {
        out += "    <properties>\n"
        for p in suite.properties {
          out += "      <property name=\"\(XMLEscaping.attribute(p.name))\" value=\"\(XMLEscaping.attribute(p.value))\"/>\n"
        }
        out += "    </properties>\n"
      }
      for c in suite.cases {
        out += "    <testcase classname=\"\(XMLEscaping.attribute(c.classname))\" name=\"\(XMLEscaping.attribute(c.name))\""
        var body = ""
        switch c.outcome {
        case .passed: break
        case .failed(let message, let type, let text):
          body += "      <failure message=\"\(XMLEscaping.attribute(message))\" type=\"\(XMLEscaping.attribute(type))\">"
            + XMLEscaping.text(text) + "</failure>\n"
        case .skipped(let message):
          body += "      <skipped message=\"\(XMLEscaping.attribute(message))\"/>\n"
        }
        if !c.output.isEmpty { body += "      <system-out>" + XMLEscaping.text(c.output) + "</system-out>\n" }
        out += body.isEmpty ? "/>\n" : ">\n" + body + "    </testcase>\n"
      }
      out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  static func properties(_ p: Provenance) -> [(name: String, value: String)] {
    var out = [(name: "comply.version", value: p.toolVersion), (name: "today", value: p.today.description)]
    if !p.commandLine.isEmpty { out.append((name: "command", value: SARIFReporter.commandLine(p.commandLine))) }
    return out
  }

  /// `file:line message`, with the status when it is not plain `new`.
  static func line(_ v: Violation, _ labels: Labels) -> String {
    var text = place(v.file, v.line, labels) + " " + v.message
    if v.waived || v.status != "new" { text += " [\(labels.status(v.status, waived: v.waived))]" }
    return text
  }

  static func place(_ file: String?, _ line: Int?, _ labels: Labels) -> String {
    guard let file else { return labels.noRows }
    return line.map { "\(file):\($0)" } ?? file
  }

  static func count(_ n: Int, zh: String, en: String, _ labels: Labels) -> String {
    labels.language == .zh ? "\(n) \(zh)" : "\(n) \(en)\(n == 1 ? "" : "s")"
  }
}
