// CompiledRule: a rule after type checking, with every expression compiled against the
// column indexes of its dataset. This is what the engine runs and `validate` proves.

public import ComplyCore
public import ComplyExpr

/// A join resolved to column positions.
public struct CompiledJoin: Sendable {
  public var name: String
  public var dataset: String
  /// Where each key part comes from: a row column (row rules) or a group column (aggregates).
  public var left: [ValueRef]
  /// The joined dataset's key columns (indexes into its declared columns).
  public var right: [Int]
  public var location: SourceLocation
}

/// An aggregate rule's grouping plan.
public struct AggregatePlan: Sendable {
  /// Group columns (indexes into the dataset's columns), in `group_by` order.
  public var groupBy: [Int]
  public var groupNames: [String]
  /// The aggregate calls every group accumulates; `frame.aggregates[i]` is call `i`'s result.
  public var calls: [AggregateCall]
  /// `compute:` values, evaluated per group after the calls; `frame.computed[i]`.
  public var computed: [(name: String, expression: CompiledExpression)]
  public var expect: ExpectPlan?
}

/// Expected groups: every observed `per` tuple crossed with the matching rows of a dataset.
public struct ExpectPlan: Sendable {
  public var dataset: String
  /// Positions in `groupBy` of the `per` columns.
  public var perPositions: [Int]
  /// For each group position not in `per`: the expect dataset's column index supplying it.
  public var suppliedPositions: [(groupPosition: Int, column: Int)]
  /// Shared columns: (group position in per, expect dataset column) that must agree.
  public var agreePositions: [(groupPosition: Int, column: Int)]
}

public final class CompiledRule: @unchecked Sendable {
  public let rule: Rule
  public let dataset: DatasetSpec
  public let when: CompiledExpression?
  public let condition: CompiledExpression
  public let message: CompiledTemplate
  public let owner: CompiledTemplate?
  public let joins: [CompiledJoin]
  public let aggregate: AggregatePlan?
  /// `(dataset, column)` value sets read by `x in dataset.column`; `frame.sets[i]`.
  public let sets: [(dataset: String, column: String)]
  /// The names the condition sees (row or group scope); waivers compile against it.
  let scope: Scope

  init(
    rule: Rule, dataset: DatasetSpec, when: CompiledExpression?, condition: CompiledExpression,
    message: CompiledTemplate, owner: CompiledTemplate?, joins: [CompiledJoin],
    aggregate: AggregatePlan?, sets: [(dataset: String, column: String)], scope: Scope
  ) {
    self.scope = scope
    self.rule = rule
    self.dataset = dataset
    self.when = when
    self.condition = condition
    self.message = message
    self.owner = owner
    self.joins = joins
    self.aggregate = aggregate
    self.sets = sets
  }

  /// Every dataset this rule reads besides its own: joins, value sets, expected groups.
  public var lookupDatasets: Set<String> {
    var names = Set(joins.map(\.dataset)).union(sets.map(\.dataset))
    if let e = aggregate?.expect { names.insert(e.dataset) }
    return names
  }
}

/// A type-checked pack: every enabled rule compiled.
public struct CompiledPack: @unchecked Sendable {
  public var pack: RulePack
  public var rules: [CompiledRule]
}
