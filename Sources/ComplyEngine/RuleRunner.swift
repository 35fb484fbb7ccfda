// RuleRunner: evaluates one compiled rule over the rows of its dataset, a window of rows at a
// time (RowWindow). A row rule judges each row; an aggregate rule folds the rows its `when`
// admits into per-group accumulators (GroupState) and judges the groups (with the expected
// groups added) when the dataset ends. Memory grows
// with groups only. A dataset read by several workers has one runner per rule and worker;
// the first worker's runner is finished in steps (`finishing`) that merge the others into it
// and judge slices of the groups, steps the engine runs for all rules together on all cores.
// ViolationBuilder turns both kinds of outcome into `Violation`s.

import ComplyCore
import ComplyExpr
import ComplyRules

/// Turns rule outcomes into `Violation`s: messages, owners, keys, masking, fingerprints.
struct ViolationBuilder {
  let mask: Bool
  let fingerprinter: Fingerprinter

  /// The dataset's `key:` columns, by name and index: what `rowViolation` reports of a row.
  static func keyColumns(_ dataset: DatasetSpec) -> [(name: String, index: Int)] {
    dataset.key.compactMap { name in dataset.columnIndex(name).map { (name, $0) } }
  }

  /// `keyColumns` is `keyColumns(rule.dataset)`, found once per rule rather than by name for
  /// every violation.
  func rowViolation(
    _ rule: CompiledRule, frame: EvalFrame, row: ParsedRow, keyColumns: [(name: String, index: Int)]
  ) -> Violation {
    let dataset = rule.dataset
    var key: [(column: String, value: String)]?
    var identity = [rule.rule.id, dataset.name]
    if dataset.key.isEmpty {
      for (i, value) in row.values.enumerated() {
        identity.append(fingerprinter.material(value.description, pii: dataset.columns[i].pii))
      }
    } else {
      key = keyColumns.map { name, i in
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
  /// The positions in a window of the rows an aggregate's `when` lets through.
  @exclusivity(unchecked) private var selected: [Int] = []
  /// The `dataset.column` lookups of a row rule's `when` and condition, and room for a
  /// window's hashes of them (set, hash).
  private let setProbes: [SetProbe]
  @exclusivity(unchecked) private var probeHashes: [(set: Int, hash: UInt64)]
  @exclusivity(unchecked) var violations: [Violation] = []
  /// The groups of an aggregate rule until `finish`; nil for a row rule.
  @exclusivity(unchecked) private var groups: GroupState?
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
  /// The dataset's key columns a row violation reports (ViolationBuilder.keyColumns).
  private let keyColumns: [(name: String, index: Int)]
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
    // The rule's own closures, which every worker shares: `consume` takes them out once per
    // window, so their reference counts are written once per window, not on every row.
    when = rule.when?.evaluate
    condition = rule.condition.evaluate
    forbid = rule.rule.isForbid
    setProbes = rule.aggregate == nil ? (rule.when?.setProbes ?? []) + rule.condition.setProbes : []
    probeHashes = Array(repeating: (0, 0), count: setProbes.count * RowWindow.capacity)
    joinKeyParts = rule.joins.map(\.left)
    keyColumns = ViolationBuilder.keyColumns(rule.dataset)
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

  /// Checks a window of rows: folds them into groups, or judges each.
  func consume(_ window: RowWindow) {
    if groups != nil {
      selected.removeAll(keepingCapacity: true)
      let when = self.when
      for k in 0..<window.count {
        if let when {
          frame.lendRow(window.values(k))
          if !isTrue(when(frame)) { continue }
        }
        selected.append(k)
      }
      groups!.add(window, selected: selected, frame: frame)
      return
    }
    if !setProbes.isEmpty { prefetchSetProbes(window) }
    // Taken out once per window: read per row through `self`, each was retained every time.
    let cache = joins?.storage
    let when = self.when
    let condition = self.condition
    for k in 0..<window.count {
      frame.lendRow(window.values(k))
      window.withRow(k) { judge($0, at: k, joins: cache, when: when, condition: condition) }
    }
  }

  /// Starts loading what the rule's `dataset.column` lookups of the window's rows will read:
  /// every row's slot first, then each slot's entry. A set of 600k students is far larger
  /// than the caches; probed row by row, each lookup waited for two loads in turn.
  private func prefetchSetProbes(_ window: RowWindow) {
    let sets = frame.sets
    var n = 0
    for k in 0..<window.count {
      window.withRow(k) { row in
        for probe in setProbes {
          guard let text = row.text(at: probe.column), let h = sets[probe.set].prefetchSlot(utf8: text) else { continue }
          probeHashes[n] = (probe.set, h)
          n += 1
        }
      }
    }
    for (set, h) in probeHashes[..<n] { sets[set].prefetchEntry(hash: h) }
  }

  /// Judges row `row`, at position `k` of its window, which is the frame's row; `joins` is
  /// the worker's RowJoinCache's storage.
  private func judge(
    _ row: ParsedRow, at k: Int, joins: RowJoinCache.Storage?,
    when: ((EvalFrame) -> Value)?, condition: (EvalFrame) -> Value
  ) {
    // A row rule's `when` may read its joins, so they are resolved first: once per row for
    // all the worker's rules that share a join.
    for j in joinSlots.indices {
      let slot = joinSlots[j]
      let entry = slot &* RowWindow.capacity &+ k
      if let joins, joins.entries[entry].serial == row.serial {
        frame.setJoin(j, joins.entries[entry].row)
        continue
      }
      let found: Unmanaged<RowValues>?
      if let column = textJoinColumns[j], let text = row.text(at: column) {
        if let joins, joins.remembers(slot, key: text) {
          found = joins.recentRows[slot]
        } else {
          let (index, table) = joinTables[j]
          found = index._withUnsafeGuaranteedRef { $0.row(utf8: text) }.map { i in
            table._withUnsafeGuaranteedRef { $0.unmanagedRow(i) }
          }
          joins?.remember(slot, key: text, found: found)
        }
      } else {
        found = lookUp(j, keys: &joinKeys) { ref in
          if case .column(let i) = ref { return row.value(at: i) }
          return .null
        }.map { Unmanaged.passUnretained($0) }
      }
      frame.setJoin(j, found)
      joins?.entries[entry] = RowJoinCache.Entry(serial: row.serial, row: found)
    }
    if let when, !isTrue(when(frame)) { return }
    if isViolation(condition(frame), forbid: forbid) {
      var v = builder.rowViolation(rule, frame: frame, row: row, keyColumns: keyColumns)
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

  // MARK: - Finishing

  /// Judges every group, expected groups included, on the calling thread; call once after
  /// the last row. `files` are the dataset's files in reading order.
  func finish(files: [String]) {
    Concurrently.run([finishing(absorbing: [], files: files)], onAllCores: false)
  }

  /// The steps that finish the rule once the dataset has ended: take over the violations and
  /// groups of `others` (the same rule's runners on the other workers, in worker order), then
  /// judge every group, expected groups included. `files` are the dataset's files in reading
  /// order. The engine runs the steps of all rules together (Concurrently.run): looking keys
  /// up and judging slices of groups then share the cores with other rules' steps instead of
  /// being parallel loops nested in a loop over rules.
  ///
  /// The groups of all but the last of `others` are merged into this runner's table. The last
  /// one's are only looked up here, on all cores; those this runner has are folded in, the
  /// others stay in their state and are judged from there, so the table does not grow by them.
  func finishing(absorbing others: [RuleRunner], files: [String]) -> [Concurrently.Step] {
    let work = Finishing()
    let takeOver = Concurrently.Step.once { [self] in
      violations.reserveCapacity(violations.count + others.reduce(0) { $0 + $1.violations.count })
      for other in others { violations.append(movingFrom: &other.violations) }
      guard groups != nil else { return }
      for other in others.dropLast() {
        guard let theirs = other.groups else { continue }
        other.groups = nil
        groups!.merge(theirs)
      }
      if let last = others.last, let theirs = last.groups {
        last.groups = nil
        work.leftover = theirs
        work.matches = .allocate(capacity: theirs.count)
      }
    }
    guard let plan = rule.aggregate else { return [takeOver] }
    let lookUpSlice = 1 << 16
    let lookUp = Concurrently.Step(count: {
      ((work.leftover?.count ?? 0) + lookUpSlice - 1) / lookUpSlice
    }) { [self] k in
      guard let theirs = work.leftover, let matches = work.matches else { return }
      groups?.lookUp(k * lookUpSlice..<min(theirs.count, (k + 1) * lookUpSlice), of: theirs, into: matches)
    }
    let fold = Concurrently.Step.once { [self] in prepareJudging(plan, work) }
    let judge = Concurrently.Step(count: { work.slices.count + 1 }) { [self] k in
      var judge = GroupJudge(self, plan: plan)
      if k == work.slices.count {
        for key in work.expected { judge.judgeExpected(key) }
      } else {
        let (i, range) = work.slices[k]
        let (state, skipped) = work.states[i]
        for group in range where skipped?[group] ?? -1 < 0 {
          judge.judge(group, of: state, files: files)
        }
      }
      work.found[k] = judge.violations
    }
    let collect = Concurrently.Step.once { [self] in
      for k in work.found.indices { violations.append(movingFrom: &work.found[k]) }
      // The groups are freed here, rule by rule on all cores, not after every rule is done.
      work.states = []
    }
    return [takeOver, lookUp, fold, judge, collect]
  }

  /// Folds the looked-up groups in, finds the expected groups and cuts the groups into slices
  /// to judge.
  private func prepareJudging(_ plan: AggregatePlan, _ work: Finishing) {
    guard var mine = groups else { return }
    groups = nil
    var states: [(state: GroupState, skipped: UnsafeMutablePointer<Int>?)] = []
    if let theirs = work.leftover, let matches = work.matches {
      work.leftover = nil
      mine.absorb(theirs, matches: matches)
      states = [(mine, nil), (theirs, matches)]
    } else {
      states = [(mine, nil)]
    }
    if let expect = plan.expect, let table = lookups.expect {
      work.expected = expectedGroups(expect, table: table, states: states, groupCount: plan.groupBy.count)
    }
    // Slices of at least 32k groups, a few per core.
    let size = max(1 << 15, states.reduce(0) { $0 + $1.state.count } / (4 * Engine.cores))
    for (i, s) in states.enumerated() {
      for start in stride(from: 0, to: s.state.count, by: size) {
        work.slices.append((i, start..<min(s.state.count, start + size)))
      }
    }
    work.states = states
    work.found = .allocate(capacity: work.slices.count + 1)
    work.found.initialize(repeating: [])
  }

  /// What the finishing steps hand each other.
  private final class Finishing {
    /// The last worker's groups, until the fold.
    var leftover: GroupState?
    /// For each of `leftover`'s groups, the group of this runner with its key, or -1.
    var matches: UnsafeMutablePointer<Int>?
    /// The states to judge; a state's groups whose entry in `skipped` is a group number were
    /// folded into the runner's own state, and are skipped.
    var states: [(state: GroupState, skipped: UnsafeMutablePointer<Int>?)] = []
    var expected: [[Value]] = []
    var slices: [(state: Int, range: Range<Int>)] = []
    /// The violations of each slice, the expected groups' last; slices write their own
    /// element from several threads at once, so it is not a Swift array.
    var found: UnsafeMutableBufferPointer<[Violation]> = .init(start: nil, count: 0)

    deinit {
      matches?.deallocate()
      found.deinitialize()
      found.deallocate()
    }
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
    /// When the condition compares one aggregate call (itself or a `compute:` name that is
    /// nothing else) with a constant: that call, and the comparison. Most groups pass, and are
    /// judged from that one result without the frame, the `compute:` values and the condition's
    /// closures (at 10M rows the duplicate-charge rule judges 10M groups).
    private let decidingCall: (call: Int, test: (Value) -> Value)?
    /// When the deciding call counts: whether a group of each count below 64 violates, so
    /// that a group is judged from its count without making a Value or calling the test
    /// (judging the duplicate-charge rule's 10M groups went through both per group).
    private let violatesAtCount: [Bool]

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
      frame.computed = Array(repeating: .null, count: plan.computed.count)
      decidingCall = runner.rule.condition.threshold.flatMap { threshold in
        switch threshold.operand {
        case .aggregate(let call): return (call, threshold.test)
        case .reference(.computed(let k)): return plan.computed[k].expression.aggregate.map { ($0, threshold.test) }
        case .reference: return nil
        }
      }
      let forbid = forbid
      violatesAtCount = decidingCall.map { call, test in
        plan.calls[call].kind.counts
          ? (0..<64).map { ComplyEngine.isViolation(test(.int(Int64($0))), forbid: forbid) } : []
      } ?? []
    }

    mutating func judge(_ group: Int, of groups: GroupState, files: [String]) {
      if let call = decidingCall?.call {
        if let n = groups.countResult(call, group: group), n < violatesAtCount.count {
          guard violatesAtCount[n] else { return }
        } else if let test = decidingCall?.test,
          !ComplyEngine.isViolation(test(groups.result(call, group: group)), forbid: forbid)
        {
          return
        }
      }
      if readsKey { groups.decodeKey(group, into: &frame.group) }
      // One access to the frame's array for all calls: from this module every access to a
      // frame property is checked at run time (its `@exclusivity(unchecked)` holds only
      // inside ComplyExpr), and the checks were a quarter of judging the groups (perf).
      frame.aggregates.withUnsafeMutableBufferPointer { results in
        for c in 0..<callCount { results[c] = groups.result(c, group: group) }
      }
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
      // Each value is stored once computed: a `compute:` may read the ones before it.
      for (k, c) in computed.enumerated() { frame.computed[k] = c(frame) }
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
  /// expect dataset's rows that agree with it on shared columns; the tuples in the order of
  /// their text, each spelled as its earliest row has it (whichever worker read the row), and
  /// each tuple's rows in table order.
  ///
  /// Worked out on the groups' key bytes, in one pass over the groups: a group's tuple is found
  /// by the comparable bytes of its `per` parts (only a tuple's earliest group is decoded), and
  /// the group marks its tuple's rows whose values it has in the other parts as present. The
  /// rows agreeing with a tuple are looked up by their shared values. Decoding every key,
  /// hashing the tuples as `[Value]`, and scanning the dataset and looking the key up for each
  /// tuple took ~0.15 s on one thread for the timetable rule of a 10M-row run (150k groups,
  /// 12.7k tuples, a 126-row curriculum; perf).
  private func expectedGroups(
    _ expect: ExpectPlan, table: LookupTable, states: [(state: GroupState, skipped: UnsafeMutablePointer<Int>?)],
    groupCount: Int
  ) -> [[Value]] {
    // Where each shared column is among a tuple's values; a row agrees on them or on nothing.
    var agreeParts: [Int] = []
    for (position, _) in expect.agreePositions {
      guard let p = expect.perPositions.firstIndex(of: position) else { return [] }
      agreeParts.append(p)
    }
    // The rows by their shared values, and the values each supplies to a key as comparable
    // bytes, numbered (rows supplying equal values share a number).
    var agreeing: [[Value]: [Int]] = [:]
    var supplies = GroupTable(arity: expect.suppliedPositions.count)
    var supplyOfRow: [Int] = []
    var encoder = KeyEncoder()
    for (r, row) in table.rows.enumerated() {
      agreeing[expect.agreePositions.map { row.value(at: $0.column) }, default: []].append(r)
      encoder.reset()
      for (part, (_, column)) in expect.suppliedPositions.enumerated() {
        encoder.append(row.value(at: column), part: part)
      }
      supplyOfRow.append(encoder.withComparable { supplies.group(ofComparable: $0).group })
    }
    // Each group's tuple, and which supplied values its tuple has (tuple * supplies + supply);
    // each tuple's earliest group, whose spelling the tuple takes.
    let suppliedPositions = expect.suppliedPositions.map(\.groupPosition)
    var tupleNumbers = GroupTable(arity: expect.perPositions.count)
    var earliest: [(state: Int, group: Int, position: Int)] = []
    var present = Set<Int>()
    var bytes: [UInt8] = []
    for (i, (state, skipped)) in states.enumerated() {
      for group in 0..<state.count where skipped?[group] ?? -1 < 0 {
        bytes.removeAll(keepingCapacity: true)
        state.appendKeyBytes(of: group, parts: expect.perPositions, to: &bytes)
        let (tuple, isNew) = bytes.withUnsafeBufferPointer { tupleNumbers.group(ofComparable: $0) }
        let position = state.firstPosition(of: group)
        if isNew {
          earliest.append((i, group, position))
        } else if position < earliest[tuple].position {
          earliest[tuple] = (i, group, position)
        }
        bytes.removeAll(keepingCapacity: true)
        state.appendKeyBytes(of: group, parts: suppliedPositions, to: &bytes)
        if let supply = bytes.withUnsafeBufferPointer({ supplies.group(findingComparable: $0) }) {
          present.insert(tuple * supplies.count + supply)
        }
      }
    }
    var key: [Value] = []
    let tuples = earliest.map { i, group, _ in
      states[i].state.decodeKey(group, into: &key)
      return expect.perPositions.map { key[$0] }
    }
    var out: [[Value]] = []
    var emitted = Set<Int>()
    // Sorted by their text, computed once per tuple rather than in every comparison.
    let texts = tuples.map(Self.text(of:))
    for t in tuples.indices.sorted(by: { texts[$0] < texts[$1] }) {
      let tuple = tuples[t]
      emitted.removeAll(keepingCapacity: true)
      for r in agreeing[agreeParts.map { tuple[$0] }] ?? [] {
        let supply = supplyOfRow[r]
        guard !present.contains(t * supplies.count + supply), emitted.insert(supply).inserted else { continue }
        var key = Array(repeating: Value.null, count: groupCount)
        for (p, position) in expect.perPositions.enumerated() { key[position] = tuple[p] }
        for (position, column) in expect.suppliedPositions { key[position] = table.rows[r].value(at: column) }
        out.append(key)
      }
    }
    return out
  }

  /// A tuple's text as `[Value].description` writes it, which orders expected groups, made
  /// without asking each value whether it has a debug description (most of making the texts
  /// of 12.7k tuples, perf).
  static func text(of tuple: [Value]) -> String {
    "[" + tuple.map(\.description).joined(separator: ", ") + "]"
  }
}

/// The row joins of one worker's rules, each looked up once per row however many rules share
/// it (three of a fee pack's rules may join the fee standards on the same item column), and
/// once per run of rows with the same text key.
final class RowJoinCache {
  private struct Signature: Hashable {
    var dataset: String
    var left: [ValueRef]
    var right: [Int]
  }

  /// The serial of the row whose lookup is stored, and what it found.
  struct Entry {
    var serial: Int
    var row: Unmanaged<RowValues>?
  }

  /// The cache's memory, unsafe so that a row's lookups check no array for uniqueness, and a
  /// struct so that a runner takes it out once per window and reads it without retaining.
  struct Storage {
    /// Per slot and position in a window (slot * RowWindow.capacity + position): rules go
    /// through a window one after another, so each position keeps its own.
    let entries: UnsafeMutablePointer<Entry>
    /// Per slot of a join on one text column: the key bytes looked up last (when at most
    /// `recentKeyBytes` long; length -1 before any) and what they found. Consecutive rows of a
    /// ledger often share a key (the term of a whole file) and then skip hashing and probing
    /// (four join rules at 1M rows, six pairs: median 575 → 562 task-clock ms).
    let recentKeys: UnsafeMutablePointer<UInt8>
    let recentLengths: UnsafeMutablePointer<Int>
    let recentRows: UnsafeMutablePointer<Unmanaged<RowValues>?>

    static let recentKeyBytes = 32

    init(slots: Int) {
      entries = .allocate(capacity: slots * RowWindow.capacity)
      entries.initialize(repeating: Entry(serial: -1, row: nil), count: slots * RowWindow.capacity)
      recentKeys = .allocate(capacity: slots * Self.recentKeyBytes)
      recentLengths = .allocate(capacity: slots)
      recentLengths.initialize(repeating: -1, count: slots)
      recentRows = .allocate(capacity: slots)
      recentRows.initialize(repeating: nil, count: slots)
    }

    func deallocate() {
      entries.deallocate()
      recentKeys.deallocate()
      recentLengths.deallocate()
      recentRows.deallocate()
    }

    /// Whether the text `key` is the one slot `slot` looked up last (what it found is then
    /// `recentRows[slot]`).
    func remembers(_ slot: Int, key: UnsafeBufferPointer<UInt8>) -> Bool {
      guard recentLengths[slot] == key.count, let bytes = key.baseAddress else { return false }
      return ByteHash.equal(recentKeys + slot &* Self.recentKeyBytes, bytes, count: key.count)
    }

    /// Remembers that slot `slot` found `found` for the text `key`.
    func remember(_ slot: Int, key: UnsafeBufferPointer<UInt8>, found: Unmanaged<RowValues>?) {
      guard key.count <= Self.recentKeyBytes, let bytes = key.baseAddress else { return }
      (recentKeys + slot &* Self.recentKeyBytes).update(from: bytes, count: key.count)
      recentLengths[slot] = key.count
      recentRows[slot] = found
    }
  }

  private var slots: [Signature: Int] = [:]
  private(set) var storage = Storage(slots: 0)

  deinit {
    storage.deallocate()
  }

  func slot(for join: CompiledJoin) -> Int {
    let signature = Signature(dataset: join.dataset, left: join.left, right: join.right)
    if let slot = slots[signature] { return slot }
    let slot = slots.count
    slots[signature] = slot
    // Slots are added while the runners are made, before any row: nothing to carry over.
    storage.deallocate()
    storage = Storage(slots: slot + 1)
    return slot
  }
}
