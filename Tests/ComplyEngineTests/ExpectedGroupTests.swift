// Expected groups (`expect:`): absences become violations with no line.

import ComplyEngine
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
}
