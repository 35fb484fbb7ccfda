// RuleRunner: evaluates one compiled rule over the rows of its dataset. A row rule judges each
// row as it streams by; an aggregate rule folds rows into per-group accumulators and judges the
// groups (with the expected groups added) when the dataset ends. Memory grows with groups only.

import ComplyCore
import ComplyExpr
import ComplyRules

/// Turns rule outcomes into `Violation`s: messages, owners, keys, masking, fingerprints.
struct ViolationBuilder {
  let mask: Bool
  let fingerprinter: Fingerprinter

  func rowViolation(_ rule: CompiledRule, frame: EvalFrame, row: ParsedRow) -> Violation {
    let dataset = rule.dataset
    var key: [(column: String, value: String)]?
    var identity = [rule.rule.id, dataset.name]
    if dataset.key.isEmpty {
      for (i, value) in row.values.enumerated() {
        identity.append(fingerprinter.material(value, pii: dataset.columns[i].pii))
      }
    } else {
      key = dataset.key.compactMap { name in
        guard let i = dataset.columnIndex(name) else { return nil }
        let pii = dataset.columns[i].pii
        let text = row.values[i].description
        identity += [name, fingerprinter.material(row.values[i], pii: pii)]
        return (name, mask && pii ? PIIMask.mask(text) : text)
      }
    }
    return Violation(
      ruleID: rule.rule.id, severity: rule.rule.severity, category: rule.rule.category,
      department: rule.rule.department, owner: rule.owner?.render(frame, mask: mask) ?? "",
      title: rule.rule.title, message: rule.message.render(frame, mask: mask), dataset: dataset.name,
      file: row.file, line: row.line, lines: [row.line], group: nil, key: key,
      fingerprint: fingerprinter.fingerprint(identity))
  }

  func groupViolation(_ rule: CompiledRule, frame: EvalFrame, state: GroupState?, names: [String])
    -> Violation
  {
    let columns = rule.aggregate?.groupBy.map { rule.dataset.columns[$0] } ?? []
    var group: [(column: String, value: String)] = []
    for (i, value) in frame.group.enumerated() {
      let text = value.description
      group.append((names[i], mask && columns[i].pii ? PIIMask.mask(text) : text))
    }
    let identity =
      [rule.rule.id, rule.dataset.name]
      + frame.group.enumerated().map { fingerprinter.material($1, pii: columns[$0].pii) }
    return Violation(
      ruleID: rule.rule.id, severity: rule.rule.severity, category: rule.rule.category,
      department: rule.rule.department, owner: rule.owner?.render(frame, mask: mask) ?? "",
      title: rule.rule.title, message: rule.message.render(frame, mask: mask),
      dataset: rule.dataset.name, file: state?.file, line: state?.lines.first,
      lines: state?.lines ?? [], group: group, key: nil,
      fingerprint: fingerprinter.fingerprint(identity))
  }
}

/// Whether a condition's value makes a violation: `require` false or `forbid` true; null never.
func isViolation(_ value: Value, forbid: Bool) -> Bool {
  if case .bool(let b) = value { return b == forbid }
  return false
}

/// Runs one rule; `consume` for each row of its dataset, then `finish`.
final class RuleRunner {
  let rule: CompiledRule
  let lookups: BoundLookups
  let builder: ViolationBuilder
  let waivers: [CompiledWaiver]
  let frame = EvalFrame()
  var violations: [Violation] = []
  private var groups: [[Value]: GroupState] = [:]

  init(rule: CompiledRule, lookups: BoundLookups, builder: ViolationBuilder, waivers: [CompiledWaiver] = []) {
    self.rule = rule
    self.waivers = waivers
    self.lookups = lookups
    self.builder = builder
    frame.sets = lookups.sets
    frame.joins = Array(repeating: nil, count: rule.joins.count)
  }

  func consume(_ row: ParsedRow) {
    frame.row = row
    if let plan = rule.aggregate {
      if let when = rule.when, !isTrue(when.evaluate(frame)) { return }
      accumulate(row, plan: plan)
      return
    }
    // A row rule's `when` may read its joins, so they are resolved first.
    resolveJoins { ref in
      if case .column(let i) = ref { return row.values[i] }
      return .null
    }
    if let when = rule.when, !isTrue(when.evaluate(frame)) { return }
    if isViolation(rule.condition.evaluate(frame), forbid: rule.rule.isForbid) {
      var v = builder.rowViolation(rule, frame: frame, row: row)
      v.waived = isWaived()
      violations.append(v)
    }
  }

  /// Whether a live waiver covers the violation in the frame.
  private func isWaived() -> Bool {
    waivers.contains { w in w.when.map { isTrue($0.evaluate(frame)) } ?? true }
  }

  private func isTrue(_ v: Value) -> Bool {
    if case .bool(true) = v { return true }
    return false
  }

  private func resolveJoins(_ keyPart: (ValueRef) -> Value) {
    for (j, join) in rule.joins.enumerated() {
      let key = join.left.map(keyPart)
      if key.contains(where: \.isNull) {
        frame.joins[j] = nil
      } else {
        let (index, table) = lookups.joins[j]
        frame.joins[j] = index[key].map { table.rows[$0] }
      }
    }
  }

  // MARK: - Aggregates

  private func accumulate(_ row: ParsedRow, plan: AggregatePlan) {
    let key = plan.groupBy.map { row.values[$0] }
    let state: GroupState
    if let existing = groups[key] {
      state = existing
    } else {
      state = GroupState(calls: plan.calls, file: row.file)
      groups[key] = state
    }
    state.add(row: row, frame: frame, calls: plan.calls)
  }

  /// Judges every group, expected groups included; call once after the last row.
  func finish() {
    guard let plan = rule.aggregate else { return }
    frame.row = nil
    var keys = Array(groups.keys)
    if let expect = plan.expect, let table = lookups.expect {
      keys += expectedGroups(expect, table: table, groupCount: plan.groupBy.count)
    }
    for key in keys {
      let state = groups[key]
      frame.group = key
      frame.aggregates = plan.calls.enumerated().map { i, call in
        state?.result(i, call: call) ?? GroupState.emptyResult(call)
      }
      frame.computed = []
      for c in plan.computed { frame.computed.append(c.expression.evaluate(frame)) }
      resolveJoins { ref in
        if case .group(let i) = ref { return key[i] }
        return .null
      }
      if isViolation(rule.condition.evaluate(frame), forbid: rule.rule.isForbid) {
        var v = builder.groupViolation(rule, frame: frame, state: state, names: plan.groupNames)
        v.waived = isWaived()
        violations.append(v)
      }
    }
  }

  /// Keys of expected groups that no row produced: every observed `per` tuple crossed with the
  /// expect dataset's rows that agree with it on shared columns.
  private func expectedGroups(_ expect: ExpectPlan, table: LookupTable, groupCount: Int) -> [[Value]] {
    var perTuples = Set<[Value]>()
    for key in groups.keys { perTuples.insert(expect.perPositions.map { key[$0] }) }
    var out: [[Value]] = []
    var seen = Set<[Value]>()
    for tuple in perTuples.sorted(by: { $0.description < $1.description }) {
      for row in table.rows {
        let agrees = expect.agreePositions.allSatisfy { position, column in
          guard let p = expect.perPositions.firstIndex(of: position) else { return false }
          return tuple[p] == row.values[column]
        }
        guard agrees else { continue }
        var key = Array(repeating: Value.null, count: groupCount)
        for (p, position) in expect.perPositions.enumerated() { key[position] = tuple[p] }
        for (position, column) in expect.suppliedPositions { key[position] = row.values[column] }
        if groups[key] == nil, seen.insert(key).inserted { out.append(key) }
      }
    }
    return out
  }
}

/// The running aggregates of one group.
final class GroupState {
  static let lineLimit = 20
  let file: String
  var lines: [Int] = []
  private var counts: [Int]
  private var sums: [ExactDecimal?]
  private var extremes: [Value]
  private var distinct: [Set<Value>]

  init(calls: [AggregateCall], file: String) {
    self.file = file
    counts = Array(repeating: 0, count: calls.count)
    sums = Array(repeating: nil, count: calls.count)
    extremes = Array(repeating: .null, count: calls.count)
    distinct = Array(repeating: [], count: calls.count)
  }

  func add(row: ParsedRow, frame: EvalFrame, calls: [AggregateCall]) {
    if lines.count < Self.lineLimit, row.file == file { lines.append(row.line) }
    for (i, call) in calls.enumerated() {
      let v = call.argument?.evaluate(frame) ?? .null
      switch call.kind {
      case .count: counts[i] += 1
      case .countNonNull: if !v.isNull { counts[i] += 1 }
      case .countIf: if case .bool(true) = v { counts[i] += 1 }
      case .countDistinct: if !v.isNull { distinct[i].insert(v) }
      case .sum, .avg:
        if let d = v.decimalValue {
          // An overflowing sum is unknown: it stays null and no later row revives it.
          sums[i] = counts[i] == 0 ? d : sums[i]?.adding(d)
          counts[i] += 1
        }
      case .min:
        if !v.isNull, extremes[i].isNull || (Value.compare(v, extremes[i]) ?? 0) < 0 { extremes[i] = v }
      case .max:
        if !v.isNull, extremes[i].isNull || (Value.compare(v, extremes[i]) ?? 0) > 0 { extremes[i] = v }
      }
    }
  }

  func result(_ i: Int, call: AggregateCall) -> Value {
    switch call.kind {
    case .count, .countNonNull, .countIf: return .int(Int64(counts[i]))
    case .countDistinct: return .int(Int64(distinct[i].count))
    case .sum:
      guard let s = sums[i] else { return .null }
      return Self.typed(s, call.type)
    case .avg:
      guard let s = sums[i], counts[i] > 0 else { return .null }
      return s.divided(by: ExactDecimal(Int64(counts[i]))).map(Value.decimal) ?? .null
    case .min, .max: return extremes[i]
    }
  }

  /// A group with no rows: counts and sums are 0, everything else null (SPEC §2.2).
  static func emptyResult(_ call: AggregateCall) -> Value {
    switch call.kind {
    case .count, .countNonNull, .countIf, .countDistinct: return .int(0)
    case .sum: return typed(ExactDecimal(0), call.type)
    case .avg, .min, .max: return .null
    }
  }

  static func typed(_ d: ExactDecimal, _ type: ExprType) -> Value {
    if type == .integer, let i = d.int64Value, d.isInteger { return .int(i) }
    return .decimal(d)
  }
}
