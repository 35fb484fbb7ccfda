// GroupState: the running aggregates of every group of one aggregate rule, and their results
// when the dataset ends. Keys live in a GroupTable (see there for the design and the
// measurements behind it); everything else is a flat array indexed by group number, so a group
// costs a few machine words per call instead of an object with four arrays:
// - counts (`count`, `count(x)`, `count_if`, and the rows behind an `avg`): Int;
// - sums (`sum`, `avg`): the significand and the scale of an ExactDecimal in two arrays, the
//   scale doubling as the state (no value yet, overflowed) so a sum needs no count;
// - `min`/`max`: the Value;
// - `count_distinct`: a Set<Value> per group, only for those calls;
// - lines: the first row's line inline; the 2nd to 20th, which most groups never have, in one
//   shared list linked backwards from each group's last;
// - file: groups are numbered in row order and files are read one after another, so the groups
//   a file opens form a run: one (file, first group) pair per file instead of one per group.

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
  private let arguments: [((EvalFrame) -> Value)?]
  private var keys: GroupTable

  // One column per call; the columns of kinds a call does not use stay empty.
  private var counts: [[Int]]
  private var sumSignificands: [[Int128]]
  private var sumScales: [[Int]]
  private var extremes: [[Value]]
  private var distinct: [[Set<Value>]]

  private var firstLines: [Int] = []
  /// Lines stored per group, the first included (at most `lineLimit`).
  private var lineCounts: [UInt8] = []
  /// Each group's last stored line after the first: index + 1 in `extraLines`, 0 for none.
  private var lastExtra: [UInt32] = []
  private var extraLines: [Int] = []
  /// The stored line before each extra line, coded like `lastExtra`.
  private var extraPrevious: [UInt32] = []

  /// Files in reading order with the first group each opened.
  private var fileNames: [String] = []
  private var fileFirstGroups: [Int] = []

  init(plan: AggregatePlan) {
    groupBy = plan.groupBy
    kinds = plan.calls.map(\.kind)
    types = plan.calls.map(\.type)
    arguments = plan.calls.map { $0.argument?.evaluate }
    keys = GroupTable(arity: plan.groupBy.count)
    let columns = Array(repeating: [Int](), count: plan.calls.count)
    counts = columns
    sumScales = columns
    sumSignificands = Array(repeating: [], count: plan.calls.count)
    extremes = Array(repeating: [], count: plan.calls.count)
    distinct = Array(repeating: [], count: plan.calls.count)
  }

  /// Distinct groups so far.
  var count: Int { keys.count }

  /// Folds a row (already in `frame.row`) into its group's accumulators.
  mutating func add(_ row: ParsedRow, frame: EvalFrame) {
    let (group, isNew) = keys.group(of: row.values, at: groupBy)
    if isNew { open(group, row: row) } else { addLine(group, row: row) }
    for c in kinds.indices {
      let v = arguments[c]?(frame) ?? .null
      switch kinds[c] {
      case .count: counts[c][group] += 1
      case .countNonNull: if !v.isNull { counts[c][group] += 1 }
      case .countIf: if case .bool(true) = v { counts[c][group] += 1 }
      case .countDistinct: if !v.isNull { distinct[c][group].insert(v) }
      case .sum, .avg:
        guard let d = v.decimalValue else { break }
        addToSum(d, call: c, group: group)
        if kinds[c] == .avg { counts[c][group] += 1 }
      case .min:
        if !v.isNull, extremes[c][group].isNull || (Value.compare(v, extremes[c][group]) ?? 0) < 0 {
          extremes[c][group] = v
        }
      case .max:
        if !v.isNull, extremes[c][group].isNull || (Value.compare(v, extremes[c][group]) ?? 0) > 0 {
          extremes[c][group] = v
        }
      }
    }
  }

  private mutating func open(_ group: Int, row: ParsedRow) {
    if fileNames.last != row.file {
      fileNames.append(row.file)
      fileFirstGroups.append(group)
    }
    firstLines.append(row.line)
    lineCounts.append(1)
    lastExtra.append(0)
    for c in kinds.indices {
      switch kinds[c] {
      case .count, .countNonNull, .countIf: counts[c].append(0)
      case .countDistinct: distinct[c].append([])
      case .sum, .avg:
        sumSignificands[c].append(0)
        sumScales[c].append(Self.noSum)
        if kinds[c] == .avg { counts[c].append(0) }
      case .min, .max: extremes[c].append(.null)
      }
    }
  }

  /// Keeps the row's line when the group has fewer than `lineLimit` and the row is in the
  /// group's first file (a report line names one file).
  private mutating func addLine(_ group: Int, row: ParsedRow) {
    guard Int(lineCounts[group]) < Self.lineLimit, file(of: group) == row.file else { return }
    precondition(extraLines.count < Int(UInt32.max), "more than 4294967294 stored lines in one rule")
    extraLines.append(row.line)
    extraPrevious.append(lastExtra[group])
    lastExtra[group] = UInt32(extraLines.count)
    lineCounts[group] += 1
  }

  /// An overflowing sum is unknown: it stays null and no later row revives it.
  private mutating func addToSum(_ d: ExactDecimal, call c: Int, group: Int) {
    switch sumScales[c][group] {
    case Self.noSum:
      sumSignificands[c][group] = d.significand
      sumScales[c][group] = d.scale
    case Self.overflowedSum: break
    case let scale:
      let total = ExactDecimal(significand: sumSignificands[c][group], scale: scale).adding(d)
      sumSignificands[c][group] = total?.significand ?? 0
      sumScales[c][group] = total?.scale ?? Self.overflowedSum
    }
  }

  private func sum(call c: Int, group: Int) -> ExactDecimal? {
    let scale = sumScales[c][group]
    guard scale != Self.noSum, scale != Self.overflowedSum else { return nil }
    return ExactDecimal(significand: sumSignificands[c][group], scale: scale)
  }

  // MARK: - Results

  /// The result of call `c` over `group`.
  func result(_ c: Int, group: Int) -> Value {
    switch kinds[c] {
    case .count, .countNonNull, .countIf: return .int(Int64(counts[c][group]))
    case .countDistinct: return .int(Int64(distinct[c][group].count))
    case .sum:
      guard let s = sum(call: c, group: group) else { return .null }
      return Self.typed(s, types[c])
    case .avg:
      guard let s = sum(call: c, group: group), counts[c][group] > 0 else { return .null }
      return s.divided(by: ExactDecimal(Int64(counts[c][group]))).map(Value.decimal) ?? .null
    case .min, .max: return extremes[c][group]
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

  /// The file of the group's first row.
  func file(of group: Int) -> String {
    // The last file whose first group is at most `group`.
    var low = 0
    var high = fileFirstGroups.count
    while high - low > 1 {
      let mid = (low + high) / 2
      if fileFirstGroups[mid] <= group { low = mid } else { high = mid }
    }
    return fileNames[low]
  }

  /// The group's stored lines in row order: the first row's, then up to 19 more of its file.
  func lines(of group: Int) -> [Int] {
    var later: [Int] = []
    var node = Int(lastExtra[group])
    while node != 0 {
      later.append(extraLines[node - 1])
      node = Int(extraPrevious[node - 1])
    }
    return [firstLines[group]] + later.reversed()
  }

  /// The key of `group` as its first row had it, written into `key`.
  func decodeKey(_ group: Int, into key: inout [Value]) {
    keys.decode(group, into: &key)
  }

  /// The group number of `key`, nil when no row had it.
  mutating func find(_ key: [Value]) -> Int? {
    keys.find(key)
  }
}
