// `comply check`: runs the rules over the data folder and prints or writes the report.

import ArgumentParser
import ComplyCore
import ComplyEngine
import ComplyReport
import ComplyRules
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// The lowest severity that fails the run.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
  case error, warning, info, never

  func fails(_ severity: RuleSeverity) -> Bool {
    switch self {
    case .never: return false
    case .error: return severity >= .error
    case .warning: return severity >= .warning
    case .info: return true
    }
  }
}

extension ComplyCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every rule over the data and report violations.")

    @OptionGroup var pack: RulesOptions
    @Option(help: "The folder holding the CSV exports.") var data: String
    @Option(help: "Report format.") var format: ReportFormat = .text
    @Option(help: "Write the report to this file (atomically) instead of stdout.") var output: String?
    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1.") var failOn: FailOn = .error
    @Option(help: "Run only rules whose id matches (a glob); repeatable.") var rule: [String] = []
    @Option(help: "Run only rules of this category; repeatable.") var category: [String] = []
    @Flag(name: .customLong("no-mask"), help: "Show personal data (pii columns) unmasked.") var noMask = false
    @Option(help: "Force the encoding of every data file (utf-8, gb18030, gbk, utf-16 …).") var encoding: String?
    @Option(help: "The date rules and waivers are judged against (YYYY-MM-DD); default today.") var today: String?
    @Flag(help: "Print no report on stdout; only the exit status tells.") var quiet = false

    func run() throws {
      let day = try Today.parse(today)
      let compiled = try pack.compiledPack(today: day)
      let options = CheckOptions(
        dataDirectory: data, encoding: encoding, mask: !noMask, rulePatterns: rule,
        categories: category,
        fingerprintSecret: ProcessInfo.processInfo.environment["COMPLY_FINGERPRINT_SECRET"])
      let result = try Engine.check(compiled, options: options)
      if !quiet {
        for s in result.skippedRules where format != .text { Terminal.note("skipped \(s.rule): \(s.reason)") }
      }
      let toStdout = output == nil
      let context = ReportContext(colour: toStdout && format == .text && Terminal.wantsColour(1))
      let text = format.reporter.render(result, context: context)
      if let output {
        try AtomicFileWriter.write(text, to: output)
      } else if !quiet {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
      let failing =
        result.violations.contains { !$0.waived && $0.status == "new" && failOn.fails($0.severity) }
        || result.findings.contains { failOn.fails($0.severity) }
      if failing { throw ExitCode(1) }
    }
  }
}
