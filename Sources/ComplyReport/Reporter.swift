// Reporter: the one interface every report format implements, the registry of formats, and
// what a report needs to know besides the result (colour, language, tool version).

public import ComplyCore
public import ComplyEngine

/// How a report is rendered.
public struct ReportContext: Sendable {
  public var colour: Bool
  public var language: ReportLanguage
  public var toolVersion: String

  public init(colour: Bool = false, language: ReportLanguage = .en, toolVersion: String = ComplyVersion.current) {
    self.colour = colour
    self.language = language
    self.toolVersion = toolVersion
  }

  public var labels: Labels { Labels(language) }
}

/// A report format: a pure function from a result to text.
public protocol Reporter {
  static var identifier: String { get }
  static func render(_ result: CheckResult, context: ReportContext) -> String
  /// The text's UTF-8 bytes, as the CLI writes them; a format whose reports get large makes
  /// them without a String in between.
  static func utf8(_ result: CheckResult, context: ReportContext) -> [UInt8]
}

extension Reporter {
  public static func utf8(_ result: CheckResult, context: ReportContext) -> [UInt8] {
    Array(render(result, context: context).utf8)
  }
}

/// The formats `--format` and `--report` accept, by identifier.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json, csv, markdown, html, sarif, junit

  public var reporter: any Reporter.Type {
    switch self {
    case .text: return TextReporter.self
    case .json: return JSONReporter.self
    case .csv: return CSVReporter.self
    case .markdown: return MarkdownReporter.self
    case .html: return HTMLReporter.self
    case .sarif: return SARIFReporter.self
    case .junit: return JUnitReporter.self
    }
  }
}
