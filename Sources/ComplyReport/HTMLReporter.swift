// HTMLReporter: being written (interim: the JSON report).

public import ComplyEngine

public enum HTMLReporter: Reporter {
  public static let identifier = "html"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    JSONReporter.render(result, context: context)
  }
}
