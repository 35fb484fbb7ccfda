// RuleRunner: evaluates one compiled rule over the rows of its dataset. A row rule judges each
// row as it streams by; an aggregate rule folds rows into per-group accumulators (GroupState)
// and judges the groups (with the expected groups added) when the dataset ends. Memory grows
// with groups only. A dataset read by several workers has one runner per rule and worker;
// `absorb` merges them before `finish`, which judges slices of the groups on several threads
// when asked. ViolationBuilder turns both kinds of outcome into `Violation`s.

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
        identity.append(fingerprinter.material(value.description, pii: dataset.columns[i].pii))
      }
    } else {
      key = dataset.key.compactMap { name in
        guard let i = dataset.columnIndex(name) else { return nil }
        let (shown, material) = texts(row.value(at: i), pii: dataset.columns[i].pii)
        identity += [name, material]
        return (name, shown)
      }
    }
    return Violation(
      ruleID: rule.rule.id, severity: rule.rule.severity, category: rule.rule.category,
      department: rule.rule.department, owner: rule.owner?.render(frame, mask: mask) ?? "",
      title: rule.rule.title, message: rule.message.render(frame, mask: mask), dataset: dataset.name,
      file: row.file, line: row.line, lines: [row.line], group: nil, key: key,
      fingerprint: fingerprinter.fingerprint(identity))
  }

  /// `file` and `lines` are the group's first file and its stored lines; nil and empty for an
  /// expected group without rows.
  func groupViolation(_ rule: CompiledRule, frame: EvalFrame, file: String?, lines: [Int], names: [String])
    -> Violation
  {
    let columns = rule.aggregate?.groupBy.map { rule.dataset.columns[$0] } ?? []
    var group: [(column: String, value: String)] = []
    var identity = [rule.rule.id, rule.dataset.name]
    for (i, value) in frame.group.enumerated() {
      let (shown, material) = texts(value, pii: columns[i].pii)
      group.append((names[i], shown))
      identity.append(material)
    }
    return Violation(
      ruleID: rule.rule.id, severity: rule.rule.severity, category: rule.rule.category,
      department: rule.rule.department, owner: rule.owner?.render(frame, mask: mask) ?? "",
      title: rule.rule.title, message: rule.message.render(frame, mask: mask),
      dataset: rule.dataset.name, file: file, line: lines.first,
      lines: lines, group: group, key: nil,
      fingerprint: fingerprinter.fingerprint(identity))
  }

  /// A value's text as the report shows it and as it enters the fingerprint, masked once when
  /// both need the mask.
  private func texts(_ value: Value, pii: Bool) -> (shown: String, material: String) {
    let text = value.description
    let shown = mask && pii ? PIIMask.mask(text) : text
    return (shown, fingerprinter.material(text, pii: pii, masked: mask && pii ? shown : nil))
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
  /// The row `frame` holds (the frame keeps it alive, so the identity cannot be reused).
  @exclusivity(unchecked) private var frameRow: ObjectIdentifier?
  @exclusivity(unchecked) var violations: [Violation] = []
  /// The groups of an aggregate rule until `finish`; nil for a row rule.
  @exclusivity(unchecked) private var groups: GroupState?
  /// The last worker's groups that this runner's state did not have, judged from there.
  private var leftover: (state: GroupState, absorbed: [Bool])?
  /// Whether judging a group reads its key (joins on group columns, the condition or a
  /// `compute:` naming a group column); if not, a key is decoded only for a violation.
  private let judgingReadsKey: Bool
  /// One reused key array per join.
  @exclusivity(unchecked) private var joinKeys: [[Value]]
  /// The worker's joins shared across rules, and this rule's slot in it for each join.
  private let joins: RowJoinCache?
  private let joinSlots: [Int]
  /// The parts of the rule every row needs, held apart so that a row copies nothing of the
  /// rule (a copy retains its closures and sets, objects every worker shares).
  private let when: ((EvalFrame) -> Value)?
  private let condition: (EvalFrame) -> Value
  private let forbid: Bool
  private let joinKeyParts: [[ValueRef]]
  /// Per join: its key column when the key is that one column, whose text a row may hold as
  /// bytes (looked up without making a String).
  private let textJoinColumns: [Int?]
  /// Each join's index and table, which `lookups` keeps alive, held so that a row's lookup
  /// retains none of these objects that every worker shares.
  private let joinTables: [(index: Unmanaged<JoinIndex>, table: Unmanaged<LookupTable>)]

  init(
    rule: CompiledRule, lookups: BoundLookups, builder: ViolationBuilder, waivers: [CompiledWaiver] = [],
    joins: RowJoinCache? = nil
  ) {
    self.rule = rule
    self.joins = joins
    joinSlots = rule.joins.indices.map { joins?.slot(for: rule.joins[$0]) ?? $0 }
    self.waivers = waivers
    self.lookups = lookups
    self.builder = builder
    when = rule.when?.evaluate
    condition = rule.condition.evaluate
    forbid = rule.rule.isForbid
    joinKeyParts = rule.joins.map { $0.left.map { $0 } }
    joinTables = lookups.joins.map { (Unmanaged.passUnretained($0.index), Unmanaged.passUnretained($0.table)) }
    textJoinColumns = rule.joins.map { join in
      guard join.left.count == 1, case .column(let i) = join.left[0] else { return nil }
      return i
    }
    frame.sets = lookups.sets
    frame.resetJoins(count: rule.joins.count)
    joinKeys = rule.joins.map { Array(repeating: .null, count: $0.left.count) }
    groups = rule.aggregate.map { GroupState(plan: $0) }
    let readsKey = { (e: CompiledExpression) in
      e.references.contains { if case .group = $0 { return true } else { return false } }
    }
    judgingReadsKey =
      !rule.joins.isEmpty || readsKey(rule.condition)
      || (rule.aggregate?.computed.contains { readsKey($0.expression) } ?? false)
  }

  func consume(_ row: ParsedRow) {
    // A worker passes the same row object every time (refilled): the frame is told once.
    if frameRow != ObjectIdentifier(row) {
      frame.row = row
      frameRow = ObjectIdentifier(row)
    }
    if groups != nil {
      if let when, !isTrue(when(frame)) { return }
      groups!.add(row, frame: frame)
      return
    }
    // A row rule's `when` may read its joins, so they are resolved first: once per row for
    // all the worker's rules that share a join.
    for j in joinSlots.indices {
      let slot = joinSlots[j]
      if let joins, joins.serials[slot] == row.serial {
        frame.setJoin(j, joins.rows[slot])
        continue
      }
      let found: Unmanaged<RowValues>?
      if let column = textJoinColumns[j], let text = row.text(at: column) {
        let (index, table) = joinTables[j]
        found = index._withUnsafeGuaranteedRef { $0.row(utf8: text) }.map { i in
          table._withUnsafeGuaranteedRef { $0.unmanagedRow(i) }
        }
      } else {
        found = lookUp(j, keys: &joinKeys) { ref in
          if case .column(let i) = ref { return row.value(at: i) }
          return .null
        }.map { Unmanaged.passUnretained($0) }
      }
      frame.setJoin(j, found)
      if let joins {
        joins.serials[slot] = row.serial
        joins.rows[slot] = found
      }
    }
    if let when, !isTrue(when(frame)) { return }
    if isViolation(condition(frame), forbid: forbid) {
      var v = builder.rowViolation(rule, frame: frame, row: row)
      v.waived = isWaived(frame)
      violations.append(v)
    }
  }

  /// Whether a live waiver covers the violation in `frame`.
  private func isWaived(_ frame: EvalFrame) -> Bool {
    waivers.contains { w in w.when.map { isTrue($0.evaluate(frame)) } ?? true }
  }

  private func isTrue(_ v: Value) -> Bool {
    if case .bool(true) = v { return true }
    return false
  }

  /// The row join `j` finds for the key `keyPart` gives, built in `keys` (reused, so a row
  /// allocates nothing here).
  private func lookUp(_ j: Int, keys: inout [[Value]], _ keyPart: (ValueRef) -> Value) -> ParsedRow? {
    var hasNull = false
    for (p, ref) in joinKeyParts[j].enumerated() {
      let v = keyPart(ref)
      hasNull = hasNull || v.isNull
      keys[j][p] = v
    }
    if hasNull { return nil }
    let (index, table) = lookups.joins[j]
    return index[keys[j]].map { table.rows[$0] }
  }

  // MARK: - Aggregates

  /// Takes over the violations and groups of `other`, the same rule run over other rows. The
  /// groups of the `last` worker are only probed: those this runner has are folded in, the
  /// others stay in their state and are judged from there, so the table does not grow by them.
  func absorb(_ other: RuleRunner, last: Bool) {
    violations += other.violations
    other.violations = []
    guard var theirs = other.groups else { return }
    other.groups = nil
    groups?.flush()
    theirs.flush()
    if last, let absorbed = groups?.absorbMatching(theirs) {
      leftover = (theirs, absorbed)
    } else {
      groups?.merge(theirs)
    }
  }

  /// Judges every group, expected groups included; call once after the last row. `files` are
  /// the dataset's files in reading order; `concurrently` judges slices of the groups on all
  /// cores (the violations are the same either way).
  func finish(files: [String], concurrently: Bool = false) {
    guard let plan = rule.aggregate, var groups else { return }
    self.groups = nil
    groups.flush()
    frame.row = nil
    frameRow = nil
    var states: [(state: GroupState, absorbed: [Bool]?)] = [(groups, nil)]
    if let leftover { states.append((leftover.state, leftover.absorbed)) }
    leftover = nil
    var expected: [[Value]] = []
    if let expect = plan.expect, let table = lookups.expect {
      expected = expectedGroups(expect, table: table, states: &states, groupCount: plan.groupBy.count)
    }
    let judged = states
    // Slices of at least 32k groups, a few per core.
    var slices: [(state: Int, range: Range<Int>)] = []
    let size = concurrently ? max(1 << 15, judged.reduce(0) { $0 + $1.state.count } / (4 * Engine.cores)) : Int.max
    for (i, s) in judged.enumerated() {
      var start = 0
      while start < s.state.count {
        let end = start + min(size, s.state.count - start)
        slices.append((i, start..<end))
        start = end
      }
    }
    let found = UnsafeMutablePointer<[Violation]>.allocate(capacity: slices.count + 1)
    found.initialize(repeating: [], count: slices.count + 1)
    defer {
      found.deinitialize(count: slices.count + 1)
      found.deallocate()
    }
    let judgeSlice = { (k: Int) in
      var judge = GroupJudge(self, plan: plan)
      let (i, range) = slices[k]
      let (state, absorbed) = judged[i]
      for group in range where absorbed?[group] != true {
        judge.judge(group, of: state, files: files)
      }
      found[k] = judge.violations
    }
    if concurrently && slices.count > 1 {
      Concurrently.forEach(slices.count, judgeSlice)
    } else {
      for k in slices.indices { judgeSlice(k) }
    }
    var judge = GroupJudge(self, plan: plan)
    for key in expected { judge.judgeExpected(key) }
    found[slices.count] = judge.violations
    for k in 0...slices.count { violations += found[k] }
  }

  /// Judges groups with its own frame and join keys, so that slices of one rule's groups can
  /// be judged on several threads at once.
  private struct GroupJudge {
    let runner: RuleRunner
    let plan: AggregatePlan
    let frame = EvalFrame()
    var joinKeys: [[Value]]
    var violations: [Violation] = []
    /// What judging each group needs, taken out of the rule once (reading them through the
    /// runner and rule retained their arrays and closures for every group).
    private let computed: [(EvalFrame) -> Value]
    private let joinCount: Int
    private let callCount: Int
    private let readsKey: Bool
    private let condition: (EvalFrame) -> Value
    private let forbid: Bool

    init(_ runner: RuleRunner, plan: AggregatePlan) {
      self.runner = runner
      self.plan = plan
      computed = plan.computed.map(\.expression.evaluate)
      joinCount = runner.rule.joins.count
      callCount = plan.calls.count
      readsKey = runner.judgingReadsKey
      condition = runner.condition
      forbid = runner.forbid
      joinKeys = runner.rule.joins.map { Array(repeating: .null, count: $0.left.count) }
      frame.sets = runner.lookups.sets
      frame.resetJoins(count: runner.rule.joins.count)
      frame.group = Array(repeating: .null, count: plan.groupBy.count)
      frame.aggregates = Array(repeating: .null, count: plan.calls.count)
    }

    mutating func judge(_ group: Int, of groups: GroupState, files: [String]) {
      if readsKey { groups.decodeKey(group, into: &frame.group) }
      for c in 0..<callCount { frame.aggregates[c] = groups.result(c, group: group) }
      guard isViolation() else { return }
      if !readsKey { groups.decodeKey(group, into: &frame.group) }
      add(file: files[groups.file(of: group)], lines: groups.lines(of: group))
    }

    /// An expected group that no row produced.
    mutating func judgeExpected(_ key: [Value]) {
      frame.group = key
      for (c, call) in plan.calls.enumerated() { frame.aggregates[c] = GroupState.emptyResult(call) }
      if isViolation() { add(file: nil, lines: []) }
    }

    /// Computes the group's `compute:` values and joins (its key and aggregates are in the
    /// frame) and evaluates the condition.
    private mutating func isViolation() -> Bool {
      frame.computed.removeAll(keepingCapacity: true)
      for c in computed { frame.computed.append(c(frame)) }
      let frame = self.frame
      for j in 0..<joinCount {
        let found = runner.lookUp(j, keys: &joinKeys) { ref in
          if case .group(let i) = ref { return frame.group[i] }
          return .null
        }
        frame.setJoin(j, found.map { Unmanaged.passUnretained($0) })
      }
      return ComplyEngine.isViolation(condition(frame), forbid: forbid)
    }

    private mutating func add(file: String?, lines: [Int]) {
      var v = runner.builder.groupViolation(
        runner.rule, frame: frame, file: file, lines: lines, names: plan.groupNames)
      v.waived = runner.isWaived(frame)
      violations.append(v)
    }
  }

  /// Keys of expected groups that no row produced: every observed `per` tuple crossed with the
  /// expect dataset's rows that agree with it on shared columns.
  private func expectedGroups(
    _ expect: ExpectPlan, table: LookupTable, states: inout [(state: GroupState, absorbed: [Bool]?)],
    groupCount: Int
  ) -> [[Value]] {
    var perTuples = Set<[Value]>()
    var key: [Value] = []
    for (state, absorbed) in states {
      for group in 0..<state.count where absorbed?[group] != true {
        state.decodeKey(group, into: &key)
        perTuples.insert(expect.perPositions.map { key[$0] })
      }
    }
    var out: [[Value]] = []
    var seen = Set<[Value]>()
    // Sorted by their text, computed once per tuple rather than in every comparison.
    for (_, tuple) in perTuples.map({ ($0.description, $0) }).sorted(by: { $0.0 < $1.0 }) {
      for row in table.rows {
        let agrees = expect.agreePositions.allSatisfy { position, column in
          guard let p = expect.perPositions.firstIndex(of: position) else { return false }
          return tuple[p] == row.value(at: column)
        }
        guard agrees else { continue }
        var key = Array(repeating: Value.null, count: groupCount)
        for (p, position) in expect.perPositions.enumerated() { key[position] = tuple[p] }
        for (position, column) in expect.suppliedPositions { key[position] = row.value(at: column) }
        let observed = states.indices.contains { i in
          guard let g = states[i].state.find(key) else { return false }
          return states[i].absorbed?[g] != true
        }
        if !observed, seen.insert(key).inserted { out.append(key) }
      }
    }
    return out
  }
}

/// The row joins of one worker's rules, each looked up once per row however many rules share
/// it (three of a fee pack's rules may join the fee standards on the same item column).
final class RowJoinCache {
  private struct Signature: Hashable {
    var dataset: String
    var left: [ValueRef]
    var right: [Int]
  }

  private var slots: [Signature: Int] = [:]
  /// Per slot: the serial of the row whose lookup is stored, and what it found.
  @exclusivity(unchecked) fileprivate var serials: [Int] = []
  @exclusivity(unchecked) fileprivate var rows: [Unmanaged<RowValues>?] = []

  func slot(for join: CompiledJoin) -> Int {
    let signature = Signature(dataset: join.dataset, left: join.left, right: join.right)
    if let slot = slots[signature] { return slot }
    slots[signature] = serials.count
    serials.append(-1)
    rows.append(nil)
    return serials.count - 1
  }
}
