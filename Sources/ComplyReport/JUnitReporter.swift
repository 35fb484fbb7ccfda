// JUnitReporter: being written (interim: the JSON report).

public import ComplyEngine

public enum JUnitReporter: Reporter {
  public static let identifier = "junit"

  public static func render(_ result: CheckResult, context: ReportContext) -> String {
    JSONReporter.render(result, context: context)
  }
}
