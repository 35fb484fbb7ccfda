// `comply check`: runs the rules over the data folder and prints or writes the reports.

import ArgumentParser
import ComplyCore
import ComplyEngine
import ComplyReport
import ComplyRules
import Foundation

extension ReportFormat: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}

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

/// `--report FORMAT=FILE`.
struct ReportTarget: ExpressibleByArgument {
  var format: ReportFormat
  var path: String

  init?(argument: String) {
    guard let eq = argument.firstIndex(of: "="), let format = ReportFormat(rawValue: String(argument[..<eq])),
      argument.index(after: eq) < argument.endIndex
    else { return nil }
    self.format = format
    path = String(argument[argument.index(after: eq)...])
  }
}

extension ComplyCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every rule over the data and report violations.")

    @OptionGroup var pack: RulesOptions
    @Option(help: "The folder holding the CSV exports.") var data: String
    @Option(help: "Report format on stdout (or in --output).") var format: ReportFormat = .text
    @Option(help: "Write the report to this file (atomically) instead of stdout.") var output: String?
    @Option(help: ArgumentHelp("Also write a report in FORMAT to FILE, from the same run; repeatable.", valueName: "format=file"))
    var report: [ReportTarget] = []
    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1.") var failOn: FailOn = .error
    @Option(help: "Run only rules whose id matches (a glob); repeatable.") var rule: [String] = []
    @Option(help: "Run only rules of this category; repeatable.") var category: [String] = []
    @Option(help: "An earlier JSON report: mark violations new or persisting, list resolved ones.") var baseline: String?
    @Option(help: "A YAML file of approved waivers.") var waivers: String?
    @Flag(name: .customLong("no-mask"), help: "Show personal data (pii columns) unmasked.") var noMask = false
    @Option(help: "Force the encoding of every data file (utf-8, gb18030, gbk, utf-16 …).") var encoding: String?
    @Option(help: "The date rules and waivers are judged against (YYYY-MM-DD); default today.") var today: String?
    @Option(help: "Report language (default: zh when LANG starts with zh, else en).") var lang: ReportLanguage?
    @Flag(help: "Print no report on stdout; only the exit status tells.") var quiet = false
    @Option(help: "Threads that check a large dataset (default: one per core); the report is the same.")
    var jobs: Int?

    func run() throws {
      if let jobs, jobs < 1 { throw ComplyError("--jobs must be at least 1, not \(jobs)") }
      let day = try Today.parse(today)
      let compiled = try pack.compiledPack(today: day)
      var waiverSet = WaiverSet()
      if let waivers { waiverSet = try WaiverSet.load(waivers, pack: compiled, today: day) }
      let bar = quiet ? nil : ProgressBar.forStderr()
      var progress: (@Sendable (Int, Int, Int) -> Void)?
      if let bar { progress = { bar.update(bytes: $0, total: $1, rows: $2) } }
      let previous = try baseline.map { (path: String) throws(ComplyError) in try Baseline(path: path) }
      let options = CheckOptions(
        dataDirectory: data, today: day, encoding: encoding, mask: !noMask, rulePatterns: rule,
        categories: category,
        fingerprintSecret: ProcessInfo.processInfo.environment["COMPLY_FINGERPRINT_SECRET"],
        waivers: waiverSet, waiversFile: waivers, baseline: previous,
        commandLine: Array(CommandLine.arguments.dropFirst()), progress: progress, workers: jobs)
      let result = try Engine.check(compiled, options: options)
      bar?.finish()
      let language = lang ?? ReportLanguage(environment: ProcessInfo.processInfo.environment["LANG"])
      if !quiet {
        for s in result.skippedRules where format != .text { Terminal.note("skipped \(s.rule): \(s.reason)") }
      }
      for target in report {
        let bytes = target.format.reporter.utf8(result, context: ReportContext(language: language))
        try AtomicFileWriter.write(bytes, to: target.path)
      }
      // With --quiet and no --output the report goes nowhere: it is not rendered.
      if output != nil || !quiet {
        let colour = output == nil && format == .text && Terminal.wantsColour(1)
        let bytes = format.reporter.utf8(result, context: ReportContext(colour: colour, language: language))
        if let output {
          try AtomicFileWriter.write(bytes, to: output)
        } else {
          FileHandle.standardOutput.write(Data(bytes))
        }
      }
      let failing =
        result.violations.contains { !$0.waived && $0.status == "new" && failOn.fails($0.severity) }
        || result.findings.contains { failOn.fails($0.severity) }
      ProcessExit.leaveToExit(result)
      if failing { throw ExitCode(1) }
    }
  }
}
