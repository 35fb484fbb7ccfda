// The group table and group state on their own: keys equal as `Value.==` says group together
// and decode to their first row's form, collisions and growth keep keys apart, lines are kept
// per group and file, sums overflow to null, a distinct value counts once however many workers
// saw it; and the violation order matches its definition.

import ComplyCore
import ComplyExpr
import Foundation
import Testing

@testable import ComplyEngine
@testable import ComplyRules

struct GroupTableTests {
  static func decimal(_ text: String) -> Value {
    ExactDecimal(parsing: text).map(Value.decimal) ?? .null
  }

  func decoded(_ table: GroupTable, _ group: Int) -> [Value] {
    var key: [Value] = []
    table.decode(group, into: &key)
    return key
  }

  /// `kind:text` of each part, so that `.int(1)` and `.decimal(1)` are told apart.
  func forms(_ key: [Value]) -> [String] {
    key.map { value in
      switch value {
      case .null: return "null"
      case .bool(let b): return "bool:\(b)"
      case .int(let i): return "int:\(i)"
      case .decimal(let d): return "decimal:\(d)"
      case .string(let s): return "string:\(Array(s.unicodeScalars.map(\.value)))"
      case .date(let d): return "date:\(d)"
      case .time(let t): return "time:\(t)"
      }
    }
  }

  @Test func equalNumbersGroupTogetherAndKeepTheFirstForm() {
    var table = GroupTable(arity: 1)
    #expect(table.group(of: [Self.decimal("1.00")], at: [0]) == (0, true))
    #expect(table.group(of: [.int(1)], at: [0]) == (0, false))
    #expect(table.group(of: [Self.decimal("1.0")], at: [0]) == (0, false))
    #expect(table.group(of: [Self.decimal("1.01")], at: [0]) == (1, true))
    #expect(forms(decoded(table, 0)) == ["decimal:1.00"])
    #expect(forms(decoded(table, 1)) == ["decimal:1.01"])
  }

  @Test(arguments: [
    "int:5", "decimal:5", "decimal:5.000", "decimal:-0.50", "decimal:0.00", "int:-9223372036854775808",
    "decimal:123456789012345678901234567890.123456", "decimal:-99999999999999999999999999999999999",
  ])
  func numbersDecodeExactly(form: String) {
    let text = String(form.drop { $0 != ":" }.dropFirst())
    let value: Value = form.hasPrefix("int:") ? Int64(text).map(Value.int) ?? .null : Self.decimal(text)
    var table = GroupTable(arity: 1)
    _ = table.group(of: [value], at: [0])
    #expect(forms(decoded(table, 0)) == [form])
  }

  @Test func textAndNumbersNeverMix() {
    var table = GroupTable(arity: 1)
    #expect(table.group(of: [.string("1")], at: [0]).group == 0)
    #expect(table.group(of: [.int(1)], at: [0]).group == 1)
    #expect(table.group(of: [.bool(true)], at: [0]).group == 2)
    #expect(table.group(of: [.string("")], at: [0]).group == 3)
    #expect(table.group(of: [.null], at: [0]).group == 4)
    #expect(table.group(of: [.string("1")], at: [0]) == (0, false))
  }

  @Test func nullPartsAreEqualToEachOtherOnly() {
    var table = GroupTable(arity: 2)
    let keys: [[Value]] = [[.null, .string("A")], [.string("A"), .null], [.null, .null], [.null, .string("A")]]
    #expect(keys.map { table.group(of: $0, at: [0, 1]).group } == [0, 1, 2, 0])
    #expect(forms(decoded(table, 1)) == forms([.string("A"), .null]))
    #expect(forms(decoded(table, 2)) == ["null", "null"])
  }

  @Test func canonicallyEquivalentTextGroupsTogetherAndKeepsItsBytes() {
    var table = GroupTable(arity: 1)
    let decomposed = "Jose\u{301}"
    #expect(table.group(of: [.string(decomposed)], at: [0]) == (0, true))
    #expect(table.group(of: [.string("Jos\u{E9}")], at: [0]) == (0, false))
    #expect(table.group(of: [.string("\u{8C48}")], at: [0]) == (1, true))
    #expect(table.group(of: [.string("\u{F900}")], at: [0]) == (1, false))
    #expect(table.group(of: [.string("张三\u{3000}一班")], at: [0]) == (2, true))
    #expect(forms(decoded(table, 0)) == forms([.string(decomposed)]))
    #expect(forms(decoded(table, 2)) == forms([.string("张三\u{3000}一班")]))
  }

  @Test func everyKindRoundTrips() {
    let key: [Value] = [
      .bool(false), .bool(true), .date(Day(ordinal: -719_468)), .date(Day(ordinal: 20_000)),
      .time(TimeOfDay(seconds: 86_399)), .string(String(repeating: "长", count: 300)), .null,
    ]
    var table = GroupTable(arity: key.count)
    _ = table.group(of: key, at: Array(key.indices))
    #expect(forms(decoded(table, 0)) == forms(key))
    #expect(table.group(of: key, at: Array(key.indices)) == (0, false))
  }

  @Test func manyKeysSurviveGrowth() {
    var table = GroupTable(arity: 3)
    let n = 60_000
    func key(_ i: Int) -> [Value] {
      [.string("G\(i)"), i % 7 == 0 ? .null : .int(Int64(i % 1000)), .date(Day(ordinal: i / 1000))]
    }
    for i in 0..<n { #expect(table.group(of: key(i), at: [0, 1, 2]) == (i, true)) }
    #expect(table.count == n)
    var mismatches = 0
    for i in stride(from: n - 1, through: 0, by: -1) where table.group(of: key(i), at: [0, 1, 2]) != (i, false) {
      mismatches += 1
    }
    #expect(mismatches == 0)
    #expect(forms(decoded(table, 12_345)) == forms(key(12_345)))
    #expect(forms(decoded(table, n - 1)) == forms(key(n - 1)))
    #expect(table.group(of: [.string("G1"), .int(1), .date(Day(ordinal: 1))], at: [0, 1, 2]) == (n, true))
    #expect(table.count == n + 1)
  }

  @Test(arguments: [0, 1])
  func collidingHashesNeverMergeKeys(weakness: Int) {
    // Every key hashes alike, or keys of a length hash alike: the bytes must decide.
    let weak: (UnsafeRawBufferPointer) -> UInt64 = weakness == 0 ? { _ in 42 } : { UInt64($0.count) }
    var table = GroupTable(arity: 2, hash: weak)
    let keys: [[Value]] = (0..<300).map { [.string(String($0 % 10)), .int(Int64($0 / 10))] }
    for (i, key) in keys.enumerated() { #expect(table.group(of: key, at: [0, 1]) == (i, true)) }
    for (i, key) in keys.enumerated().reversed() { #expect(table.group(of: key, at: [0, 1]) == (i, false)) }
    #expect(table.group(of: [.string("0"), .int(30)], at: [0, 1]) == (300, true))
    #expect(table.group(of: [.string("0"), .int(-1)], at: [0, 1]) == (301, true))
    #expect(forms(decoded(table, 123)) == forms(keys[123]))
  }
}

extension GroupTableTests {
  /// Another table's keys are looked up by their stored hashes, and only bytes decide: with
  /// every hash alike, or alike per length, each key finds its own group or none.
  @Test(arguments: [0, 1])
  func collidingHashesLookUpAnotherTablesKeysByTheirBytes(weakness: Int) {
    let weak: (UnsafeRawBufferPointer) -> UInt64 = weakness == 0 ? { _ in 42 } : { UInt64($0.count) }
    var mine = GroupTable(arity: 2, hash: weak)
    var theirs = GroupTable(arity: 2, hash: weak)
    let keys: [[Value]] = (0..<300).map { [.string(String($0 % 10)), .int(Int64($0 / 10))] }
    for key in keys[..<200] { _ = mine.group(of: key, at: [0, 1]) }
    for key in keys[100...] { _ = theirs.group(of: key, at: [0, 1]) }
    var found: [Int?] = []
    mine.lookUp(groups: 0..<theirs.count, in: theirs) { _, group in found.append(group) }
    #expect(found == (0..<200).map { 100 + $0 < 200 ? 100 + $0 : nil })
    for g in 0..<theirs.count {
      let expected = 100 + g < 200 ? (100 + g, false) : (100 + g, true)
      #expect(mine.group(ofGroup: g, in: theirs) == expected)
    }
  }
}

struct GroupStateTests {
  /// `group_by: [学籍号]` over rows (学籍号, 金额) with the given aggregates of 金额.
  func state(_ kinds: [AggregateKind]) -> GroupState {
    let amount = CompiledExpression(type: .decimal, references: [.column(1)]) { $0.row?.value(at: 1) ?? .null }
    let calls = kinds.map { AggregateCall(kind: $0, argument: $0 == .count ? nil : amount, type: .decimal) }
    return GroupState(plan: AggregatePlan(groupBy: [0], groupNames: ["学籍号"], calls: calls, computed: [], expect: nil))
  }

  func add(_ state: inout GroupState, _ key: String, _ amount: Value = .null, file: String = "a.csv", line: Int) {
    add(&state, [.string(key), amount], file: file == "a.csv" ? 0 : 1, line: line)
  }

  func add(_ state: inout GroupState, _ values: [Value], file: Int, line: Int) {
    let row = ParsedRow(values: values, file: "", fileIndex: file, line: line)
    RowWindow.over([row]) { state.add($0, selected: [0], frame: EvalFrame()) }
  }

  /// Folds into `state` the groups of `other` whose keys it has, as the engine does for the
  /// last worker; true for each of `other`'s groups folded in.
  func absorbMatching(_ state: inout GroupState, _ other: GroupState) -> [Bool] {
    let matches = UnsafeMutablePointer<Int>.allocate(capacity: max(1, other.count))
    defer { matches.deallocate() }
    state.lookUp(0..<other.count, of: other, into: matches)
    state.absorb(other, matches: matches)
    return (0..<other.count).map { matches[$0] >= 0 }
  }

  /// Everything a report can show of a state's groups, by the key as its first row spelled it.
  func observed(_ s: GroupState, calls: Int, skipping absorbed: [Bool]? = nil) -> [String: String] {
    var out: [String: String] = [:]
    var key: [Value] = []
    for g in 0..<s.count where absorbed?[g] != true {
      s.decodeKey(g, into: &key)
      let results = (0..<calls).map { s.result($0, group: g).description }
      out[key.map(\.description).joined(separator: "|")] = "\(s.file(of: g)) \(s.lines(of: g)) \(results)"
    }
    return out
  }

  /// Rows dealt to two states in runs (as batches are to workers) and merged give exactly what
  /// one state fed every row gives: first spelling of a key, first file, earliest lines,
  /// exact sums, and the earliest row's value on a min/max tie. Keys are spelled "5", "5.0"
  /// and "5.00" (equal, shown differently), amounts tie the same way.
  @Test func mergingTwoWorkersEqualsOneWorker() {
    let kinds: [AggregateKind] = [.count, .sum, .avg, .min, .max, .countNonNull, .countDistinct]
    var rows: [(values: [Value], file: Int, line: Int)] = []
    var seed: UInt64 = 42
    func next(_ n: UInt64) -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int((seed >> 33) % n)
    }
    let spellings = ["5", "5.0", "5.00"]
    for file in 0..<3 {
      for line in 2..<400 {
        // Every fifth row has a key of its own, so some keys live in one worker only.
        let key =
          line % 5 == 3
          ? .int(Int64(1000 * (file + 1) + line))
          : next(4) == 0 ? GroupTableTests.decimal(spellings[next(3)]) : .int(Int64(10 + next(60)))
        let amount = next(9) == 0 ? Value.null : GroupTableTests.decimal(["1", "1.0", "2.50", "-3"][next(4)])
        rows.append(([key, amount], file, line))
      }
    }
    var one = state(kinds)
    for r in rows { add(&one, r.values, file: r.file, line: r.line) }
    for runLength in [1, 7, 50] {
      var workers = [state(kinds), state(kinds)]
      for (i, r) in rows.enumerated() { add(&workers[(i / runLength) % 2], r.values, file: r.file, line: r.line) }
      // Merged in the order the engine uses and the other way round.
      var ab = workers[0]
      ab.merge(workers[1])
      var ba = workers[1]
      ba.merge(workers[0])
      #expect(observed(ab, calls: kinds.count) == observed(one, calls: kinds.count))
      #expect(observed(ba, calls: kinds.count) == observed(one, calls: kinds.count))
      // Probing instead: the groups left in the second state hold the keys the first lacks.
      var probed = workers[0]
      let theirs = workers[1]
      let matches = UnsafeMutablePointer<Int>.allocate(capacity: theirs.count)
      defer { matches.deallocate() }
      // Looked up in two slices, as the engine does on several threads.
      probed.lookUp(0..<theirs.count / 2, of: theirs, into: matches)
      probed.lookUp(theirs.count / 2..<theirs.count, of: theirs, into: matches)
      probed.absorb(theirs, matches: matches)
      let absorbed = (0..<theirs.count).map { matches[$0] >= 0 }
      let left = observed(workers[1], calls: kinds.count, skipping: absorbed)
      #expect(absorbed.contains(true) && absorbed.contains(false))
      #expect(
        observed(probed, calls: kinds.count).merging(left) { a, _ in "duplicate \(a)" }
          == observed(one, calls: kinds.count))
    }
  }

  /// The worker merged in saw the group first, in an earlier file: its spelling of the key, its
  /// file and lines, and its value of a tied minimum are what one worker would show.
  @Test func mergeKeepsTheEarliestRowsSpellingFileAndTies() {
    let kinds: [AggregateKind] = [.min, .max, .count]
    var a = state(kinds)
    add(&a, [GroupTableTests.decimal("5.0"), GroupTableTests.decimal("1.0")], file: 1, line: 2)
    add(&a, [GroupTableTests.decimal("5"), GroupTableTests.decimal("3")], file: 1, line: 3)
    var b = state(kinds)
    add(&b, [GroupTableTests.decimal("5.00"), GroupTableTests.decimal("1")], file: 0, line: 7)
    add(&b, [GroupTableTests.decimal("5"), GroupTableTests.decimal("3.00")], file: 0, line: 9)
    var one = state(kinds)
    for (values, file, line) in [
      ([GroupTableTests.decimal("5.00"), GroupTableTests.decimal("1")], 0, 7),
      ([GroupTableTests.decimal("5"), GroupTableTests.decimal("3.00")], 0, 9),
      ([GroupTableTests.decimal("5.0"), GroupTableTests.decimal("1.0")], 1, 2),
      ([GroupTableTests.decimal("5"), GroupTableTests.decimal("3")], 1, 3),
    ] {
      add(&one, values, file: file, line: line)
    }
    a.merge(b)
    #expect(observed(a, calls: kinds.count) == ["5.00": "0 [7, 9] [\"1\", \"3.00\", \"4\"]"])
    #expect(observed(a, calls: kinds.count) == observed(one, calls: kinds.count))
  }

  @Test func linesAreCappedAtTwentyAndComeFromTheFirstFile() {
    var s = state([.count])
    for line in 2...40 {
      add(&s, "A", line: line)
      if line.isMultiple(of: 3) { add(&s, "B\(line % 2)", line: 1000 + line) }
    }
    add(&s, "A", file: "b.csv", line: 2)
    add(&s, "C", file: "b.csv", line: 3)
    add(&s, "B0", file: "b.csv", line: 4)
    add(&s, "C", file: "b.csv", line: 5)
    add(&s, "C", file: "a.csv", line: 50)
    #expect(s.count == 4)
    #expect(s.lines(of: 0) == Array(2...21))
    #expect(s.file(of: 0) == 0)
    #expect(s.result(0, group: 0) == .int(40))
    #expect(s.lines(of: 1) == Array(stride(from: 1003, through: 1039, by: 6)))
    #expect(s.lines(of: 2) == Array(stride(from: 1006, through: 1036, by: 6)))
    #expect(s.file(of: 3) == 1)
    #expect(s.lines(of: 3) == [3, 5])
    #expect(s.result(0, group: 3) == .int(3))
  }

  /// Rows folded a window at a time, only the selected ones, give what folding the selected
  /// rows one by one gives: repeated keys within a window (found after the row that added
  /// them, though staged before), groups across windows, lines and sums in row order.
  @Test func windowsFoldLikeSingleRows() {
    let kinds: [AggregateKind] = [.count, .sum, .countDistinct, .min]
    var seed: UInt64 = 7
    func next(_ n: UInt64) -> Int {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      return Int((seed >> 33) % n)
    }
    let rows = (0..<200).map { line in
      ParsedRow(
        values: [.string("K\(next(9))"), GroupTableTests.decimal(["1", "2.5", "-3", "0.10"][next(4)])],
        file: "", fileIndex: line < 150 ? 0 : 1, line: line + 2)
    }
    let chosen = rows.indices.filter { _ in next(5) != 0 }
    var one = state(kinds)
    for i in chosen { add(&one, rows[i].values, file: rows[i].fileIndex, line: rows[i].line) }
    var windowed = state(kinds)
    var offset = 0
    RowWindow.over(rows) { window in
      let selected = (0..<window.count).filter { chosen.contains(offset + $0) }
      windowed.add(window, selected: selected, frame: EvalFrame())
      offset += window.count
    }
    #expect(windowed.count == one.count)
    #expect(observed(windowed, calls: kinds.count) == observed(one, calls: kinds.count))
  }

  @Test func sumsAreExactAndAnOverflowStaysNull() {
    var s = state([.sum, .avg, .min, .max, .countNonNull, .countDistinct])
    let huge = Value.decimal(ExactDecimal(significand: Int128.max / 2, scale: 0))
    add(&s, "A", GroupTableTests.decimal("0.10"), line: 2)
    add(&s, "A", GroupTableTests.decimal("0.2"), line: 3)
    add(&s, "A", .null, line: 4)
    add(&s, "B", huge, line: 5)
    add(&s, "B", huge, line: 6)
    add(&s, "B", huge, line: 7)
    add(&s, "B", .int(-1), line: 8)
    add(&s, "C", .null, line: 9)
    #expect((0..<6).map { s.result($0, group: 0).description } == ["0.30", "0.15", "0.10", "0.2", "2", "2"])
    #expect(s.result(0, group: 1) == .null)
    #expect(s.result(1, group: 1) == .null)
    #expect((0..<6).map { s.result($0, group: 2).description } == ["", "", "", "", "0", "0"])
  }

  /// Values equal as `Value.==` says (1 and 1.00, text composed and decomposed) count once in
  /// a group however many workers saw them; null never counts, and another group's values are
  /// another group's.
  @Test func aValueSeenByTwoWorkersCountsOnce() {
    let decomposed = Value.string("Jose\u{301}")
    var a = state([.countDistinct])
    add(&a, "A", .string("G1"), line: 2)
    add(&a, "A", .int(1), line: 3)
    add(&a, "A", decomposed, line: 4)
    add(&a, "A", .null, line: 5)
    add(&a, "B", .string("G1"), line: 6)
    var b = state([.countDistinct])
    add(&b, "A", .string("G1"), line: 7)
    add(&b, "A", GroupTableTests.decimal("1.00"), line: 8)
    add(&b, "A", .string("Jos\u{E9}"), line: 9)
    add(&b, "A", .string("G2"), line: 10)
    add(&b, "A", .null, line: 11)
    add(&b, "C", .string("G1"), line: 12)
    #expect(a.result(0, group: 0) == .int(3))
    #expect(b.result(0, group: 0) == .int(4))
    let merged = ["A": "0 [2, 3, 4, 5, 7, 8, 9, 10, 11] [\"4\"]", "B": "0 [6] [\"1\"]", "C": "0 [12] [\"1\"]"]
    var ab = a
    ab.merge(b)
    #expect(observed(ab, calls: 1) == merged)
    var ba = b
    ba.merge(a)
    #expect(observed(ba, calls: 1) == merged)
    var probed = a
    let absorbed = absorbMatching(&probed, b)
    #expect(absorbed == [true, false])
    #expect(observed(probed, calls: 1).merging(observed(b, calls: 1, skipping: absorbed)) { x, _ in x } == merged)
  }

  /// Sets that outgrow their slots many times over, merged both ways: every value once.
  @Test func largeSetsMergeExactly() {
    var a = state([.countDistinct])
    var b = state([.countDistinct])
    for i in 0..<300 {
      add(&a, "A", .string("S\(i)"), line: 2 + i)
      add(&b, "A", .string("S\(i + 200)"), line: 1000 + i)
      add(&b, "B", .int(Int64(i % 150)), line: 2000 + i)
      add(&a, "B", GroupTableTests.decimal("\(i % 75).0"), line: 3000 + i)
    }
    #expect(a.result(0, group: 0) == .int(300))
    #expect(b.result(0, group: 1) == .int(150))
    var ab = a
    ab.merge(b)
    #expect((0..<2).map { ab.result(0, group: $0) } == [.int(500), .int(150)])
    var ba = b
    ba.merge(a)
    #expect((0..<2).map { ba.result(0, group: $0) } == [.int(500), .int(150)])
    var probed = a
    _ = absorbMatching(&probed, b)
    #expect((0..<2).map { probed.result(0, group: $0) } == [.int(500), .int(150)])
  }
}

struct ViolationOrderTests {
  /// The comparator `sortViolations` replaced, kept as the definition of the order.
  static func reference(_ violations: [Violation]) -> [Violation] {
    violations.enumerated().sorted { a, b in
      let x = a.element
      let y = b.element
      if x.ruleID != y.ruleID { return x.ruleID < y.ruleID }
      switch (x.file, y.file) {
      case (nil, .some): return false
      case (.some, nil): return true
      case let (f?, g?) where f != g: return f < g
      default: break
      }
      if x.line != y.line { return (x.line ?? Int.max) < (y.line ?? Int.max) }
      let gx = x.group?.map(\.value).joined(separator: "\u{1F}") ?? ""
      let gy = y.group?.map(\.value).joined(separator: "\u{1F}") ?? ""
      return gx != gy ? gx < gy : a.offset < b.offset
    }.map(\.element)
  }

  /// A fixed sequence, so that a failure reproduces.
  struct Generator: RandomNumberGenerator {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
  }

  @Test func sameOrderAsTheDefinition() {
    var generator = Generator()
    let violations = (0..<2000).map { i in
      let expectedGroup = Int.random(in: 0..<4, using: &generator) == 0
      return Violation(
        ruleID: ["FEE-B", "FEE-A", "ENROLL", "TT"].randomElement(using: &generator) ?? "", severity: .error,
        category: "", department: "", owner: "", title: "", message: "#\(i)", dataset: "",
        file: expectedGroup ? nil : ["收费/2.csv", "收费/10.csv", "a.csv"].randomElement(using: &generator),
        line: expectedGroup ? nil : Int.random(in: 2..<40, using: &generator), lines: [],
        group: Bool.random(using: &generator) ? nil : [("班级", ["一班", "二班", ""].randomElement(using: &generator) ?? "")],
        key: nil, fingerprint: "")
    }
    // In parts of uneven lengths, some empty, as the rules' lists come.
    var parts: [[Violation]] = []
    var start = 0
    while start < violations.count {
      if parts.count % 4 == 1 { parts.append([]) }
      let end = min(violations.count, start + Int.random(in: 1..<300, using: &generator))
      parts.append(Array(violations[start..<end]))
      start = end
    }
    #expect(Engine.sortViolations(parts).map(\.message) == Self.reference(violations).map(\.message))
    #expect(Engine.sortViolations([]).isEmpty)
  }

  @Test(arguments: [0, 1, 2, 5])
  func movedViolationsFollowInOrder(kept: Int) {
    func made(_ range: Range<Int>) -> [Violation] {
      range.map { i in
        Violation(
          ruleID: "R", severity: .error, category: "", department: "", owner: "", title: "", message: "#\(i)",
          dataset: "", file: "收费/\(i).csv", line: i, lines: [i], group: [("班级", "\(i)班")], key: nil, fingerprint: "")
      }
    }
    var violations = made(0..<kept)
    for part in [0..<0, kept..<kept + 3, kept + 3..<kept + 4] {
      var moved = made(part)
      violations.append(movingFrom: &moved)
      #expect(moved.isEmpty)
    }
    #expect(violations.map(\.message) == made(0..<kept + 4).map(\.message))
    #expect(violations.map(\.group?.first?.value) == made(0..<kept + 4).map(\.group?.first?.value))
  }
}
