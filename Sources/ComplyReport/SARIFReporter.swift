// SARIFReporter: being written (interim: the JSON report).

public import ComplyEngine

public enum SARIFReporter: Reporter {
  public static let identifier = "sarif"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    JSONReporter.render(result, context: context)
  }
}
