// ExampleRunner: runs the `examples:` of rules (SPEC §2.4) through the same RuleRunner as a
// real check. Datasets an example does not give come from the pack's own tables (`path:`) or
// are empty.

public import ComplyCore
import ComplyExpr
public import ComplyRules
import ComplyYAML

/// The outcome of one example.
public struct ExampleOutcome: Sendable {
  public var ruleID: String
  /// 1-based position among the rule's examples.
  public var index: Int
  public var location: SourceLocation
  public var passed: Bool
  /// Why it failed ("expected a violation, got none").
  public var detail: String
}

public enum ExampleRunner {
  /// Runs every example of `rules`, in order.
  public static func run(_ rules: [CompiledRule], pack: RulePack) -> [ExampleOutcome] {
    var packTables: [String: LookupTable] = [:]
    var outcomes: [ExampleOutcome] = []
    for rule in rules {
      for (i, example) in rule.rule.examples.enumerated() {
        let outcome: ExampleOutcome
        do {
          outcome = try run(example, index: i + 1, rule: rule, pack: pack, packTables: &packTables)
        } catch {
          outcome = ExampleOutcome(
            ruleID: rule.rule.id, index: i + 1, location: error.diagnostics.first?.location ?? example.location,
            passed: false, detail: error.diagnostics.map(\.message).joined(separator: "; "))
        }
        outcomes.append(outcome)
      }
    }
    return outcomes
  }

  static func run(
    _ example: RuleExample, index: Int, rule: CompiledRule, pack: RulePack,
    packTables: inout [String: LookupTable]
  ) throws(ComplyError) -> ExampleOutcome {
    var given: [String: [ParsedRow]] = [:]
    switch example.input {
    case .row(let cells):
      given[rule.dataset.name] = [try row(cells, dataset: rule.dataset, line: 2)]
    case .data(let sets):
      for (name, rows) in sets {
        guard let spec = pack.datasets[name.value] else {
          throw ComplyError("unknown dataset '\(name.value)'\(Suggestion.hint(for: name.value, in: pack.datasets.keys))", at: name.location)
        }
        given[name.value] = try rows.enumerated().map { (i, cells) throws(ComplyError) in
          try row(cells, dataset: spec, line: i + 2)
        }
      }
    }
    var store = LookupStore()
    for name in rule.lookupDatasets {
      guard let spec = pack.datasets[name] else { continue }
      if let rows = given[name] {
        store.tables[name] = LookupTable(dataset: spec, rows: rows)
      } else {
        store.tables[name] = try packTable(spec, cache: &packTables)
      }
    }
    let runner = RuleRunner(
      rule: rule, lookups: try store.bind(rule),
      builder: ViolationBuilder(mask: false, fingerprinter: Fingerprinter(secret: nil)))
    RowWindow.over(given[rule.dataset.name] ?? [], runner.consume)
    runner.finish(files: ["example"])
    let count = runner.violations.count
    let passed: Bool
    let detail: String
    switch example.expectation {
    case .violates(let expected):
      passed = (count > 0) == expected
      detail = expected ? "expected a violation, got none" : "expected no violation, got: \(runner.violations.first?.message ?? "")"
    case .violations(let expected):
      passed = count == expected
      detail = "expected \(expected) violations, got \(count)"
    }
    return ExampleOutcome(ruleID: rule.rule.id, index: index, location: example.location, passed: passed, detail: passed ? "" : detail)
  }

  /// A row from example cells; an unknown column or a value that does not parse is an error.
  static func row(_ cells: [(column: YAMLScalar, value: YAMLScalar?)], dataset: DatasetSpec, line: Int) throws(ComplyError) -> ParsedRow {
    var values = Array(repeating: Value.null, count: dataset.columns.count)
    var errors = DiagnosticBag()
    for (column, value) in cells {
      guard let i = dataset.columnIndex(column.value) else {
        errors.add("unknown column '\(column.value)' of dataset '\(dataset.name)'\(Suggestion.hint(for: column.value, in: dataset.columns.map(\.name)))", at: column.location)
        continue
      }
      guard let value else { continue }
      let spec = dataset.columns[i]
      guard let parsed = ValueParser.parse(value.value, as: spec.type, grades: spec.grades) else {
        errors.add("'\(value.value)' is not a valid \(spec.type.rawValue) for column '\(spec.name)'", at: value.location)
        continue
      }
      values[i] = parsed
    }
    try errors.throwIfAny()
    return ParsedRow(values: values, file: "example", line: line)
  }

  /// A pack-shipped table (`path:`), read once; data datasets are empty in examples.
  static func packTable(_ spec: DatasetSpec, cache: inout [String: LookupTable]) throws(ComplyError) -> LookupTable {
    if let t = cache[spec.name] { return t }
    var table = LookupTable(dataset: spec, rows: [])
    if case .packFile = spec.source {
      var progress = ProgressCounter(total: 0, report: nil)
      let inputs = Engine.inputFiles(spec, root: "", listing: [], forced: nil)
      table = try Engine.readRows(inputs, spec: spec, progress: &progress).table
    }
    cache[spec.name] = table
    return table
  }
}
