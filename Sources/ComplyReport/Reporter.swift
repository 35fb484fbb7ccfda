// Reporter: the one interface every report format implements, the registry of formats, and
// what a report needs to know besides the result (colour, tool version).

public import ComplyEngine

/// How a report is rendered.
public struct ReportContext: Sendable {
  public var colour: Bool
  public var toolVersion: String

  public init(colour: Bool = false, toolVersion: String = ComplyVersion.current) {
    self.colour = colour
    self.toolVersion = toolVersion
  }
}

public enum ComplyVersion {
  public static let current = "0.1.0"
}

/// A report format: a pure function from a result to text.
public protocol Reporter {
  static var identifier: String { get }
  static func render(_ result: CheckResult, context: ReportContext) -> String
}

/// The formats `--format` accepts, by identifier.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json

  public var reporter: any Reporter.Type {
    switch self {
    case .text: return TextReporter.self
    case .json: return JSONReporter.self
    }
  }
}
