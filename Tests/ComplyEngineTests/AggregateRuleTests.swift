// Aggregate rules (SPEC §2.2): every aggregate, when-filters, null keys, empty datasets, joins
// on group columns, expected groups, and exact sums.

@testable import ComplyEngine
import Testing

struct AggregateRuleTests {
  static let datasets = """
    datasets:
      fees:
        files: ["fees.csv"]
        columns: {学籍号: string, 项目: string, 金额: decimal, 日期: date, 次数: integer}
      plan:
        files: ["plan.csv"]
        columns: {学籍号: string, 上限: decimal}

    """

  func run(_ rule: String, fees: String, plan: String = "学籍号,上限\n") throws -> [String] {
    let ws = try Workspace(rules: Self.datasets + "rules:\n" + rule, files: ["fees.csv": fees, "plan.csv": plan])
    return try ws.check().violations.map(\.summary)
  }

  static let fees = """
    学籍号,项目,金额,日期,次数
    A,午餐,500.1,2024-03-01,1
    A,午餐,500.1,2024-03-02,2
    A,午餐,500.1,2024-03-05,
    B,校服,100,2024-02-01,3
    B,,,2024-02-09,4
    ,午餐,10,,5

    """

  @Test func threeChargesOf500Point1DoNotExceed1500Point3() throws {
    let rule = """
        - id: CAP
          dataset: fees
          group_by: [学籍号]
          compute: {合计: sum(金额)}
          require: 合计 <= 1500.3
          message: "{学籍号} {合计}"
      """
    #expect(try run(rule, fees: Self.fees) == [])
    let tighter = rule.replacingOccurrences(of: "1500.3", with: "1500.29")
    #expect(try run(tighter, fees: Self.fees) == ["CAP fees.csv:2 A 1500.3"])
  }

  @Test(arguments: [
    ("count()", "A 3|B 2|- 1"),
    ("count(金额)", "A 3|B 1|- 1"),
    ("count_if(项目 == '午餐')", "A 3|B 0|- 1"),
    ("count_distinct(金额)", "A 1|B 1|- 1"),
    ("sum(金额)", "A 1500.3|B 100|- 10"),
    ("sum(次数)", "A 3|B 7|- 5"),
    ("avg(金额)", "A 500.1|B 100|- 10"),
    ("avg(次数)", "A 1.5|B 3.5|- 5"),
    ("min(日期)", "A 2024-03-01|B 2024-02-01|- "),
    ("max(日期)", "A 2024-03-05|B 2024-02-09|- "),
    ("min(金额)", "A 500.1|B 100|- 10"),
    ("max(项目)", "A 午餐|B 校服|- 午餐"),
  ])
  func everyAggregate(expression: String, expected: String) throws {
    let rule = """
        - id: AGG
          dataset: fees
          group_by: [学籍号]
          compute: {v: \(expression)}
          require: false
          message: "{coalesce(学籍号, '-')} {v}"
      """
    let messages = try run(rule, fees: Self.fees).map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }
    #expect(messages.joined(separator: "|") == expected)
  }

  /// A condition comparing one aggregate with a constant is decided from that aggregate alone
  /// (GroupJudge); written with a `compute:` name or the call itself, as `require` or `forbid`,
  /// it judges as the whole condition does: a null result (B's `max` of an empty column here)
  /// is no violation either way.
  @Test(arguments: [
    ("compute: {m: max(次数)}\n    require: m < 2", ["A", "-"]),
    ("require: max(次数) < 2", ["A", "-"]),
    ("compute: {m: max(次数)}\n    forbid: m >= 2", ["A", "-"]),
    ("forbid: max(次数) >= 2", ["A", "-"]),
    ("require: max(次数) != 2", ["A"]),
    ("forbid: 2 <= max(次数)", ["A", "-"]),
  ])
  func aConditionOnOneAggregateJudgesLikeTheWholeCondition(condition: String, violating: [String]) throws {
    let fees = "学籍号,次数\nA,2\nA,1\nB,\n,7\nC,1\n"
    let rule = """
        - id: ONE
          dataset: fees
          group_by: [学籍号]
          \(condition)
          message: "{coalesce(学籍号, '-')}"
      """
    #expect(try counterMessages(rule, fees: fees) == violating)
  }

  /// A count compared with a constant is decided from a table of the counts below 64 and by
  /// the comparison itself above: groups of 1, 63, 64 and 70 rows judge as the condition says.
  @Test(arguments: [
    ("require: count() <= 63", ["A", "B"]),
    ("compute: {n: count()}\n    forbid: n == 64", ["B"]),
    ("require: count(次数) < 64", ["A", "B"]),
    ("forbid: count_distinct(次数) >= 3", ["A"]),
    ("require: count() > 63", ["C", "D"]),
    ("require: count_if(次数 == 1) < 64", ["B"]),
  ])
  func aCountJudgesItsGroupsAtAnySize(condition: String, violating: [String]) throws {
    var fees = "学籍号,次数\n"
    for i in 0..<70 { fees += "A,\(i % 3)\n" }
    for _ in 0..<64 { fees += "B,1\n" }
    for _ in 0..<63 { fees += "C,\n" }
    fees += "D,5\n"
    let rule = """
        - id: COUNTED
          dataset: fees
          group_by: [学籍号]
          \(condition)
          message: "{学籍号}"
      """
    #expect(try counterMessages(rule, fees: fees) == violating)
  }

  /// The messages of `rule`'s violations over `fees`, whose columns are 学籍号 and 次数 (integer).
  private func counterMessages(_ rule: String, fees: String) throws -> [String] {
    let ws = try Workspace(
      rules: Self.datasets.replacingOccurrences(of: "{学籍号: string, 项目: string, 金额: decimal, 日期: date, 次数: integer}", with: "{学籍号: string, 次数: integer}")
        + "rules:\n" + rule,
      files: ["fees.csv": fees, "plan.csv": "学籍号,上限\n"])
    return try ws.check().violations.map(\.message)
  }

  @Test func whenFiltersRowsBeforeGrouping() throws {
    let rule = """
        - id: LUNCH
          dataset: fees
          when: 项目 == '午餐'
          group_by: [学籍号]
          compute: {n: count()}
          forbid: n >= 1
          message: "{学籍号} {n}"
      """
    #expect(try run(rule, fees: Self.fees) == ["LUNCH fees.csv:2 A 3", "LUNCH fees.csv:7  1"])
  }

  @Test func nullKeysFormTheirOwnGroup() throws {
    let rule = """
        - id: NULLKEY
          dataset: fees
          group_by: [学籍号]
          compute: {n: count()}
          forbid: 学籍号 is null
          message: "{n}"
      """
    #expect(try run(rule, fees: Self.fees) == ["NULLKEY fees.csv:7 1"])
  }

  @Test func emptyDatasetHasNoGroups() throws {
    let rule = """
        - id: EMPTY
          dataset: fees
          group_by: [学籍号]
          compute: {n: count()}
          require: false
      """
    #expect(try run(rule, fees: "学籍号,项目,金额,日期,次数\n") == [])
    #expect(try run(rule, fees: "") == [])
  }

  @Test func emptyFileWithRequiredColumnsHasNoRows() throws {
    let ws = try Workspace(
      rules: """
        datasets:
          fees:
            files: ["fees.csv"]
            columns: {学籍号: {type: string, required: true}}
        rules:
          - id: ANY
            dataset: fees
            forbid: 学籍号 is not null
        """, files: ["fees.csv": ""])
    let result = try ws.check()
    #expect(result.violations.isEmpty)
    #expect(result.datasets.first?.summary.rows == 0)
  }

  @Test func groupKeepsUpToTwentyLines() throws {
    let rows = (1...25).map { "A,午餐,1,2024-03-01,\($0)" }.joined(separator: "\n")
    let ws = try Workspace(
      rules: Self.datasets + """
        rules:
          - id: MANY
            dataset: fees
            group_by: [学籍号]
            compute: {n: count()}
            require: n < 25
        """, files: ["fees.csv": "学籍号,项目,金额,日期,次数\n" + rows + "\n", "plan.csv": "学籍号,上限\n"])
    let v = try #require(try ws.check().violations.first)
    #expect(v.lines == Array(2...21))
    #expect(v.line == 2)
    #expect(v.group?.map(\.value) == ["A"])
  }

  @Test func joinOnGroupColumns() throws {
    let rule = """
        - id: PLAN
          dataset: fees
          group_by: [学籍号]
          compute: {合计: sum(金额)}
          join: {p: {dataset: plan, on: [学籍号]}}
          require: not exists(p) or 合计 <= p.上限
          message: "{学籍号} {合计} > {p.上限}"
      """
    #expect(try run(rule, fees: Self.fees, plan: "学籍号,上限\nA,1000\nB,100\n") == ["PLAN fees.csv:2 A 1500.3 > 1000"])
  }

  @Test func duplicateJoinKeyIsAnErrorNamingBothLines() throws {
    let rule = """
        - id: PLAN
          dataset: fees
          join: {p: {dataset: plan, on: [学籍号]}}
          require: exists(p)
      """
    #expect {
      try run(rule, fees: Self.fees, plan: "学籍号,上限\nA,1000\nB,100\nA,5\n")
    } throws: { error in
      "\(error)".contains("lines 2 and 4") && "\(error)".hasPrefix("plan.csv:4:1")
    }
  }
}

struct RowRuleTests {
  /// A charge over its student's cap; students without a plan row are not judged.
  static let capped = """
    rules:
      - id: CAPPED
        dataset: fees
        join: {p: {dataset: plan, on: [学籍号]}}
        when: exists(p)
        require: 金额 <= p.上限
        message: "{学籍号} {金额}"

    """

  @Test func whenMayReadTheRowsJoins() throws {
    let ws = try Workspace(
      rules: AggregateRuleTests.datasets + Self.capped,
      files: ["fees.csv": AggregateRuleTests.fees, "plan.csv": "学籍号,上限\nB,50\nA,1000\n"])
    #expect(try ws.check().violations.map(\.summary) == ["CAPPED fees.csv:5 B 100"])
  }

  /// Two rules share one join (looked up once per row, kept per position of a 32-row window)
  /// over 100 rows, on one worker and on two with batches of 7: every row's violations are
  /// the ones its own student's cap gives, whichever window and position the row fell in.
  @Test(arguments: [(1, 4096), (2, 7)])
  func rulesSharingAJoinJudgeEveryRowByItsOwnMatch(workers: Int, batchRows: Int) throws {
    var fees = "学籍号,项目,金额,日期,次数\n"
    var expected: [String] = []
    let caps = ["A": 40, "B": 60, "C": 80]
    for i in 0..<100 {
      let student = ["A", "B", "C", "D"][(i * 7) % 4]
      let amount = (i * 13) % 100
      fees += "\(student),午餐,\(amount),2024-03-01,1\n"
      if let cap = caps[student] {
        if amount > cap { expected.append("CAPPED fees.csv:\(i + 2) \(student) \(amount)") }
      } else {
        expected.append("NO-PLAN fees.csv:\(i + 2) \(student) \(amount)")
      }
    }
    let ws = try Workspace(
      rules: AggregateRuleTests.datasets + Self.capped + """
          - id: NO-PLAN
            dataset: fees
            join: {q: {dataset: plan, on: [学籍号]}}
            require: exists(q)
            message: "{学籍号} {金额}"
        """,
      files: ["fees.csv": fees, "plan.csv": "学籍号,上限\nA,40\nB,60\nC,80\n"])
    let found = try ws.check { options in
      options.workers = workers
      options.batchRows = batchRows
    }.violations.map(\.summary)
    #expect(found.sorted() == expected.sorted())
    #expect(found.count > 40)
  }

  /// Rows whose join key repeats the row before's reuse its lookup: runs of one key, a key
  /// longer than the 32 bytes kept, a key missing from the plan, and café spelled composed and
  /// decomposed (different bytes, the same plan row) judge every row by its own key.
  @Test func repeatedJoinKeysFindTheirOwnRows() throws {
    let long = String(repeating: "长", count: 12)
    let decomposed = "cafe\u{301}"
    let caps = ["A": 40, "B": 60, "caf\u{E9}": 20, long: 30]  // Swift finds café either way
    let keys = ["A", "A", "A", "B", "D", "D", "A", decomposed, "caf\u{E9}", decomposed, long, long, "D", long, "B", "B"]
    var fees = "学籍号,项目,金额,日期,次数\n"
    var expected: [String] = []
    for (i, key) in keys.enumerated() {
      let amount = 25 + 10 * (i % 4)
      fees += "\(key),午餐,\(amount),2024-03-01,1\n"
      if let cap = caps[key], amount > cap { expected.append("CAPPED fees.csv:\(i + 2) \(key) \(amount)") }
    }
    let ws = try Workspace(
      rules: AggregateRuleTests.datasets + Self.capped,
      files: ["fees.csv": fees, "plan.csv": "学籍号,上限\nA,40\nB,60\ncaf\u{E9},20\n\(long),30\n"])
    let found = try ws.check().violations.map(\.summary)
    #expect(found == expected)
    #expect(found.count >= 6)
  }
}
