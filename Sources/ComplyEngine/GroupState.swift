// GroupState: the running aggregates of every group of one aggregate rule, and their results
// when the dataset ends. Keys live in a GroupTable (see there for the design and the
// measurements behind it); everything else is in flat arrays indexed by group number (one
// array per kind of accumulator for all the calls that keep it: CallValues), so a group costs
// a few machine words per call instead of an object with four arrays:
// - counts (`count`, `count(x)`, `count_if`, and the rows behind an `avg`): Int;
// - sums (`sum`, `avg`): the significand and the scale of an ExactDecimal, in two arrays, the
//   scale doubling as the state (no value yet, overflowed) so a sum needs no count;
// - `min`/`max`: the Value;
// - `count_distinct`: a small set of each group's values (DistinctValues), only for those calls;
// - position: the first row's file (its index in the dataset's reading order) and line packed
//   in one Int, so positions order like the rows; the 2nd to 20th lines of the same file,
//   which most groups never have, in one shared list linked backwards from each group's last.
//
// Several workers may fold disjoint sets of rows into their own GroupStates; `merge` then
// combines them into exactly the state one worker reading every row would have built: the
// earliest first row wins (its key presentation, file and line), stored lines are the
// earliest of the first file, and a `min`/`max` tie keeps the earliest row's value.

import CPrefetch
import ComplyCore
import ComplyExpr
import ComplyRules

struct GroupState {
  static let lineLimit = 20
  /// Sum scales meaning no value was added yet, and an overflow (null for good).
  private static let noSum = Int.min
  private static let overflowedSum = Int.min + 1

  private let groupBy: [Int]
  private let kinds: [AggregateKind]
  private let types: [ExprType]
  private let argumentEvaluators: [((EvalFrame) -> Value)?]
  private var keys: GroupTable

  // Each kind of accumulator of every call that uses it, in one flat array per kind.
  private var counts: CallValues<Int>
  private var sumSignificands: CallValues<Int128>
  private var sumScales: CallValues<Int>
  private var extremes: CallValues<Value>
  /// The position of the row each extreme came from, to settle ties when merging.
  private var extremePositions: CallValues<Int>
  private var distinct: [DistinctValues]

  /// Each group's first row: file index << 40 | line.
  private var firstPositions: [Int] = []
  /// Lines stored per group, the first included (at most `lineLimit`).
  private var lineCounts: [UInt8] = []
  /// Each group's last stored line after the first: index + 1 in `extraLines`, 0 for none.
  private var lastExtra: [UInt32] = []
  private var extraLines: [Int] = []
  /// The stored line before each extra line, coded like `lastExtra`.
  private var extraPrevious: [UInt32] = []

  /// The argument values of the row being folded.
  private var arguments: [Value]
  /// Per call: the column of a `count_distinct` of a bare text column, whose bytes the row
  /// may hold; the encoded value of such a call for the row being folded (empty when the
  /// value is in `arguments` instead).
  private let distinctTextColumns: [Int?]
  private var distinctKeys: [KeyEncoder]
  /// Per staged row of a window: the group its slot suggests, or -1.
  private var candidates = [Int](repeating: -1, count: RowWindow.capacity)

  /// Keys whose first row (after a merge) spelled them differently from the stored key.
  private var presentations: [Int: [Value]] = [:]

  private static let lineBits = 40

  static func position(file: Int, line: Int) -> Int { file << lineBits | line }

  init(plan: AggregatePlan) {
    groupBy = plan.groupBy
    kinds = plan.calls.map(\.kind)
    types = plan.calls.map(\.type)
    argumentEvaluators = plan.calls.map { $0.argument?.evaluate }
    keys = GroupTable(arity: plan.groupBy.count)
    let counted = kinds.map { [.count, .countNonNull, .countIf, .avg].contains($0) }
    let summed = kinds.map { $0 == .sum || $0 == .avg }
    let extreme = kinds.map { $0 == .min || $0 == .max }
    counts = CallValues(calls: counted, initial: 0)
    sumSignificands = CallValues(calls: summed, initial: 0)
    sumScales = CallValues(calls: summed, initial: Self.noSum)
    extremes = CallValues(calls: extreme, initial: .null)
    extremePositions = CallValues(calls: extreme, initial: Int.max)
    distinct = Array(repeating: DistinctValues(), count: plan.calls.count)
    arguments = Array(repeating: .null, count: plan.calls.count)
    distinctTextColumns = plan.calls.map { $0.kind == .countDistinct ? $0.argument?.column : nil }
    distinctKeys = Array(repeating: KeyEncoder(), count: plan.calls.count)
  }

  /// Distinct groups so far.
  var count: Int { keys.count }

  /// Folds the rows `selected` of `window` into their groups' accumulators, each row made the
  /// frame's row while its arguments are evaluated. Memory is loaded ahead in passes over the
  /// rows: every key is hashed and its slot prefetched, then each likely group's location and
  /// accumulators, then its stored key; by the time a row is folded, what it touches has
  /// usually arrived. A table far larger than the caches otherwise makes every row wait for
  /// several memory loads in turn.
  mutating func add(_ window: RowWindow, selected: [Int], frame: EvalFrame) {
    let groupBy = self.groupBy
    for (i, k) in selected.enumerated() { window.withRow(k) { keys.stage(i, $0, at: groupBy) } }
    for i in selected.indices {
      let group = keys.candidate(i)
      candidates[i] = group ?? -1
      if let group { prefetchAccumulators(group) }
    }
    for i in selected.indices where candidates[i] >= 0 { keys.prefetchRecord(of: candidates[i]) }
    for (i, k) in selected.enumerated() {
      frame.lendRow(window.values(k))
      window.withRow(k) { row in
        for c in kinds.indices {
          // A text cell the row holds as bytes is encoded as it is, not made a String first.
          if let column = distinctTextColumns[c] {
            distinctKeys[c].reset()
            if let text = row.text(at: column) {
              distinctKeys[c].appendText(text, part: 0)
              continue
            }
          }
          arguments[c] = argumentEvaluators[c]?(frame) ?? .null
        }
        let (group, isNew) = keys.resolve(i)
        fold(into: group, isNew: isNew, at: Self.position(file: row.fileIndex, line: row.line))
      }
    }
  }

  /// Starts loading what folding a row into `group` writes.
  private func prefetchAccumulators(_ group: Int) {
    firstPositions.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + group) }
    lineCounts.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + group) }
    counts.prefetch(group)
    sumSignificands.prefetch(group)
    sumScales.prefetch(group)
  }

  /// Folds the row at `position`, whose argument values are in `arguments` and
  /// `distinctKeys`, into `group`.
  private mutating func fold(into group: Int, isNew: Bool, at position: Int) {
    if isNew { open(group, at: position) } else { addLine(group, at: position) }
    for c in kinds.indices {
      let v = arguments[c]
      switch kinds[c] {
      case .count: counts[c, group] += 1
      case .countNonNull: if !v.isNull { counts[c, group] += 1 }
      case .countIf: if case .bool(true) = v { counts[c, group] += 1 }
      case .countDistinct:
        if distinctKeys[c].comparableCount > 0 {
          distinctKeys[c].withComparable { distinct[c].insert(encoded: $0, into: group) }
        } else if !v.isNull {
          distinct[c].insert(v, into: group)
        }
      case .sum, .avg:
        guard let d = v.decimalValue else { break }
        addToSum(d, call: c, group: group)
        if kinds[c] == .avg { counts[c, group] += 1 }
      case .min, .max:
        if !v.isNull, replacesExtreme(v, at: position, call: c, group: group) {
          extremes[c, group] = v
          extremePositions[c, group] = position
        }
      }
    }
  }

  /// Whether `v` (from the row at `position`) is a new minimum or maximum; on a tie the
  /// earlier row's value stays.
  private func replacesExtreme(_ v: Value, at position: Int, call c: Int, group: Int) -> Bool {
    let current = extremes[c, group]
    if current.isNull { return true }
    let order = Value.compare(v, current) ?? 0
    if order == 0 { return position < extremePositions[c, group] }
    return kinds[c] == .min ? order < 0 : order > 0
  }

  private mutating func open(_ group: Int, at position: Int) {
    firstPositions.append(position)
    lineCounts.append(1)
    lastExtra.append(0)
    counts.openGroup()
    sumSignificands.openGroup()
    sumScales.openGroup()
    extremes.openGroup()
    extremePositions.openGroup()
    for c in kinds.indices where kinds[c] == .countDistinct { distinct[c].addGroup() }
  }

  /// Keeps the row's line when the group has fewer than `lineLimit` and the row is in the
  /// group's first file (a report line names one file).
  private mutating func addLine(_ group: Int, at position: Int) {
    guard Int(lineCounts[group]) < Self.lineLimit,
      position >> Self.lineBits == firstPositions[group] >> Self.lineBits
    else { return }
    precondition(extraLines.count < Int(UInt32.max), "more than 4294967294 stored lines in one rule")
    extraLines.append(position & (1 << Self.lineBits - 1))
    extraPrevious.append(lastExtra[group])
    lastExtra[group] = UInt32(extraLines.count)
    lineCounts[group] += 1
  }

  /// An overflowing sum is unknown: it stays null and no later row revives it.
  private mutating func addToSum(_ d: ExactDecimal, call c: Int, group: Int) {
    switch sumScales[c, group] {
    case Self.noSum:
      sumSignificands[c, group] = d.significand
      sumScales[c, group] = d.scale
    case Self.overflowedSum: break
    case let scale:
      let total = ExactDecimal(significand: sumSignificands[c, group], scale: scale).adding(d)
      sumSignificands[c, group] = total?.significand ?? 0
      sumScales[c, group] = total?.scale ?? Self.overflowedSum
    }
  }

  private func sum(call c: Int, group: Int) -> ExactDecimal? {
    let scale = sumScales[c, group]
    guard scale != Self.noSum, scale != Self.overflowedSum else { return nil }
    return ExactDecimal(significand: sumSignificands[c, group], scale: scale)
  }

  // MARK: - Merging

  /// Folds in `other`: the same rule's groups over rows this state has not seen. The other
  /// state's key pages are freed as the merge passes them, so that the two tables do not both
  /// stay whole while this one grows.
  mutating func merge(_ other: consuming GroupState) {
    let parts = Array(0..<groupBy.count)
    var key: [Value] = []
    var stored: [Value] = []
    var page = 0
    reserve(count + other.count)
    for g in 0..<other.count {
      if other.keys.page(of: g) != page {
        page = other.keys.page(of: g)
        other.keys.release(pagesBefore: page)
      }
      let (group, isNew): (Int, Bool)
      if let spelled = other.presentations[g] {
        (group, isNew) = keys.group(of: spelled, at: parts)
      } else {
        (group, isNew) = keys.group(ofGroup: g, in: other.keys)
      }
      if isNew { open(group, at: other.firstPositions[g]) }
      fold(g, of: other, into: group, isNew: isNew, key: &key, stored: &stored)
    }
  }

  /// Looks the keys of `other`'s groups `range` up in this state: `matches[g]` becomes the
  /// group here with `g`'s key, or -1. Reads this state only, so several slices may be looked
  /// up on different threads at once.
  func lookUp(_ range: Range<Int>, of other: GroupState, into matches: UnsafeMutablePointer<Int>) {
    // A key spelled differently by its first row (`presentations`) has the record's
    // comparable bytes all the same: the record finds it.
    keys.lookUp(groups: range, in: other.keys) { g, found in matches[g] = found ?? -1 }
  }

  /// Folds in the groups of `other` that `lookUp` found here (`matches[g] >= 0` for every
  /// group of `other`) and leaves the others where they are: the two states then hold disjoint
  /// keys and are judged apart, and this table does not grow.
  mutating func absorb(_ other: GroupState, matches: UnsafePointer<Int>) {
    var key: [Value] = []
    var stored: [Value] = []
    // Room for the lines the matched groups may add, so that the line list grows once.
    var added = 0
    for g in 0..<other.count where matches[g] >= 0 { added += Int(other.lineCounts[g]) }
    extraLines.reserveCapacity(extraLines.count + added)
    extraPrevious.reserveCapacity(extraPrevious.count + added)
    for g in 0..<other.count where matches[g] >= 0 {
      fold(g, of: other, into: matches[g], isNew: false, key: &key, stored: &stored)
    }
  }

  /// Folds group `g` of `other` into `group` (just opened with `g`'s first row when `isNew`):
  /// the earliest first row, lines and extremes win, counts and sums add up.
  private mutating func fold(
    _ g: Int, of other: GroupState, into group: Int, isNew: Bool, key: inout [Value], stored: inout [Value]
  ) {
    if !isNew, other.firstPositions[g] < firstPositions[group] {
      // The other state saw the group first: its spelling of the key is the one shown.
      other.decodeKey(g, into: &key)
      keys.decode(group, into: &stored)
      let same = zip(stored, key).allSatisfy { $0.description == $1.description }
      presentations[group] = same ? nil : key
    }
    if !isNew || other.lineCounts[g] > 1 { mergeLines(group, isNew: isNew, from: other, g) }
    mergeAccumulators(group, from: other, g)
  }

  /// Makes room for `total` groups, so that a merge doubles no array on the way.
  private mutating func reserve(_ total: Int) {
    keys.reserve(total)
    firstPositions.reserveCapacity(total)
    lineCounts.reserveCapacity(total)
    lastExtra.reserveCapacity(total)
    counts.reserve(groups: total)
    sumSignificands.reserve(groups: total)
    sumScales.reserve(groups: total)
    extremes.reserve(groups: total)
    extremePositions.reserve(groups: total)
    for c in kinds.indices where kinds[c] == .countDistinct { distinct[c].reserve(groups: total) }
  }

  /// Keeps the earliest `lineLimit` lines of the two groups' first file (only the other's
  /// when the group was just opened with its first row). The lines are gathered in a buffer on
  /// the stack: building arrays for them was most of the time spent folding matched groups.
  /// The group's own stored lines are rewritten in place and only the rest appended, so the
  /// shared line list grows by at most the other's lines (reserved before the fold): growing
  /// it by all of them was a fifth of folding the matched groups, mostly in page faults
  /// (perf, 10M-row run: 390 samples of which 71 faulting, then 315 with 10).
  private mutating func mergeLines(_ group: Int, isNew: Bool, from other: GroupState, _ g: Int) {
    let file = min(firstPositions[group], other.firstPositions[g]) >> Self.lineBits
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * Self.lineLimit) { buffer in
      let lines = buffer.baseAddress!
      var count = 0
      if !isNew, self.file(of: group) == file { count += copyLines(of: group, to: lines) }
      if other.file(of: g) == file { count += other.copyLines(of: g, to: lines + count) }
      var kept = UnsafeMutableBufferPointer(start: lines, count: count)
      kept.sort()
      // The group's stored line nodes in row order, to reuse.
      let nodes = lines + 2 * Self.lineLimit
      var reusable = 0
      var node = Int(lastExtra[group])
      while node != 0 {
        reusable += 1
        nodes[Self.lineLimit - reusable] = node
        node = Int(extraPrevious[node - 1])
      }
      let reused = nodes + Self.lineLimit - reusable
      firstPositions[group] = Self.position(file: file, line: lines[0])
      var previous: UInt32 = 0
      for i in 1..<min(count, Self.lineLimit) {
        if i - 1 < reusable {
          let n = reused[i - 1]
          extraLines[n - 1] = lines[i]
          extraPrevious[n - 1] = previous
          previous = UInt32(n)
        } else {
          precondition(extraLines.count < Int(UInt32.max), "more than 4294967294 stored lines in one rule")
          extraLines.append(lines[i])
          extraPrevious.append(previous)
          previous = UInt32(extraLines.count)
        }
      }
      lastExtra[group] = previous
      lineCounts[group] = UInt8(min(count, Self.lineLimit))
    }
  }

  private mutating func mergeAccumulators(_ group: Int, from other: GroupState, _ g: Int) {
    for c in kinds.indices {
      switch kinds[c] {
      case .count, .countNonNull, .countIf: counts[c, group] += other.counts[c, g]
      case .countDistinct: distinct[c].merge(g, of: other.distinct[c], into: group)
      case .sum, .avg:
        switch other.sumScales[c, g] {
        case Self.noSum: break
        case Self.overflowedSum: sumScales[c, group] = Self.overflowedSum
        case let scale:
          addToSum(ExactDecimal(significand: other.sumSignificands[c, g], scale: scale), call: c, group: group)
        }
        if kinds[c] == .avg { counts[c, group] += other.counts[c, g] }
      case .min, .max:
        let v = other.extremes[c, g]
        let position = other.extremePositions[c, g]
        if !v.isNull, replacesExtreme(v, at: position, call: c, group: group) {
          extremes[c, group] = v
          extremePositions[c, group] = position
        }
      }
    }
  }

  // MARK: - Results

  /// The result of call `c` over `group`.
  func result(_ c: Int, group: Int) -> Value {
    switch kinds[c] {
    case .count, .countNonNull, .countIf: return .int(Int64(counts[c, group]))
    case .countDistinct: return .int(Int64(distinct[c].count(of: group)))
    case .sum:
      guard let s = sum(call: c, group: group) else { return .null }
      return Self.typed(s, types[c])
    case .avg:
      guard let s = sum(call: c, group: group), counts[c, group] > 0 else { return .null }
      return s.divided(by: ExactDecimal(Int64(counts[c, group]))).map(Value.decimal) ?? .null
    case .min, .max: return extremes[c, group]
    }
  }

  /// The result of call `c` as an Int when the call counts (`AggregateKind.counts`: never
  /// null), else nil; judging reads it without making a Value.
  func countResult(_ c: Int, group: Int) -> Int? {
    switch kinds[c] {
    case .count, .countNonNull, .countIf: return counts[c, group]
    case .countDistinct: return distinct[c].count(of: group)
    case .sum, .avg, .min, .max: return nil
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

  /// The index (in the dataset's reading order) of the file of the group's first row.
  func file(of group: Int) -> Int { firstPositions[group] >> Self.lineBits }

  /// Where the group's first row is, its file's index and line in one Int: positions order
  /// like the rows.
  func firstPosition(of group: Int) -> Int { firstPositions[group] }

  /// The group's stored lines in row order: the first row's, then up to 19 more of its file.
  func lines(of group: Int) -> [Int] {
    Array(unsafeUninitializedCapacity: Int(lineCounts[group])) { buffer, count in
      count = copyLines(of: group, to: buffer.baseAddress!)
    }
  }

  /// Writes the group's stored lines in row order to `out` (room for `lineLimit`); returns
  /// how many.
  private func copyLines(of group: Int, to out: UnsafeMutablePointer<Int>) -> Int {
    let count = Int(lineCounts[group])
    out[0] = firstPositions[group] & (1 << Self.lineBits - 1)
    var node = Int(lastExtra[group])
    var i = count - 1
    while node != 0 {
      out[i] = extraLines[node - 1]
      node = Int(extraPrevious[node - 1])
      i -= 1
    }
    return count
  }

  /// The key of `group` as its first row had it, written into `key`.
  func decodeKey(_ group: Int, into key: inout [Value]) {
    if let spelled = presentations[group] { key = spelled } else { keys.decode(group, into: &key) }
  }

  /// Appends the comparable bytes of the parts `parts` of `group`'s key to `out`
  /// (GroupTable.appendComparableBytes); a key its first row spelled differently
  /// (`presentations`) has the same ones.
  func appendKeyBytes(of group: Int, parts: [Int], to out: inout [UInt8]) {
    keys.appendComparableBytes(of: group, parts: parts, to: &out)
  }
}

/// One kind of accumulator (counts, sums, extremes…) of every call of a rule that keeps one, in
/// one flat array: call `c`'s value for group `g` is at `g * stride + slot[c]`. An array per
/// call made each row's fold check a nested pair of arrays for uniqueness and retain the inner
/// one, and put a group's values of two calls on two cache lines.
struct CallValues<Element> {
  private var values: [Element] = []
  /// Per call: its place among a group's values, or -1 when the call keeps none here.
  private let slots: [Int]
  private let stride: Int
  private let initial: Element

  /// `calls[c]`: whether call `c` keeps a value here, `initial` in a new group.
  init(calls: [Bool], initial: Element) {
    var next = 0
    slots = calls.map { uses in
      guard uses else { return -1 }
      next += 1
      return next - 1
    }
    stride = next
    self.initial = initial
  }

  subscript(c: Int, group: Int) -> Element {
    get { values[group &* stride &+ slots[c]] }
    _modify { yield &values[group &* stride &+ slots[c]] }
  }

  /// Adds the next group, each call's value `initial`.
  mutating func openGroup() {
    for _ in 0..<stride { values.append(initial) }
  }

  mutating func reserve(groups: Int) {
    values.reserveCapacity(groups * stride)
  }

  /// Starts loading `group`'s values.
  func prefetch(_ group: Int) {
    guard stride > 0 else { return }
    values.withUnsafeBufferPointer { comply_prefetch($0.baseAddress! + group &* stride) }
  }
}
