// RuleCompiler: type-checks a merged pack and compiles every rule. Builds the scopes that give
// expressions their names: a row scope (the dataset's columns), and for aggregate rules a
// group scope (group columns, computed names, joins keyed on group columns) whose aggregate
// calls are checked in the row scope. Every error points into the YAML file.

import ComplyCore
import ComplyExpr
import ComplyYAML

enum RuleCompiler {
  /// Compiles every rule of `pack`, reporting problems to `sink`; rules with errors are left out.
  static func compile(_ pack: RulePack, today: Day, sink: DiagnosticSink) -> CompiledPack {
    let context = Context(pack: pack, today: today, sink: sink)
    return CompiledPack(pack: pack, rules: pack.rules.compactMap(context.compile))
  }
}

private struct Context {
  let pack: RulePack
  let today: Day
  let sink: DiagnosticSink
  let datasetTypes: [String: [String: ExprType]]

  init(pack: RulePack, today: Day, sink: DiagnosticSink) {
    self.pack = pack
    self.today = today
    self.sink = sink
    var types: [String: [String: ExprType]] = [:]
    for (name, d) in pack.datasets {
      types[name] = Dictionary(d.columns.map { ($0.name, ExprType($0.type)) }, uniquingKeysWith: { a, _ in a })
    }
    datasetTypes = types
  }

  func newScope(_ registry: CompileRegistry) -> Scope {
    let scope = Scope(registry: registry)
    scope.datasets = datasetTypes
    scope.lists = pack.lists
    scope.constants = pack.constants
    scope.constants["today"] = .date(today)
    return scope
  }

  func dataset(_ name: String, at location: SourceLocation) -> DatasetSpec? {
    if let d = pack.datasets[name] { return d }
    sink.error("unknown dataset '\(name)'\(Suggestion.hint(for: name, in: pack.datasets.keys))", at: location)
    return nil
  }

  func compile(_ rule: Rule) -> CompiledRule? {
    guard let dataset = dataset(rule.dataset, at: rule.datasetLocation) else { return nil }
    let registry = CompileRegistry()
    let rowScope = newScope(registry)
    for (i, c) in dataset.columns.enumerated() {
      rowScope.names[c.name] = Binding(type: ExprType(c.type), ref: .column(i), pii: c.pii)
    }
    let errorsBefore = sink.bag.diagnostics.count
    var aggregate: AggregatePlan?
    let outer: Scope
    if rule.isAggregate {
      let groupScope = newScope(registry)
      groupScope.rowScope = rowScope
      var groupBy: [Int] = []
      var groupNames: [String] = []
      for g in rule.groupBy {
        guard let i = dataset.columnIndex(g.value) else {
          sink.error("unknown column '\(g.value)' in group_by\(Suggestion.hint(for: g.value, in: dataset.columns.map(\.name)))", at: g.location)
          continue
        }
        let c = dataset.columns[i]
        groupScope.names[c.name] = Binding(type: ExprType(c.type), ref: .group(groupBy.count), pii: c.pii)
        groupBy.append(i)
        groupNames.append(c.name)
      }
      var computed: [(name: String, expression: CompiledExpression)] = []
      for (name, source) in rule.compute {
        if groupScope.names[name.value] != nil {
          sink.error("computed name '\(name.value)' is already a group column", at: name.location)
          continue
        }
        if let e = expression(source, in: groupScope, expecting: nil) { computed.append((name.value, e)) }
      }
      for (i, c) in computed.enumerated() {
        groupScope.names[c.name] = Binding(type: c.expression.type, ref: .computed(i))
      }
      aggregate = AggregatePlan(
        groupBy: groupBy, groupNames: groupNames, calls: [], computed: computed,
        expect: rule.expect.flatMap { expectPlan($0, groupNames: groupNames) })
      outer = groupScope
    } else {
      outer = rowScope
    }
    let joins = rule.joins.enumerated().compactMap { index, spec in
      compileJoin(spec, index: index, rule: rule, dataset: dataset, scope: outer)
    }
    let when = rule.when.flatMap { expression($0, in: rowScope, expecting: .boolean) }
    let condition = expression(rule.condition, in: outer, expecting: .boolean)
    let message =
      rule.messageTemplate.flatMap { template($0, in: outer) }
      ?? CompiledTemplate(parts: [.text(rule.title)])
    let owner = rule.ownerTemplate.flatMap { template($0, in: outer) }
    aggregate?.calls = registry.aggregates
    checkExamples(rule, dataset: dataset)
    guard let condition, sink.bag.diagnostics.count == errorsBefore else { return nil }
    return CompiledRule(
      rule: rule, dataset: dataset, when: when, condition: condition, message: message,
      owner: owner, joins: joins, aggregate: aggregate, sets: registry.sets, scope: outer)
  }

  /// Example cells must name declared columns and hold values of their types.
  func checkExamples(_ rule: Rule, dataset: DatasetSpec) {
    func check(_ cells: [(column: YAMLScalar, value: YAMLScalar?)], in spec: DatasetSpec) {
      for (column, value) in cells {
        guard let i = spec.columnIndex(column.value) else {
          sink.error("unknown column '\(column.value)' of dataset '\(spec.name)'\(Suggestion.hint(for: column.value, in: spec.columns.map(\.name)))", at: column.location)
          continue
        }
        let c = spec.columns[i]
        if let value, ValueParser.parse(value.value, as: c.type, grades: c.grades) == nil {
          sink.error("'\(value.value)' is not a valid \(c.type.rawValue) for column '\(c.name)'", at: value.location)
        }
      }
    }
    for example in rule.examples {
      switch example.input {
      case .row(let cells): check(cells, in: dataset)
      case .data(let sets):
        for (name, rows) in sets {
          guard let spec = self.dataset(name.value, at: name.location) else { continue }
          for row in rows { check(row, in: spec) }
        }
      }
    }
  }

  func expression(_ source: YAMLScalar, in scope: Scope, expecting: ExprType?) -> CompiledExpression? {
    switch ExpressionCompiler.compile(source.value, in: scope, expecting: expecting, locate: { source.location(ofOffset: $0) }) {
    case .success(let e): return e
    case .failure(let error):
      for d in error.diagnostics { sink.bag.add(d) }
      return nil
    }
  }

  func template(_ source: YAMLScalar, in scope: Scope) -> CompiledTemplate? {
    switch ExpressionCompiler.compileTemplate(source.value, in: scope, locate: { source.location(ofOffset: $0) }) {
    case .success(let t): return t
    case .failure(let error):
      for d in error.diagnostics { sink.bag.add(d) }
      return nil
    }
  }

  func compileJoin(_ spec: JoinSpec, index: Int, rule: Rule, dataset: DatasetSpec, scope: Scope) -> CompiledJoin? {
    guard let other = self.dataset(spec.dataset, at: spec.location) else { return nil }
    if scope.joins[spec.name] != nil {
      sink.error("join name '\(spec.name)' is already used", at: spec.location)
      return nil
    }
    var left: [ValueRef] = []
    var right: [Int] = []
    for (l, r) in spec.on {
      guard let binding = scope.names[l], binding.ref.isKeyPart else {
        let where_ = rule.isAggregate ? "a group column" : "a column of '\(dataset.name)'"
        let candidates = scope.names.filter { $0.value.ref.isKeyPart }.keys
        sink.error("join '\(spec.name)' uses '\(l)', which is not \(where_)\(Suggestion.hint(for: l, in: candidates))", at: spec.location)
        continue
      }
      guard let ri = other.columnIndex(r) else {
        sink.error("join '\(spec.name)': dataset '\(other.name)' has no column '\(r)'\(Suggestion.hint(for: r, in: other.columns.map(\.name)))", at: spec.location)
        continue
      }
      let rightType = ExprType(other.columns[ri].type)
      if !binding.type.joinsWith(rightType) {
        sink.error("join '\(spec.name)': '\(l)' (\(binding.type)) cannot match '\(r)' (\(rightType))", at: spec.location)
        continue
      }
      left.append(binding.ref)
      right.append(ri)
    }
    guard left.count == spec.on.count else { return nil }
    var columns: [String: Binding] = [:]
    for (i, c) in other.columns.enumerated() {
      columns[c.name] = Binding(type: ExprType(c.type), ref: .join(index, column: i), pii: c.pii)
    }
    scope.joins[spec.name] = (index, columns)
    return CompiledJoin(name: spec.name, dataset: other.name, left: left, right: right, location: spec.location)
  }

  func expectPlan(_ spec: ExpectSpec, groupNames: [String]) -> ExpectPlan? {
    guard let other = dataset(spec.dataset, at: spec.location) else { return nil }
    var perPositions: [Int] = []
    for p in spec.per {
      guard let i = groupNames.firstIndex(of: p) else {
        sink.error("'per' column '\(p)' is not in group_by", at: spec.location)
        return nil
      }
      perPositions.append(i)
    }
    var supplied: [(groupPosition: Int, column: Int)] = []
    var agree: [(groupPosition: Int, column: Int)] = []
    for (position, name) in groupNames.enumerated() {
      let column = other.columnIndex(name)
      switch (perPositions.contains(position), column) {
      case (true, let c?): agree.append((position, c))
      case (true, nil): break
      case (false, let c?): supplied.append((position, c))
      case (false, nil):
        sink.error("group column '\(name)' is neither in 'per' nor a column of dataset '\(other.name)'", at: spec.location)
        return nil
      }
    }
    return ExpectPlan(dataset: other.name, perPositions: perPositions, suppliedPositions: supplied, agreePositions: agree)
  }
}

extension ValueRef {
  /// Row columns and group columns can key a join; computed values and constants cannot.
  var isKeyPart: Bool {
    switch self {
    case .column, .group: return true
    default: return false
    }
  }
}

extension ExprType {
  /// Whether values of the two types can be equal as join keys.
  func joinsWith(_ other: ExprType) -> Bool {
    let numeric: Set<ExprType> = [.integer, .decimal, .grade, .weekday]
    return self == other || (numeric.contains(self) && numeric.contains(other))
  }
}
