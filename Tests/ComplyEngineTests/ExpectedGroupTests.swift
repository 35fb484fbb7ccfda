// Expected groups (`expect:`): absences become violations with no line; every observed tuple
// crosses every agreeing row, once per distinct key, spelled as the tuple's first group has it.

import ComplyCore
@testable import ComplyEngine
import Testing

struct ExpectedGroupTests {
  static let rules = """
    datasets:
      timetable:
        files: ["timetable.csv"]
        columns: {年级: grade, 班级: string, 科目: string, 课时: integer}
      curriculum:
        files: ["curriculum.csv"]
        columns: {年级: grade, 科目: string, 最少: integer}
    rules:
      - id: HOURS
        dataset: timetable
        when: 科目 != '班会'
        group_by: [年级, 班级, 科目]
        compute: {n: count(), total: sum(课时), longest: max(课时)}
        expect: {dataset: curriculum, per: [年级, 班级]}
        join: {std: {dataset: curriculum, on: [年级, 科目]}}
        require: exists(std) and n >= std.最少
        message: "{年级}-{班级}-{科目} n={n} total={total} longest={longest}"

    """

  static let curriculum = "年级,科目,最少\n1,体育,2\n1,语文,1\n2,体育,1\n3,美术,1\n"

  @Test func absentSubjectsBecomeGroupsWithNoRows() throws {
    let timetable = """
      年级,班级,科目,课时
      1,一班,语文,1
      1,一班,体育,1
      1,二班,语文,1
      2,一班,班会,1

      """
    let ws = try Workspace(rules: Self.rules, files: ["timetable.csv": timetable, "curriculum.csv": Self.curriculum])
    let result = try ws.check()
    #expect(result.violations.map(\.summary) == [
      "HOURS timetable.csv:3 1-一班-体育 n=1 total=1 longest=1",
      "HOURS -:- 1-二班-体育 n=0 total=0 longest=",
    ])
    let empty = try #require(result.violations.last)
    #expect(empty.lines == [])
    #expect(empty.group?.map(\.value) == ["1", "二班", "体育"])
  }

  @Test func perTuplesComeOnlyFromFilteredRows() throws {
    // Grade 2 has only a 班会 row, filtered out by `when`: no grade-2 tuple, no expected group.
    // Grade 3 appears in the curriculum but in no row: nothing is expected of it either.
    let timetable = "年级,班级,科目,课时\n2,一班,班会,1\n"
    let ws = try Workspace(rules: Self.rules, files: ["timetable.csv": timetable, "curriculum.csv": Self.curriculum])
    #expect(try ws.check().violations.isEmpty)
  }

  /// Without a join on the expect dataset, which may then repeat its rows.
  static let countRules = """
    datasets:
      timetable:
        files: ["timetable.csv"]
        columns: {年级: grade, 班级: string, 科目: string}
      curriculum:
        files: ["curriculum.csv"]
        columns: {年级: grade, 科目: string, 最少: integer}
    rules:
      - id: HOURS
        dataset: timetable
        group_by: [年级, 班级, 科目]
        compute: {n: count()}
        expect: {dataset: curriculum, per: [年级, 班级]}
        require: n >= 1
        message: "{年级}-{班级}-{科目}"

    """

  @Test(arguments: [(1, 4096), (2, 1), (3, 2)])
  func everyTupleCrossesItsAgreeingRowsOnce(workers: Int, batchRows: Int) throws {
    // Grade 1 lists 体育 twice: one expected group. Grade 3's row agrees with no tuple.
    let curriculum = "年级,科目,最少\n1,体育,2\n1,语文,1\n1,体育,3\n2,体育,1\n10,美术,1\n10,音乐,1\n3,美术,1\n"
    let timetable = """
      年级,班级,科目
      1,2班,语文
      1,10班,体育
      2,一班,体育
      10,一班,美术
      1,2班,语文
      一年级,10班,数学
      10,一班,美术

      """
    let ws = try Workspace(
      rules: Self.countRules, files: ["timetable.csv": timetable, "curriculum.csv": curriculum])
    let result = try ws.check { options in
      options.workers = workers
      options.batchRows = batchRows
    }
    #expect(result.violations.map(\.summary) == [
      "HOURS -:- 1-10班-语文", "HOURS -:- 1-2班-体育", "HOURS -:- 10-一班-音乐",
    ])
  }

  @Test(arguments: [(1, 4096), (2, 1)])
  func aTupleIsSpelledAsItsEarliestRow(workers: Int, batchRows: Int) throws {
    let rules = """
      datasets:
        plan:
          files: ["plan.csv"]
          columns: {班级: string, 档: decimal, 科目: string}
        required:
          files: ["required.csv"]
          columns: {科目: string}
      rules:
        - id: EVERY
          dataset: plan
          group_by: [班级, 档, 科目]
          compute: {n: count()}
          expect: {dataset: required, per: [班级, 档]}
          require: n >= 1
          message: "{班级}|{档}|{科目}"

      """
    // Two spellings of one tuple: decomposed é and 1.50 first, then composed é and 1.5.
    let plan = "班级,档,科目\nCafe\u{301},1.50,语文\nCaf\u{E9},1.5,数学\n"
    let ws = try Workspace(rules: rules, files: ["plan.csv": plan, "required.csv": "科目\n语文\n数学\n体育\n"])
    let result = try ws.check { options in
      options.workers = workers
      options.batchRows = batchRows
    }
    #expect(result.violations.map { Array($0.message.utf8) } == [Array("Cafe\u{301}|1.50|体育".utf8)])
  }

  @Test func aTupleTextIsItsArrayDescription() {
    let tuples: [[Value]] = [
      [], [.null], [.string("一班"), .int(10)], [.decimal(ExactDecimal(significand: 150, scale: 2)), .bool(true)],
      [.string("引号\" ,]"), .date(Day(ordinal: 738_000)), .time(TimeOfDay(seconds: 3600))],
    ]
    for tuple in tuples { #expect(RuleRunner.text(of: tuple) == tuple.description) }
  }
}
