// Type checking: typed dumps of well-typed expressions, and every kind of error with its
// message and offset (marked with `↓` in the source).

import ComplyCore
import Testing

@testable import ComplyExpr

struct CheckerTests {
  @Test(arguments: [
    ("金额 > 0", "(金额~decimal > 0~integer)~boolean"),
    ("金额 + 1", "(金额~decimal + 1~integer)~decimal"),
    ("`课时(节)` * 2", "(课时(节)~integer * 2~integer)~integer"),
    ("`课时(节)` / 2", "(课时(节)~integer / 2~integer)~decimal"),
    ("`课时(节)` % 2", "(课时(节)~integer % 2~integer)~integer"),
    ("-金额", "(-金额~decimal)~decimal"),
    ("-年级", "(-年级~grade)~integer"),
    ("年级 + 1", "(年级~grade + 1~integer)~integer"),
    ("年级 == '初一'", "(年级~grade == 7~grade)~boolean"),
    ("'初三' >= 年级", "(9~grade >= 年级~grade)~boolean"),
    ("年级 >= '高一'", "(年级~grade >= 10~grade)~boolean"),
    ("星期 == '周六'", "(星期~weekday == 6~weekday)~boolean"),
    ("星期 in ['六', '日']", "(星期~weekday in [6~weekday, 7~weekday]~list<weekday>)~boolean"),
    ("年级 in $毕业年级", "(年级~grade in $毕业年级~list<grade>)~boolean"),
    ("年级 in curriculum.年级", "(年级~grade in curriculum.年级~list<grade>)~boolean"),
    ("收费日期 - date('2020-08-31')", "(收费日期~date - date('2020-08-31')~date)~integer"),
    ("收费日期 + 30", "(收费日期~date + 30~integer)~date"),
    ("收费日期 >= $秋季开学日", "(收费日期~date >= $秋季开学日~date)~boolean"),
    ("开始时间 < time('8:00')", "(开始时间~time < time('08:00')~time)~boolean"),
    ("收费项目 in $禁收项目", "(收费项目~string in $禁收项目~list<string>)~boolean"),
    (
      "收费项目 not in fee_standards.项目",
      "(收费项目~string not in fee_standards.项目~list<string>)~boolean"
    ),
    ("金额 <= std.标准金额", "(金额~decimal <= std.标准金额~decimal)~boolean"),
    (
      "exists(std) and 金额 > 0",
      "(exists(std)~boolean and (金额~decimal > 0~integer)~boolean)~boolean"
    ),
    ("金额 in [100, 200.5]", "(金额~decimal in [100~integer, 200.5~decimal]~list<decimal>)~boolean"),
    ("姓名 is null", "(姓名~string is null)~boolean"),
    ("not 已缴", "(not 已缴~boolean)~boolean"),
    ("已缴 != false", "(已缴~boolean != false~boolean)~boolean"),
    ("coalesce(人数, 0) + 1", "(coalesce(人数~integer, 0~integer)~integer + 1~integer)~integer"),
    ("coalesce(金额, 0)", "coalesce(金额~decimal, 0~integer)~decimal"),
    ("coalesce(年级, '初一')", "coalesce(年级~grade, 7~grade)~grade"),
    ("round(金额, 1)", "round(金额~decimal, 1~integer)~decimal"),
    ("round(`课时(节)`)", "round(课时(节)~integer)~integer"),
    ("abs(年级 - 9)", "abs((年级~grade - 9~integer)~integer)~integer"),
    ("max(金额, 100)", "max(金额~decimal, 100~integer)~decimal"),
    ("min(收费日期, $秋季开学日)", "min(收费日期~date, $秋季开学日~date)~date"),
    ("matches(学籍号, '^G\\d+$')", "matches(学籍号~string, '^G\\\\d+$')~boolean"),
    ("len(姓名) > 1", "(len(姓名~string)~integer > 1~integer)~boolean"),
    ("id_valid(身份证号)", "id_valid(身份证号~string)~boolean"),
    ("id_birth_date(身份证号)", "id_birth_date(身份证号~string)~date"),
    (
      "age_on(出生日期, 收费日期) < 6",
      "(age_on(出生日期~date, 收费日期~date)~integer < 6~integer)~boolean"
    ),
    ("weekday(收费日期) == '周日'", "(weekday(收费日期~date)~weekday == 7~weekday)~boolean"),
    ("minutes(开始时间)", "minutes(开始时间~time)~integer"),
    ("number(备注)", "number(备注~string)~decimal"),
    ("is_empty(备注)", "is_empty(备注~string)~boolean"),
    ("null", "null~null"),
    ("len(null)", "len(null~null)~integer"),
    ("-5", "(-5~integer)~integer"),
    ("$上限 * 2", "($上限~integer * 2~integer)~integer"),
    ("学校 == $学校名", "(学校~string == $学校名~string)~boolean"),
  ])
  func typesRowExpressions(source: String, typed: String) {
    #expect(ExprDebugPrinter.checked(source, in: Fixture.rowScope()) == typed)
  }

  @Test(arguments: [
    ("人次 > plan.计划人数", "(人次~integer > plan.计划人数~integer)~boolean"),
    ("sum(金额) > 1000", "(sum(金额~decimal)~decimal > 1000~integer)~boolean"),
    ("count() >= 1", "(count()~integer >= 1~integer)~boolean"),
    ("count_if(金额 > 0)", "count_if((金额~decimal > 0~integer)~boolean)~integer"),
    ("count(人数)", "count(人数~integer)~integer"),
    ("count_distinct(姓名)", "count_distinct(姓名~string)~integer"),
    ("avg(`课时(节)`)", "avg(课时(节)~integer)~decimal"),
    ("sum(`课时(节)`)", "sum(课时(节)~integer)~integer"),
    ("max(收费日期)", "max(收费日期~date)~date"),
    ("min(年级)", "min(年级~grade)~grade"),
    ("年级 == '初三'", "(年级~grade == 9~grade)~boolean"),
    ("sum(金额) / count()", "(sum(金额~decimal)~decimal / count()~integer)~decimal"),
  ])
  func typesGroupExpressions(source: String, typed: String) {
    #expect(ExprDebugPrinter.checked(source, in: Fixture.groupScope()) == typed)
  }

  @Test func gradeLiteralsFollowTheScopesGradeSystem() {
    let scope = Fixture.rowScope()
    scope.gradeSystem = .fiveFour
    #expect(ExprDebugPrinter.checked("年级 == '初一'", in: scope) == "(年级~grade == 6~grade)~boolean")
    #expect(ExprDebugPrinter.checked("年级 == '初四'", in: scope) == "(年级~grade == 9~grade)~boolean")
  }

  @Test(arguments: [
    ("↓金頟 > 0", "unknown column '金頟'; did you mean '金额'?"),
    ("↓xyz > 0", "unknown column 'xyz'"),
    ("金额 ↓> '100'", "type mismatch: cannot compare decimal with string"),
    (
      "收费日期 ↓>= '2020-09-01'",
      "type mismatch: cannot compare date with string; write date('2020-09-01')"
    ),
    ("开始时间 ↓< '08:00'", "type mismatch: cannot compare time with string; write time('08:00')"),
    ("收费项目 ↓== 5", "type mismatch: cannot compare string with integer"),
    ("收费日期 ↓+ 'x'", "type mismatch: cannot apply '+' to date and string"),
    ("收费日期 ↓+ 收费日期", "type mismatch: cannot apply '+' to date and date"),
    ("开始时间 ↓- 开始时间", "type mismatch: cannot apply '-' to time and time"),
    ("收费项目 ↓+ 姓名", "type mismatch: cannot apply '+' to string and string"),
    ("已缴 ↓< true", "type mismatch: booleans can only be compared with '==' or '!=', not '<'"),
    ("年级 == ↓'初五'", "'初五' is not a grade"),
    ("星期 != ↓'周八'", "'周八' is not a weekday"),
    ("年级 ↓== 收费项目", "type mismatch: cannot compare grade with string"),
    ("↓x.y > 0", "unknown join 'x'"),
    ("↓st.标准金额 > 0", "unknown join 'st'; did you mean 'std'?"),
    ("std.↓标准金頟 > 0", "unknown column '标准金頟' in join 'std'; did you mean '标准金额'?"),
    ("收费项目 in ↓$禁收项", "unknown list or constant '$禁收项'; did you mean '$禁收项目'?"),
    ("↓$上線 > 0", "unknown list or constant '$上線'; did you mean '$上限'?"),
    ("↓lenn(姓名) > 0", "unknown function 'lenn'; did you mean 'len'?"),
    ("↓foo(姓名)", "unknown function 'foo'"),
    ("收费项目 in ↓fee_standard.项目", "unknown dataset 'fee_standard'; did you mean 'fee_standards'?"),
    (
      "收费项目 in fee_standards.↓项",
      "unknown column '项' in dataset 'fee_standards'; did you mean '项目'?"
    ),
    (
      "↓fee_standards.项目 == 'x'",
      "'fee_standards.项目' is a dataset column; it can only follow 'in' or 'not in'"
    ),
    ("↓sum(金额) > 0", "aggregate function 'sum' is not allowed here"),
    ("↓count() > 0", "aggregate function 'count' is not allowed here"),
    ("↓min(金额) > 0", "aggregate function 'min' is not allowed here"),
    ("↓len(姓名, 1) > 0", "function 'len' takes 1 argument, found 2"),
    ("↓round() > 0", "function 'round' takes 1 or 2 arguments, found 0"),
    ("↓coalesce() > 0", "function 'coalesce' takes at least 1 argument, found 0"),
    ("↓days_between(收费日期) > 0", "function 'days_between' takes 2 arguments, found 1"),
    ("↓date('2020-09-01', 1) > 收费日期", "function 'date' takes 1 argument, found 2"),
    ("len(↓金额) > 0", "type mismatch: argument 1 of 'len' must be string, found decimal"),
    ("contains(姓名, ↓1)", "type mismatch: argument 2 of 'contains' must be string, found integer"),
    ("year(↓开始时间) > 0", "type mismatch: argument 1 of 'year' must be date, found time"),
    ("abs(↓姓名) > 0", "type mismatch: argument 1 of 'abs' must be a number, found string"),
    ("round(金额, ↓1.5) > 0", "type mismatch: argument 2 of 'round' must be integer, found decimal"),
    ("matches(姓名, ↓'[')", "invalid regular expression '['"),
    ("matches(姓名, ↓收费项目)", "the pattern of 'matches' must be a string literal"),
    ("matches(↓金额, 'x')", "type mismatch: argument 1 of 'matches' must be string, found decimal"),
    ("date(↓'2020-13-01') > 收费日期", "invalid date '2020-13-01'; write it like '2020-09-01'"),
    ("time(↓'25:00') > 开始时间", "invalid time '25:00'; write it like '08:00'"),
    ("收费日期 > date(↓收费项目)", "'date' needs a string literal such as '2020-09-01'"),
    ("exists(↓plan)", "unknown join 'plan'"),
    ("exists(↓1)", "'exists' needs a join name"),
    ("金额 ↓== null", "comparing with null with '==' is always null; use 'is null'"),
    ("null ↓!= 金额", "comparing with null with '!=' is always null; use 'is not null'"),
    ("金额 ↓and true", "type mismatch: cannot apply 'and' to decimal and boolean"),
    ("已缴 ↓or 姓名", "type mismatch: cannot apply 'or' to boolean and string"),
    ("↓not 金额", "type mismatch: cannot apply 'not' to decimal"),
    ("↓-收费项目 == 1", "type mismatch: cannot apply '-' to string"),
    ("金额 in ↓金额", "'in' needs a list, a $list or dataset.column on the right, found decimal"),
    (
      "金额 not in ↓std.标准金额",
      "'not in' needs a list, a $list or dataset.column on the right, found decimal"
    ),
    ("金额 ↓in $禁收项目", "type mismatch: cannot look for decimal in list<string>"),
    ("金额 ↓in fee_standards.项目", "type mismatch: cannot look for decimal in list<string>"),
    (
      "`课时(节)` in [1, ↓'a']",
      "type mismatch: list elements must share a type, found integer and string"
    ),
    ("星期 in ['六', ↓'八']", "'八' is not a weekday"),
    (
      "年级 in [7, ↓收费项目]", "type mismatch: list elements must share a type, found integer and string"
    ),
    ("年级 in [↓收费项目]", "type mismatch: cannot look for grade in list<string>"),
    ("↓$禁收项目 == 'a'", "a list can only be used after 'in' or 'not in'"),
    ("len(↓[1, 2]) > 0", "a list can only be used after 'in' or 'not in'"),
    (
      "coalesce(金额, ↓'x') > 0",
      "type mismatch: arguments of 'coalesce' must share a type, found decimal and string"
    ),
    (
      "max(↓已缴, false)",
      "type mismatch: 'max' needs numbers, dates, times or strings, found boolean"
    ),
    ("金额 == ↓NULL", "unknown column 'NULL'; keywords are lowercase: 'null'"),
    ("↓std > 0", "'std' is a join; use 'std.column' or 'exists(std)'"),
    ("↓curriculum > 0", "'curriculum' is a dataset; use 'x in curriculum.column'"),
    ("↓count > 0", "unknown column 'count'; did you mean 'count()'?"),
    ("收费日期 > ↓秋季开学日", "unknown column '秋季开学日'; did you mean '$秋季开学日'?"),
  ])
  func reportsRowScopeErrors(marked: String, message: String) {
    expectErrors(marked, [message], in: Fixture.rowScope())
  }

  @Test(arguments: [
    (
      "↓金额 > 0",
      "column '金额' is not a group column; use it inside an aggregate or add it to group_by"
    ),
    ("sum(↓金頟) > 0", "unknown column '金頟'; did you mean '金额'?"),
    ("sum(↓count()) > 0", "aggregate function 'count' cannot be used inside another aggregate"),
    ("sum(↓收费项目) > 0", "type mismatch: argument 1 of 'sum' must be a number, found string"),
    ("avg(↓收费日期) > 0", "type mismatch: argument 1 of 'avg' must be a number, found date"),
    ("count_if(↓金额) > 0", "type mismatch: argument 1 of 'count_if' must be boolean, found decimal"),
    (
      "max(↓已缴)",
      "type mismatch: argument 1 of 'max' must be a number, date, time or string, found boolean"
    ),
    ("↓count(金额, 1) > 0", "function 'count' takes 0 or 1 arguments, found 2"),
    ("↓sum() > 0", "function 'sum' takes 1 argument, found 0"),
    ("↓std.标准金额 > 0", "unknown join 'std'"),
  ])
  func reportsGroupScopeErrors(marked: String, message: String) {
    expectErrors(marked, [message], in: Fixture.groupScope())
  }

  @Test(arguments: [
    ("↓金额 + 1", ExprType.boolean, "type mismatch: the expression must be boolean, found decimal"),
    ("↓收费项目", ExprType.boolean, "type mismatch: the expression must be boolean, found string"),
    ("↓姓名", ExprType.decimal, "type mismatch: the expression must be decimal, found string"),
  ])
  func checksTheExpectedType(marked: String, expected: ExprType, message: String) {
    expectErrors(marked, [message], in: Fixture.rowScope(), expecting: expected)
  }

  @Test(arguments: [
    ("金额 > 0", ExprType.boolean), ("`课时(节)` + 1", .decimal), ("年级", .integer), ("null", .boolean),
  ])
  func acceptsAssignableResults(source: String, expected: ExprType) {
    #expect(compiled(source, expecting: expected) != nil)
  }

  @Test func reportsEveryErrorInOneExpression() {
    expectErrors(
      "↓金頟 > 0 and ↓lenn(姓名) and 收费日期 ↓> 'x' or 年级 == ↓'初五'",
      [
        "unknown column '金頟'; did you mean '金额'?",
        "unknown function 'lenn'; did you mean 'len'?",
        "type mismatch: cannot compare date with string",
        "'初五' is not a grade",
      ], in: Fixture.rowScope())
  }

  @Test func reportsSyntaxAndNameErrorsTogether() {
    expectErrors(
      "↓金頟 ↓= 0 and (↓x > 1↓",
      [
        "unknown column '金頟'; did you mean '金额'?",
        "syntax error: '=' is not an operator; use '==' to compare",
        "unknown column 'x'",
        "syntax error: expected ')' but found end of expression",
      ], in: Fixture.rowScope(), expecting: .boolean)
  }

  @Test func anErrorDoesNotCascadeIntoTheOperatorsAboveIt() {
    expectErrors(
      "(↓金頟 + 1) * 2 > 0 and not ↓x",
      [
        "unknown column '金頟'; did you mean '金额'?", "unknown column 'x'",
      ], in: Fixture.rowScope(), expecting: .boolean)
  }

  @Test func offsetsCountUnicodeScalarsAcrossWideCharacters() {
    // 𠀀 is one scalar outside the BMP (two UTF-16 units); 👍🏽 is two scalars, one character.
    let scope = Fixture.rowScope()
    scope.names["𠀀👍🏽"] = Binding(type: .string, ref: .column(0))
    expectErrors("`𠀀👍🏽` == 'a' and ↓金頟 > 0", ["unknown column '金頟'; did you mean '金额'?"], in: scope)
  }

  @Test func didYouMeanIsDeterministicAmongEqualCandidates() {
    let scope = Fixture.rowScope()
    scope.names["金额B"] = Binding(type: .decimal, ref: .column(4))
    scope.names["金额A"] = Binding(type: .decimal, ref: .column(4))
    expectErrors("↓金额C > 0", ["unknown column '金额C'; did you mean '金额'?"], in: scope)
  }

  /// Compiles `marked` without its markers and expects exactly `messages`, the i-th at the
  /// i-th marker, located through `locate`.
  private func expectErrors(
    _ marked: String, _ messages: [String], in scope: Scope, expecting: ExprType? = nil,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let (source, offsets) = unmark(marked)
    let result = ExpressionCompiler.compile(
      source, in: scope, expecting: expecting, locate: Fixture.locate)
    guard let found = failures(result) else {
      Issue.record("'\(source)' compiled", sourceLocation: sourceLocation)
      return
    }
    #expect(found.map(\.message) == messages, sourceLocation: sourceLocation)
    #expect(found.map(\.offset) == offsets, sourceLocation: sourceLocation)
  }
}
