// Evaluation: three-valued logic, exact decimals, overflow, dates, grade and weekday literals,
// membership in lists, $lists and dataset columns, references and constant folding.

import ComplyCore
import Testing

@testable import ComplyExpr

struct EvaluationTests {
  @Test(arguments: [
    // 人数 is null in the fixture row.
    ("人数 > 0", "null"),
    ("人数 > 0 and false", "bool false"),
    ("false and 人数 > 0", "bool false"),
    ("人数 > 0 and true", "null"),
    ("true and 人数 > 0", "null"),
    ("人数 > 0 or true", "bool true"),
    ("true or 人数 > 0", "bool true"),
    ("人数 > 0 or false", "null"),
    ("人数 > 0 or 人数 < 0", "null"),
    ("not (人数 > 0)", "null"),
    ("not 已缴", "bool false"),
    ("人数 is null", "bool true"),
    ("人数 is not null", "bool false"),
    ("金额 is null", "bool false"),
    ("(人数 > 0) is null", "bool true"),
    ("人数 + 1", "null"),
    ("-人数", "null"),
    ("人数 == 人数", "null"),
    ("人数 in [1, 2]", "null"),
    ("人数 not in [1, 2]", "null"),
    ("人数 in $限额", "null"),
    ("null is null", "bool true"),
    ("null + 1", "null"),
    ("null and false", "bool false"),
    ("null or true", "bool true"),
    ("coalesce(人数, 0) + 1", "int 1"),
    ("`课时(节)` in [1, null, 5]", "bool true"),
    ("`课时(节)` not in [1, null]", "bool true"),
    // Chains of null tests (one closure for the chain), 人数 the only null column.
    ("学校 is not null and 姓名 is not null and 金额 is not null", "bool true"),
    ("学校 is not null and 人数 is not null and 金额 is not null", "bool false"),
    ("人数 is null and 姓名 is not null", "bool true"),
    ("学校 is null or 姓名 is null or 金额 is null", "bool false"),
    ("学校 is null or 人数 is null", "bool true"),
    ("学校 is not null and (人数 is null or 姓名 is null)", "bool true"),
    ("学校 is not null and 人数 > 0", "null"),
    // A column against a date or integer constant (the constant's passing range).
    ("收费日期 > $秋季开学日", "bool false"),
    ("收费日期 >= $秋季开学日", "bool true"),
    ("收费日期 < $秋季开学日", "bool false"),
    ("收费日期 <= $秋季开学日", "bool true"),
    ("年级 <= 7", "bool true"),
    ("年级 < 7", "bool false"),
    ("年级 > 6", "bool true"),
    ("星期 >= 7", "bool false"),
    ("金额 > 200", "bool true"),
    ("金额 < 201", "bool true"),
    ("金额 >= 201", "bool false"),
    ("金额 <= 200", "bool false"),
    ("人数 <= 0", "null"),
  ])
  func threeValuedLogic(source: String, expected: String) {
    #expect(evaluate(source) == expected)
  }

  @Test(arguments: [
    ("0.1 + 0.2 == 0.3", "bool true"),
    ("0.1 + 0.2", "decimal 0.3"),
    ("金额 * 2", "decimal 401.00"),
    ("金额 + 0.25", "decimal 200.75"),
    ("金额 - 200.5", "decimal 0.00"),
    ("金额 + 1", "decimal 201.50"),
    ("1 / 3", "decimal 0.3333333333"),
    ("2 / 3", "decimal 0.6666666667"),
    ("10 / 4", "decimal 2.5"),
    ("10 / 5", "decimal 2"),
    ("金额 / 0", "null"),
    ("1 / 0.0", "null"),
    ("7 % 3", "int 1"),
    ("-7 % 3", "int -1"),
    ("7.5 % 2", "decimal 1.5"),
    ("5 % 0", "null"),
    ("`课时(节)` * 3 - 1", "int 14"),
    ("金额 > 200", "bool true"),
    ("金额 == 200.5", "bool true"),
    ("金额 == 200.500", "bool true"),
    ("金额 != 200.51", "bool true"),
    ("`课时(节)` == 5.0", "bool true"),
    ("9223372036854775807 + 1", "null"),
    ("-9223372036854775807 - 2", "null"),
    ("9223372036854775807 * 2", "null"),
    ("-(-9223372036854775807 - 1)", "null"),
    ("(-9223372036854775807 - 1) % -1", "null"),
    ("99999999999999999999999999999999.5 * 99999999999999999999999999999999.5", "null"),
    ("99999999999999999999999999999999.5 / 0.0000000001", "null"),
    (
      "99999999999999999999999999999999.5 + 99999999999999999999999999999999.5",
      "decimal 199999999999999999999999999999999.0"
    ),
    ("0.000000001 * 0.000000001 * 1000000", "decimal 0.000000000001000000"),
  ])
  func exactArithmetic(source: String, expected: String) {
    #expect(evaluate(source) == expected)
  }

  @Test func sumsOfMoneyDoNotDrift() {
    guard let expression = compiled("金额 + 0.1") else { return }
    let frame = EvalFrame()
    var total = Value.decimal(ExactDecimal(0))
    for _ in 0..<1000 {
      frame.row = Fixture.row(["金额": total])
      total = expression.evaluate(frame)
    }
    #expect(show(total) == "decimal 100.0")
  }

  @Test(arguments: [
    ("date('2020-09-01') - date('2020-08-31') == 1", "bool true"),
    ("date('2020-09-01') - date('2020-08-31')", "int 1"),
    ("date('2020-03-01') - date('2020-02-01')", "int 29"),
    ("收费日期 + 30", "date 2020-10-01"),
    ("30 + 收费日期", "date 2020-10-01"),
    ("收费日期 - 1", "date 2020-08-31"),
    ("收费日期 - 出生日期", "int 4627"),
    ("收费日期 == $秋季开学日", "bool true"),
    ("收费日期 >= date('2020/9/1')", "bool true"),
    ("收费日期 > date('2020年9月1日')", "bool false"),
    ("收费日期 < date('20200902')", "bool true"),
    ("收费日期 + 9999999999", "null"),
    ("date('9999-12-31') + 1", "null"),
    ("开始时间 < time('08:30')", "bool true"),
    ("开始时间 == time('8:00:00')", "bool true"),
    ("开始时间 >= time('08:00:01')", "bool false"),
  ])
  func datesAndTimes(source: String, expected: String) {
    #expect(evaluate(source) == expected)
  }

  @Test(arguments: [
    ("姓名 == '张三'", "bool true"),
    ("姓名 != \"李四\"", "bool true"),
    ("'a' < 'b'", "bool true"),
    ("'b' <= 'a'", "bool false"),
    ("姓名 > '张'", "bool true"),
    ("已缴 == true", "bool true"),
    ("已缴 != true", "bool false"),
    // 年级 = 7 (初一), 星期 = 6 (Saturday).
    ("年级 == '初一'", "bool true"),
    ("年级 == '七年级'", "bool true"),
    ("年级 == '7年级'", "bool true"),
    ("年级 < '初二'", "bool true"),
    ("年级 >= '高一'", "bool false"),
    ("年级 in $毕业年级", "bool false"),
    ("年级 + 1", "int 8"),
    ("星期 == '周六'", "bool true"),
    ("星期 == '星期六'", "bool true"),
    ("星期 == 'Sat'", "bool true"),
    ("星期 in ['六', '日']", "bool true"),
    ("星期 not in ['周六', '周日']", "bool false"),
    ("星期 == 6", "bool true"),
  ])
  func comparisons(source: String, expected: String) {
    #expect(evaluate(source) == expected)
  }

  @Test func graduatingGradesAreInTheList() {
    #expect(evaluate("年级 in $毕业年级", ["年级": .int(9)]) == "bool true")
    #expect(evaluate("年级 in $毕业年级", ["年级": .int(12)]) == "bool true")
  }

  @Test(
    arguments: [
      ("收费项目 in $禁收项目", [:], "bool true"),
      ("收费项目 not in $禁收项目", [:], "bool false"),
      ("收费项目 in $禁收项目", ["收费项目": Value.string("午餐费")], "bool false"),
      ("收费项目 not in $禁收项目", ["收费项目": Value.string("午餐费")], "bool true"),
      ("金额 in $限额", [:], "bool true"),
      ("金额 in [100, 200.5]", [:], "bool true"),
      ("金额 in [100, 200]", [:], "bool false"),
      ("收费项目 in [姓名, '补课费']", [:], "bool true"),
      ("收费项目 in [姓名, 学校]", [:], "bool false"),
      ("收费项目 not in [姓名, 学校]", [:], "bool true"),
      ("收费项目 in []", [:], "bool false"),
    // Longer lists are hashed: strings in a Set<String>, numbers in a Set<Value>.
    ("收费项目 in ['甲', '乙', '丙', '丁', '补课费']", [:], "bool true"),
    ("收费项目 in ['甲', '乙', '丙', '丁', '戊']", [:], "bool false"),
    ("收费项目 in ['甲', '乙', '丙', '丁', '戊']", ["收费项目": Value.null], "null"),
    ("金额 in [1, 2, 3, 4, 200.5]", [:], "bool true"),
    ("`课时(节)` in [1, 2, 3, 4, 5.0]", [:], "bool true"),
    ("`课时(节)` not in [1, 2, 3, 4, 6, null]", [:], "bool true"),
    ("年级 in ['一年级', '二年级', '三年级', '四年级', '初一']", [:], "bool true"),
    ] as [(String, [String: Value], String)])
  func membership(source: String, row: [String: Value], expected: String) {
    #expect(evaluate(source, row) == expected)
  }

  @Test func membershipInADatasetColumnReadsTheFramesSet() throws {
    let registry = CompileRegistry()
    let scope = Fixture.rowScope(registry: registry)
    let yes = try #require(compiled("收费项目 in fee_standards.项目", in: scope))
    let no = try #require(compiled("收费项目 not in fee_standards.项目", in: scope))
    let grade = try #require(compiled("年级 in curriculum.年级", in: scope))
    #expect(
      registry.sets.map { "\($0.dataset).\($0.column)" } == ["fee_standards.项目", "curriculum.年级"])
    let frame = EvalFrame()
    frame.row = Fixture.row()
    frame.sets = [[.string("午餐费"), .string("补课费")], [.int(8), .int(9)]]
    #expect(show(yes.evaluate(frame)) == "bool true")
    #expect(show(no.evaluate(frame)) == "bool false")
    #expect(show(grade.evaluate(frame)) == "bool false")
    frame.sets = [[.string("午餐费")], [.int(7)]]
    #expect(show(yes.evaluate(frame)) == "bool false")
    #expect(show(no.evaluate(frame)) == "bool true")
    #expect(show(grade.evaluate(frame)) == "bool true")
    frame.row = Fixture.row(["收费项目": .null])
    #expect(show(yes.evaluate(frame)) == "null")
  }

  @Test func joinColumnsReadTheJoinedRowOrNull() {
    let standard = TestRow([
      .decimal(ExactDecimal(parsing: "150")!), .string("补课费"), .string("李老师"),
    ])
    #expect(evaluate("exists(std)", joined: standard) == "bool true")
    #expect(evaluate("exists(std)") == "bool false")
    #expect(evaluate("std.标准金额", joined: standard) == "decimal 150")
    #expect(evaluate("std.标准金额") == "null")
    #expect(evaluate("exists(std) and 金额 <= std.标准金额", joined: standard) == "bool false")
    #expect(evaluate("exists(std) and 金额 <= std.标准金额") == "bool false")
    #expect(evaluate("金额 <= std.标准金额") == "null")
  }

  /// The values passing `x op c` for a date or integer constant, at the limits of Int.
  @Test func passingRangesAtTheLimits() {
    #expect(Compiler.passing(.less, .int(.min)) == nil)
    #expect(Compiler.passing(.greater, .int(.max)) == nil)
    #expect(Compiler.passing(.lessEqual, .int(.min))?.range == Int.min...Int.min)
    #expect(Compiler.passing(.greaterEqual, .int(.max))?.range == Int.max...Int.max)
    #expect(Compiler.passing(.greater, .date(Day(ordinal: 5)))?.range == 6...Int.max)
    #expect(Compiler.passing(.greater, .date(Day(ordinal: 5)))?.isDate == true)
    #expect(Compiler.passing(.less, .int(0))?.range == Int.min...(-1))
    #expect(Compiler.passing(.equal, .int(1)) == nil)
    #expect(Compiler.passing(.less, .decimal(ExactDecimal(parsing: "1.5")!)) == nil)
  }

  @Test func aMissingRowReadsAsNull() throws {
    let expression = try #require(compiled("金额 is null and 姓名 is null"))
    #expect(show(expression.evaluate(EvalFrame())) == "bool true")
    let required = try #require(compiled("金额 is not null or 姓名 is not null"))
    #expect(show(required.evaluate(EvalFrame())) == "bool false")
    #expect(required.references == [.column(Fixture.column("金额")), .column(Fixture.column("姓名"))])
  }

  @Test func referencesListEveryValueRead() throws {
    let expression = try #require(
      compiled("金额 > std.标准金额 and 年级 == '初一' or 金额 is null and 收费日期 > $秋季开学日"))
    #expect(
      expression.references == [
        .column(Fixture.column("金额")), .join(0, column: 0), .column(Fixture.column("年级")),
        .column(Fixture.column("收费日期")),
      ])
    let constant = try #require(compiled("1 + 2 > 2"))
    #expect(constant.references.isEmpty)
  }

  @Test func constantBindingsAreReferencedAndFolded() throws {
    let scope = Fixture.rowScope()
    scope.names["学年"] = Binding(type: .integer, ref: .constant(.int(2020)))
    let expression = try #require(compiled("学年 + 1", in: scope))
    #expect(expression.references == [.constant(.int(2020))])
    #expect(show(expression.evaluate(EvalFrame())) == "int 2021")
  }

  @Test func constantSubtreesAreFoldedAtCompileTime() {
    let scope = Fixture.rowScope()
    var compiler = Compiler(registry: scope.registry, today: .today())
    let folded = compiler.compile(checkedTree("len(upper('ab')) * 2 + round(2.5) > 5", in: scope))
    #expect(folded.isConstant)
    let dynamic = compiler.compile(checkedTree("金额 + (1 + 2)", in: scope))
    #expect(!dynamic.isConstant)
  }

  @Test func typesOfResultsMatchTheirValues() throws {
    let expression = try #require(compiled("coalesce(`课时(节)`, 2.5)"))
    #expect(expression.type == .decimal)
    let frame = EvalFrame()
    frame.row = Fixture.row()
    #expect(show(expression.evaluate(frame)) == "decimal 5")
  }
}

/// The checked tree of a well-typed `source`.
func checkedTree(_ source: String, in scope: Scope) -> Checked {
  let (checked, errors) = Frontend.check(source, in: scope, expecting: nil)
  #expect(errors.isEmpty)
  return checked
}
