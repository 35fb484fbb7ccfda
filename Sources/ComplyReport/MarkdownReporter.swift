// MarkdownReporter: being written (interim: the JSON report).

public import ComplyEngine

public enum MarkdownReporter: Reporter {
  public static let identifier = "markdown"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    JSONReporter.render(result, context: context)
  }
}
