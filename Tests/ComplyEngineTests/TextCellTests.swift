// Text cells held as the bytes of the CSV record (RowValues.setText) until a rule reads them as
// Strings: every way a rule tests text from the bytes (`in` a short list, a long list and a
// dataset column, joins, group keys, `matches`, `is null`) must answer as Swift's `==` does on
// the Strings, canonical equivalence included, and messages must show the text as written.

import ComplyCore
import ComplyEngine
import ComplyExpr
import Testing

struct TextCellTests {
  /// 学校 is written precomposed (U+00E9) on line 2 and decomposed (e + U+0301) on line 3,
  /// which Swift's `==` holds equal; line 4 is a different school, line 5 blank after trimming.
  static let files = [
    "fees.csv": "学校,金额\nCaf\u{E9},1\nCafe\u{301},2\n二小,3\n \u{3000},4\n",
    "schools.csv": "学校,编号\nCaf\u{E9},S1\n",
  ]

  static let datasets = """
    datasets:
      fees:
        files: ["fees.csv"]
        columns: {学校: string, 金额: integer}
      schools:
        files: ["schools.csv"]
        key: [学校]
        columns: {学校: string, 编号: string}
    lists:
      long: [甲, 乙, 丙, 丁, 戊, "Caf\\u00e9"]

    """

  func violations(_ condition: String, extra: String = "") throws -> [String] {
    let rules = Self.datasets + """
      rules:
        - id: R
          dataset: fees
      \(extra)
          forbid: \(condition)
          message: "{学校}|{金额}"

      """
    return try Workspace(rules: rules, files: Self.files).check().violations.map(\.message)
  }

  @Test(arguments: [
    "学校 in ['Café', '三小']",
    "学校 in $long",
    "学校 in schools.学校",
    "学校 == 'Café'",
  ])
  func bothSpellingsOfOneTextAreMembers(condition: String) throws {
    #expect(try violations(condition) == ["Caf\u{E9}|1", "Cafe\u{301}|2"])
  }

  @Test func notInIsTheComplementAndNullStaysUnknown() throws {
    #expect(try violations("学校 not in ['Café']") == ["二小|3"])
  }

  @Test func aJoinFindsTheRowForBothSpellings() throws {
    let join = "    join: {s: {dataset: schools, on: [学校]}}"
    #expect(try violations("exists(s)", extra: join) == ["Caf\u{E9}|1", "Cafe\u{301}|2"])
  }

  @Test func isNullSeesABlankCellWithoutReadingTheText() throws {
    #expect(try violations("学校 is null") == ["|4"])
    #expect(try violations("学校 is not null").count == 3)
  }

  @Test func matchesReadsTheBytesAsWritten() throws {
    // ICU matches code points: the decomposed spelling has no é to match.
    #expect(try violations("matches(学校, '^Café')") == ["Caf\u{E9}|1"])
    #expect(try violations("matches(学校, '^Caf')") == ["Caf\u{E9}|1", "Cafe\u{301}|2"])
    // Class sequences (ClassSequencePattern) on the bytes: code points, as ICU sees them.
    #expect(try violations("matches(学校, '^Café$')") == ["Caf\u{E9}|1"])
    #expect(try violations("matches(学校, '^Caf[a-z]+')") == ["Cafe\u{301}|2"])
  }

  @Test func bothSpellingsAreOneGroupShownAsTheFirstRowWroteIt() throws {
    let rules = Self.datasets + """
      rules:
        - id: G
          dataset: fees
          group_by: [学校]
          compute: {n: count()}
          require: n <= 1
          message: "{学校}|{n}"

      """
    let found = try Workspace(rules: rules, files: Self.files).check().violations
    #expect(found.map(\.message) == ["Caf\u{E9}|2"])
    #expect(found.map(\.lines) == [[2, 3]])
  }

  /// `count_distinct` of a text column encodes the bytes a row holds, or the String when a
  /// `when` has already read the cell (rows 1 and 2 here): both spellings count once.
  @Test func countDistinctCountsBothSpellingsOnceWhicheverWayTheCellWasRead() throws {
    let rules = """
      datasets:
        roll:
          files: ["roll.csv"]
          columns: {班级: string, 序号: integer, 学生: string}
      rules:
        - id: D
          dataset: roll
          when: 序号 > 2 or 学生 != 'zzz'
          group_by: [班级]
          compute: {n: count_distinct(学生)}
          require: n <= 1
          message: "{班级} {n}"

      """
    let roll = "班级,序号,学生\n一班,1,Caf\u{E9}\n一班,2,张三\n一班,3,Cafe\u{301}\n一班,4,张三\n一班,5, \n二班,6,李四\n"
    let found = try Workspace(rules: rules, files: ["roll.csv": roll]).check().violations
    #expect(found.map(\.message) == ["一班 2"])
  }

  @Test func aRowReadsPendingTextAsTheStringItSpells() {
    let row = RowValues(count: 2)
    let text: [UInt8] = Array("Cafe\u{301}".utf8)
    text.withUnsafeBufferPointer { bytes in
      row.setText(bytes, at: 0)
      #expect(!row.isNull(at: 0))
      #expect(row.isNull(at: 1))
      #expect(row.text(at: 0).map(Array.init) == text)
      guard case .string(let s) = row.value(at: 0) else {
        Issue.record("not a string")
        return
      }
      #expect(Array(s.utf8) == text)
      // Read once as a String, the cell holds it and no longer points at the bytes.
      #expect(row.text(at: 0) == nil)
      row.set(.int(5), at: 0)
      #expect(row.values.map(\.description) == ["5", ""])
    }
  }
}
