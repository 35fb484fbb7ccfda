// Every report format on a shipped sample school, as golden files, so that a change in any
// rule's result or any reporter shows up in review. File digests in the provenance are blanked
// (an edit of a comment in the pack would otherwise change every golden; the JSON golden in
// SamplesTests pins the data files' digests).

import Foundation
import Testing

struct SampleReportFormatsTests {
  static let school = "第一小学"

  /// Blanks every SHA-256 (64 hex digits).
  static func normalized(_ text: String) -> String {
    guard let regex = try? NSRegularExpression(pattern: #"\b[0-9a-f]{64}\b"#) else { return text }
    return regex.stringByReplacingMatches(
      in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "…")
  }

  @Test(arguments: [
    ("text", "txt"), ("csv", "csv"), ("markdown", "md"), ("html", "html"), ("sarif", "sarif"),
    ("junit", "junit.xml"),
  ])
  func formatMatchesGolden(format: String, ext: String) throws {
    let r = try CLI.run(
      [
        "check", "--rules", "Rules", "--data", "Samples/\(Self.school)", "--format", format,
        "--today", "2026-11-27", "--lang", "zh",
      ], environment: ["LANG": "C.UTF-8"])
    #expect(r.status == 1, "\(r.stderr)")
    assertSnapshot(Self.normalized(r.stdout), named: "samples-\(Self.school).\(ext)")
  }
}
