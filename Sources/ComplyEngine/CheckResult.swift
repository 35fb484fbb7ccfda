// CheckResult: what a check produced — violations, data findings, what was read and what
// was skipped. Reports render it; the CLI derives the exit status from it.

import ComplyCore
public import ComplyCore
public import ComplyRules

/// One rule violation: a row, or a group of an aggregate rule.
public struct Violation: Sendable {
  public var ruleID: String
  public var severity: RuleSeverity
  public var category: String
  public var department: String
  public var owner: String
  public var title: String
  public var message: String
  public var dataset: String
  /// The record's file relative to `--data` (or to the pack for its own tables); nil for an
  /// expected group with no rows.
  public var file: String?
  public var line: Int?
  /// Up to 20 lines of a group; `[line]` for a row.
  public var lines: [Int]
  /// Group column → value of an aggregate rule's group (masked where pii).
  public var group: [(column: String, value: String)]?
  /// The record's `key` columns → values (masked where pii); nil without a key.
  public var key: [(column: String, value: String)]?
  public var fingerprint: String
  /// `new` or `persisting` against a baseline; `new` without one.
  public var status: String = "new"
  public var waived: Bool = false
}

extension [Violation] {
  /// Appends the violations of `other` in order and leaves it empty, moving each rather than
  /// copying it (a rule's runner takes over the other workers' violations): `+=` copied every
  /// violation (a retain of each of its Strings and arrays) and freeing `other` released them
  /// again (perf). Array has no move-append; `popLast` and `append` move, and so does swapping
  /// in an unsafe buffer (Array's own `reverse` copied each element).
  mutating func append(movingFrom other: inout [Violation]) {
    if isEmpty, capacity < other.count {
      swap(&self, &other)
      return
    }
    other.withUnsafeMutableBufferPointer { $0.reverse() }
    while let v = other.popLast() { append(v) }
  }
}

/// A problem with the data itself (`data.invalid-value`, `data.malformed-row`, …).
public struct Finding: Sendable {
  public var code: String
  public var severity: RuleSeverity
  public var file: String?
  public var line: Int?
  public var column: String?
  public var text: String?
  public var message: String
}

/// What was read of one dataset.
public struct DatasetSummary: Sendable {
  public var files: [String]
  public var rows: Int
}

/// What exactly was checked, so that an inspector can reproduce a report.
public struct Provenance: Sendable {
  public var toolVersion: String
  /// The command line as typed (arguments after the executable name).
  public var commandLine: [String]
  /// The date `$today` and waivers were judged against.
  public var today: Day
  public var ruleFiles: [(path: String, sha256: String)]
  public var dataFiles: [(dataset: String, path: String, sha256: String, rows: Int)]
}

public struct CheckResult: Sendable {
  /// The rules that ran (after `--rule`/`--category` selection and skips).
  public var rules: [CompiledRule]
  /// Ordered by rule id, then file, then line.
  public var violations: [Violation]
  public var findings: [Finding]
  public var datasets: [(name: String, summary: DatasetSummary)]
  public var skippedRules: [(rule: String, reason: String)]
  /// Baseline violations no longer found (`status == "resolved"`); empty without a baseline.
  public var resolved: [Violation] = []
  public var provenance: Provenance
}
