// `x in dataset.column` over sets gathered from a dataset's cells: text from the cells' bytes in
// any normal form, numbers as their column's type, blank cells never members; the same answers
// whether the dataset is only looked into or also checked, on one worker or several, in small
// batches, and when the dataset is large enough to be read on every core.

@testable import ComplyEngine
import Testing

struct LookupSetTests {
  /// A rule per column type of `schools`, tested from `fees`. schools.csv spells Café
  /// decomposed (e + U+0301; fees writes é), 8 as 008 and 1.5 as 1.50; its blank and invalid
  /// cells are null.
  static func rules(schoolsRule: String = "") -> String {
    """
    datasets:
      fees:
        files: ["fees.csv"]
        columns: {学校: string, 编号: integer, 费率: decimal}
      schools:
        files: ["schools*.csv"]
        columns: {学校: string, 编号: integer, 费率: decimal}
    rules:
      - id: TEXT
        dataset: fees
        forbid: 学校 in schools.学校
        message: "{学校}"
      - id: INTEGER
        dataset: fees
        forbid: 编号 in schools.编号
        message: "{编号}"
      - id: DECIMAL
        dataset: fees
        forbid: 费率 in schools.费率
        message: "{费率}"
    \(schoolsRule)
    """
  }

  static let fees = "学校,编号,费率\nCaf\u{E9},7,1.5\n二小,8,2.00\n四小,9,3\n \u{3000},10,\n五小,,4\n"

  static func files(schoolRows extra: Int = 0) -> [String: String] {
    var schools = "学校,编号,费率\nCafe\u{301},7,1.50\n二小,008,x\n ,11,2\n三小,,\n"
    for i in 0..<extra { schools += "G4115222016110600\(i),\(100 + i),\(i).25\n" }
    return ["fees.csv": fees, "schools.csv": schools]
  }

  static let expected = [
    "TEXT": ["Caf\u{E9}", "二小"],
    "INTEGER": ["7", "8"],
    "DECIMAL": ["1.5", "2.00"],
  ]

  func found(_ result: CheckResult, rules: [String] = ["TEXT", "INTEGER", "DECIMAL"]) -> [String: [String]] {
    var found: [String: [String]] = [:]
    for id in rules { found[id] = result.violations.filter { $0.ruleID == id }.map(\.message) }
    return found
  }

  @Test func aLookedIntoDatasetsSetsHoldItsCellsAsTheirTypes() throws {
    let result = try Workspace(rules: Self.rules(), files: Self.files()).check()
    #expect(found(result) == Self.expected)
    #expect(result.findings.map(\.text) == ["x"])
  }

  /// schools.csv of over 1 MiB is read on every core (two workers on two cores).
  @Test func aLargeDatasetsSetsGatheredOnEveryCoreAgree() throws {
    let files = Self.files(schoolRows: 40_000)
    #expect(files["schools.csv"]!.utf8.count >= Engine.parallelThreshold)
    let result = try Workspace(rules: Self.rules(), files: files).check()
    #expect(found(result) == Self.expected)
  }

  /// schools is checked too, so it streams: one to three workers over batches of 1, 2 and
  /// 4096 rows give the sets one worker gives, and its own rule sees its rows as before.
  @Test(arguments: [(1, 4096), (2, 1), (3, 2), (2, 4096)])
  func aCheckedDatasetsSetsAgreeOnAnyNumberOfWorkers(workers: Int, batchRows: Int) throws {
    let own = """
        - id: OWN
          dataset: schools
          forbid: 编号 > 10
          message: "{学校}|{编号}"
      """
    let result = try Workspace(rules: Self.rules(schoolsRule: own), files: Self.files(schoolRows: 3)).check {
      $0.workers = workers
      $0.batchRows = batchRows
    }
    var expected = Self.expected
    expected["OWN"] = ["|11", "G41152220161106000|100", "G41152220161106001|101", "G41152220161106002|102"]
    #expect(found(result, rules: ["TEXT", "INTEGER", "DECIMAL", "OWN"]) == expected)
    #expect(result.findings.map(\.text) == ["x"])
    #expect(result.datasets.map(\.summary.rows) == [5, 7])
  }

  /// schools in twelve files of two rows, which two workers read whole, one file each at a
  /// time: the sets gathered while it streams are the ones one worker gathers.
  @Test func setsGatheredFromWholeFilesAgree() throws {
    let own = """
        - id: OWN
          dataset: schools
          forbid: 编号 > 10
          message: "{学校}|{编号}"
      """
    let rows = Self.files(schoolRows: 20)["schools.csv"]!.split(separator: "\n").dropFirst()
    var files = ["fees.csv": Self.fees]
    for f in 0..<12 {
      files["schools\(f).csv"] = "学校,编号,费率\n" + rows[rows.startIndex + 2 * f..<rows.startIndex + 2 * f + 2].joined(separator: "\n") + "\n"
    }
    let sizes = files.filter { $0.key.hasPrefix("schools") }.map(\.value.utf8.count)
    #expect(DatasetStream.handsOutWholeFiles(sizes: sizes, workers: 2))
    for workers in [1, 2] {
      let result = try Workspace(rules: Self.rules(schoolsRule: own), files: files).check { $0.workers = workers }
      var found = found(result, rules: ["TEXT", "INTEGER", "DECIMAL", "OWN"])
      #expect(found.removeValue(forKey: "OWN")?.count == 21)
      #expect(found == Self.expected)
    }
  }

  /// schools' own rule tests its own set, or fees' set while fees' rules test schools' sets.
  @Test(arguments: ["学校 in schools.学校 and 编号 < 10", "编号 in fees.编号"])
  func aDatasetTestingItsOwnSetOrOneTestingItsTesterAgree(condition: String) throws {
    let own = """
        - id: OWN
          dataset: schools
          forbid: \(condition)
          message: "{学校}|{编号}"
      """
    let result = try Workspace(rules: Self.rules(schoolsRule: own), files: Self.files()).check { $0.workers = 2 }
    var expected = Self.expected
    expected["OWN"] = ["Cafe\u{301}|7", "二小|8"]
    #expect(found(result, rules: ["TEXT", "INTEGER", "DECIMAL", "OWN"]) == expected)
  }

  /// Bytes read over the bytes of the data, with schools checked by `condition`: 1 when every
  /// file is read once.
  func readsPerByte(schoolsRule condition: String) throws -> Double {
    final class Last: @unchecked Sendable { var done = 0, total = 0 }
    let last = Last()
    let own = """
        - id: OWN
          dataset: schools
          forbid: \(condition)
          message: "{学校}"
      """
    _ = try Workspace(rules: Self.rules(schoolsRule: own), files: Self.files()).check {
      $0.progress = { done, total, _ in (last.done, last.total) = (done, total) }
    }
    return Double(last.done) / Double(last.total)
  }

  @Test func aCheckedDatasetIsReadOnceForTheSetsOthersTest() throws {
    #expect(try readsPerByte(schoolsRule: "编号 > 10") == 1)
    // Its own rule tests its set, or it tests the sets of fees, which tests its own: schools
    // (and fees) are read for the sets before they stream.
    #expect(try readsPerByte(schoolsRule: "学校 in schools.学校") > 1)
    #expect(try readsPerByte(schoolsRule: "编号 in fees.编号") > 1)
  }

  /// `a` tests the sets of `z`, which is checked too: whatever order they are read in, the
  /// report lists data findings and files in dataset name order.
  @Test func findingsAndFilesStayInNameOrder() throws {
    let rules = """
      datasets:
        a:
          files: ["a.csv"]
          columns: {学校: string, 编号: integer}
        z:
          files: ["z.csv"]
          columns: {学校: string, 编号: integer}
      rules:
        - id: A
          dataset: a
          forbid: 学校 in z.学校
          message: "{学校}"
        - id: Z
          dataset: z
          forbid: 编号 > 1
          message: "{学校}"

      """
    let files = ["a.csv": "学校,编号\n一小,x\n二小,1\n", "z.csv": "学校,编号\n一小,y\n三小,2\n"]
    let result = try Workspace(rules: rules, files: files).check()
    #expect(result.violations.map(\.summary) == ["A a.csv:2 一小", "Z z.csv:3 三小"])
    #expect(result.findings.map(\.file) == ["a.csv", "z.csv"])
    #expect(result.provenance.dataFiles.map(\.dataset) == ["a", "z"])
  }
}
