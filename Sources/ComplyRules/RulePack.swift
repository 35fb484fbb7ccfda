// The rule-pack model (SPEC §2.1, §2.2, §2.4): datasets, columns, lists, constants, rules,
// joins, aggregates, expected groups and examples, each keeping where it was written.

public import ComplyCore
public import ComplyCSV
public import ComplyExpr
public import ComplyYAML

/// A declared column of a dataset.
public struct ColumnSpec: Sendable {
  public var name: String
  public var type: ColumnType
  public var required: Bool
  public var aliases: [String]
  public var pii: Bool
  public var grades: GradeSystem
  public var location: SourceLocation
}

/// A dataset: CSV files under `--data` (`files` globs) or a table shipped in the pack (`path`).
public struct DatasetSpec: Sendable {
  public enum Source: Sendable {
    /// Globs relative to the data folder.
    case files([String])
    /// A file relative to the pack folder, resolved to an absolute path.
    case packFile(absolute: String, relative: String)
  }

  public var name: String
  public var title: String?
  public var source: Source
  public var key: [String]
  public var columns: [ColumnSpec]
  public var optional: Bool
  /// `encoding:`, forcing this dataset's encoding.
  public var encoding: TextEncoding?
  public var delimiter: UInt8?
  public var location: SourceLocation

  public func columnIndex(_ name: String) -> Int? {
    columns.firstIndex { $0.name == name }
  }
}

public enum RuleSeverity: String, CaseIterable, Sendable, Comparable {
  case error, warning, info

  /// error > warning > info.
  public var rank: Int {
    switch self {
    case .error: return 3
    case .warning: return 2
    case .info: return 1
    }
  }

  public static func < (a: RuleSeverity, b: RuleSeverity) -> Bool { a.rank < b.rank }
}

/// `join: {name: {dataset: d, on: {left: right}}}`.
public struct JoinSpec: Sendable {
  public var name: String
  public var dataset: String
  /// (column of the rule's dataset or group, column of the joined dataset).
  public var on: [(left: String, right: String)]
  public var location: SourceLocation
}

/// `expect: {dataset: d, per: [...]}`.
public struct ExpectSpec: Sendable {
  public var dataset: String
  public var per: [String]
  public var location: SourceLocation
}

/// One `examples:` entry.
public struct RuleExample: Sendable {
  public enum Input: Sendable {
    /// `row:` column → YAML scalar (nil for YAML null).
    case row([(column: YAMLScalar, value: YAMLScalar?)])
    /// `data:` dataset → rows.
    case data([(dataset: YAMLScalar, rows: [[(column: YAMLScalar, value: YAMLScalar?)]])])
  }

  public enum Expectation: Sendable {
    case violates(Bool)
    case violations(Int)
  }

  public var input: Input
  public var expectation: Expectation
  public var location: SourceLocation
}

/// A rule as written, with its source scalars kept for located type errors.
public struct Rule: Sendable {
  public var id: String
  public var title: String
  public var category: String
  public var department: String
  public var ownerTemplate: YAMLScalar?
  public var severity: RuleSeverity
  public var basis: String
  public var measure: String
  public var description: String
  public var dataset: String
  public var datasetLocation: SourceLocation
  public var when: YAMLScalar?
  /// The `require:` or `forbid:` expression.
  public var condition: YAMLScalar
  public var isForbid: Bool
  public var messageTemplate: YAMLScalar?
  public var joins: [JoinSpec]
  public var groupBy: [YAMLScalar]
  public var compute: [(name: YAMLScalar, expression: YAMLScalar)]
  public var expect: ExpectSpec?
  public var examples: [RuleExample]
  public var location: SourceLocation
  /// The rule file, as given on the command line.
  public var file: String

  public var isAggregate: Bool { !groupBy.isEmpty }
}

/// A loaded, merged rule pack (base pack plus overlays).
public struct RulePack: Sendable {
  public var datasets: [String: DatasetSpec] = [:]
  public var lists: [String: ListConstant] = [:]
  public var constants: [String: Value] = [:]
  /// Rules in pack order; overlays replace by id in place and append new ones.
  public var rules: [Rule] = []
  /// Every YAML file read, in order, for provenance.
  public var files: [String] = []

  public init() {}
}
