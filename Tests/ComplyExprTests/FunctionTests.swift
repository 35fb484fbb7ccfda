// Built-in functions: each one's results, null handling, regexes and resident IDs.

import ComplyCore
import Testing

@testable import ComplyExpr

struct FunctionTests {
  @Test(arguments: [
    ("len(姓名)", "int 2"),
    ("len('')", "int 0"),
    ("len('a👍🏽b')", "int 3"),
    ("len(null)", "null"),
    ("lower('ABC')", "string 'abc'"),
    ("upper('abc')", "string 'ABC'"),
    ("trim('　 张三 \\t')", "string '张三'"),
    ("trim('张 三')", "string '张 三'"),
    ("trim(' ')", "string ''"),
    ("contains(姓名, '张')", "bool true"),
    ("contains(姓名, '李')", "bool false"),
    ("contains(null, 'a')", "null"),
    ("starts_with(学籍号, 'G1101')", "bool true"),
    ("ends_with(学籍号, '1234')", "bool true"),
    ("ends_with(学籍号, '123')", "bool false"),
    ("matches(学籍号, '^G\\d{18}$')", "bool true"),
    ("matches(学籍号, '\\d{3}')", "bool true"),
    ("matches(姓名, '^李')", "bool false"),
    ("matches(姓名, '三$')", "bool true"),
    ("matches(人数备注, 'x')", "error"),
    ("number(' 1,234.50 ')", "decimal 1234.50"),
    ("number('-3')", "decimal -3"),
    ("number('abc')", "null"),
    ("number('')", "null"),
    ("number('　12.5\\t')", "decimal 12.5"),
    ("number(' ')", "null"),
    ("year(收费日期)", "int 2020"),
    ("month(收费日期)", "int 9"),
    ("day(收费日期)", "int 1"),
    ("weekday(收费日期)", "int 2"),
    ("weekday(收费日期) == '周二'", "bool true"),
    ("days_between(date('2020-08-31'), 收费日期)", "int 1"),
    ("days_between(收费日期, date('2020-08-31'))", "int -1"),
    ("age_on(出生日期, 收费日期)", "int 12"),
    ("age_on(date('2008-09-02'), date('2020-09-01'))", "int 11"),
    ("age_on(date('2008-09-01'), date('2020-09-01'))", "int 12"),
    ("age_on(date('2008-02-29'), date('2021-02-28'))", "int 12"),
    ("age_on(date('2008-02-29'), date('2021-03-01'))", "int 13"),
    ("minutes(开始时间)", "int 480"),
    ("minutes(time('23:59:59'))", "int 1439"),
    ("coalesce(人数, `课时(节)`, 0)", "int 5"),
    ("coalesce(null, 金额)", "decimal 200.50"),
    ("coalesce(人数, 2.5)", "decimal 2.5"),
    ("coalesce(人数)", "null"),
    ("coalesce(年级, '初三')", "int 7"),
    ("coalesce(人数, null, 3)", "int 3"),
    ("abs(-3)", "int 3"),
    ("abs(-2.50)", "decimal 2.50"),
    ("abs(-9223372036854775807 - 1)", "null"),
    ("round(2.5)", "decimal 3"),
    ("round(-2.5)", "decimal -3"),
    ("round(2.4)", "decimal 2"),
    ("round(2.345, 2)", "decimal 2.35"),
    ("round(2.345, 5)", "decimal 2.345"),
    ("round(金额, 0)", "decimal 201"),
    ("round(7)", "int 7"),
    ("round(7, 2)", "int 7"),
    ("round(1250, -2)", "int 1300"),
    ("round(1249, -2)", "int 1200"),
    ("round(-1250, -2)", "int -1300"),
    ("round(1234.5, -1)", "decimal 1230"),
    ("round(金额, 人数)", "null"),
    ("min(3, 1, 2)", "int 1"),
    ("max(3, 1.5)", "decimal 3"),
    ("max(1, 1.5)", "decimal 1.5"),
    ("max(人数, 2)", "int 2"),
    ("min(2, 人数, 1)", "int 1"),
    ("min(人数, null)", "null"),
    ("max('b', 'a')", "string 'b'"),
    ("min(收费日期, date('2020-01-01'))", "date 2020-01-01"),
    ("max(开始时间, time('07:00'))", "time 08:00"),
    ("is_empty(备注)", "bool true"),
    ("is_empty(人数)", "bool true"),
    ("is_empty('')", "bool true"),
    ("is_empty(姓名)", "bool false"),
    ("is_empty(`课时(节)`)", "bool false"),
    ("is_empty(null)", "bool true"),
    ("id_valid(身份证号)", "bool true"),
    ("id_valid(null)", "null"),
    ("id_birth_date(身份证号)", "date 2008-01-01"),
    ("id_birth_date('110101200801011231')", "null"),
    ("id_birth_date(null)", "null"),
  ])
  func evaluates(source: String, expected: String) {
    if expected == "error" {
      #expect(
        failures(
          ExpressionCompiler.compile(
            source, in: Fixture.rowScope(), expecting: nil, locate: Fixture.locate)) != nil)
    } else {
      #expect(evaluate(source) == expected)
    }
  }

  /// IDs whose check characters were computed independently (ISO 7064 MOD 11-2).
  @Test(arguments: [
    (Fixture.validID, true),
    ("11010519491231002X", true),  // the standard's own example
    ("11010519491231002x", true),  // lower-case check character
    ("440304200002290014", true),  // born on a leap day
    ("110101190001010014", true),  // born on the earliest day accepted
    ("110101200801011231", false),  // wrong check digit
    ("11010519491231002Y", false),
    ("110105194912310021", false),
    ("11010118991231001X", false),  // born before 1900, check digit right
    ("110101209901010017", false),  // born in the future, check digit right
    ("110101200813010016", false),  // month 13, check digit right
    ("110101202102290014", false),  // 29 February of a common year, check digit right
    ("11010120080101123", false),  // 17 characters
    ("1101012008010112300", false),  // 19 characters
    ("11010A200801011230", false),
    (" 110101200801011230", false),
    ("１１０１０１２００８０１０１１２３０", false),  // full-width digits
    ("", false),
  ])
  func residentIDs(id: String, valid: Bool) {
    #expect(evaluate("id_valid(身份证号)", ["身份证号": .string(id)]) == "bool \(valid)")
    let birth = evaluate("id_birth_date(身份证号)", ["身份证号": .string(id)])
    #expect((birth != "null") == valid)
  }

  @Test func residentIDsCheckTheirCheckCharacterWithTheStandardWeights() {
    // Recompute the check character of the fixture ID from the GB 11643 weights.
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let digits = Fixture.validID.prefix(17).compactMap(\.wholeNumberValue)
    let sum = zip(digits, weights).map(*).reduce(0, +)
    #expect(Array("10X98765432")[sum % 11] == Fixture.validID.last)
  }

  @Test func birthDatesAreJudgedAgainstToday() {
    let born = Day(year: 2020, month: 1, day: 1)!
    let id = "11010120200101001X"
    #expect(ResidentID.birthDate(of: id, today: born) == born)
    #expect(ResidentID.birthDate(of: id, today: born.adding(days: -1)) == nil)
  }

  @Test func regexesAreCompiledOnceAndSearchAnywhere() throws {
    let scope = Fixture.rowScope()
    let expression = try #require(compiled("matches(姓名, '[0-9]+')", in: scope))
    let frame = EvalFrame()
    for (name, expected) in [("张三", "bool false"), ("张三2", "bool true"), ("12张", "bool true")] {
      frame.row = Fixture.row(["姓名": .string(name)])
      #expect(show(expression.evaluate(frame)) == expected)
    }
    frame.row = Fixture.row(["姓名": .null])
    #expect(show(expression.evaluate(frame)) == "null")
  }
}
