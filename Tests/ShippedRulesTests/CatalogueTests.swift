// The rule catalogue committed in Rules/README.md (between `<!-- catalogue:start -->` and
// `<!-- catalogue:end -->`) is exactly what `comply list --rules Rules --format markdown` prints
// for the shipped pack; a rule added, removed or retitled without regenerating it fails here.

import ComplyCore
import ComplyReport
import ComplyRules
import Foundation
import Testing

struct CatalogueTests {
  static let startMarker = "<!-- catalogue:start -->"
  static let endMarker = "<!-- catalogue:end -->"

  /// The text between the markers, without the newlines that close the marker lines.
  static func committedCatalogue() throws -> String {
    let readme = try String(contentsOf: ShippedPack.rules.appendingPathComponent("README.md"), encoding: .utf8)
    let starts = readme.components(separatedBy: startMarker)
    let ends = readme.components(separatedBy: endMarker)
    #expect(starts.count == 2, "Rules/README.md must hold '\(startMarker)' exactly once")
    #expect(ends.count == 2, "Rules/README.md must hold '\(endMarker)' exactly once")
    guard let start = readme.range(of: startMarker), let end = readme.range(of: endMarker),
      start.upperBound <= end.lowerBound
    else {
      Issue.record("Rules/README.md has no catalogue markers in order")
      return ""
    }
    var text = String(readme[start.upperBound..<end.lowerBound])
    if text.hasPrefix("\n") { text.removeFirst() }
    return text
  }

  @Test func committedCatalogueMatchesThePack() throws {
    let pack = try ShippedPack.load()
    let expected = RuleCatalog.markdown(pack.rules.map(\.rule))
    let committed = try Self.committedCatalogue()
    if committed != expected {
      let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
      let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
      let shownA = first < a.count ? String(a[first]) : "(end)"
      let shownB = first < b.count ? String(b[first]) : "(end)"
      Issue.record(
        """
        Rules/README.md catalogue is stale (first difference at table line \(first + 1)):
          committed: \(shownA)
          expected:  \(shownB)
        Regenerate it with `comply list --rules Rules --format markdown` and paste the output between the markers.
        """)
    }
  }

  @Test func catalogueListsEveryRuleOnce() throws {
    let pack = try ShippedPack.load()
    let committed = try Self.committedCatalogue()
    let ids = committed.split(separator: "\n").dropFirst(2).compactMap { line in
      line.split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    #expect(ids.count == Set(ids).count, "a rule id appears twice in the catalogue")
    #expect(Set(ids) == Set(pack.rules.map(\.rule.id)))
  }
}
