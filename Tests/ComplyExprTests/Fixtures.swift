// Fixtures shared by the ComplyExpr tests: a fee-records row scope, a group scope over it,
// an in-memory row, value rendering, and `↓` markers for expected error offsets.

import ComplyCore
import Testing

@testable import ComplyExpr

/// A row held in memory.
typealias TestRow = RowValues

enum Fixture {
  /// The columns of the row scope, in column order.
  static let columns: [(name: String, type: ExprType, pii: Bool)] = [
    ("学校", .string, false), ("学籍号", .string, true), ("姓名", .string, true),
    ("年级", .grade, false), ("金额", .decimal, false), ("收费日期", .date, false),
    ("收费项目", .string, false), ("课时(节)", .integer, false), ("星期", .weekday, false),
    ("开始时间", .time, false), ("已缴", .boolean, false), ("人数", .integer, false),
    ("身份证号", .string, true), ("出生日期", .date, false), ("备注", .string, false),
  ]

  static func column(_ name: String) -> Int {
    columns.firstIndex { $0.name == name } ?? -1
  }

  /// A scope of fee records with a join `std`, two datasets, lists and constants.
  static func rowScope(registry: CompileRegistry = CompileRegistry()) -> Scope {
    let scope = Scope(registry: registry)
    for (i, c) in columns.enumerated() {
      scope.names[c.name] = Binding(type: c.type, ref: .column(i), pii: c.pii)
    }
    scope.joins["std"] = (
      index: 0,
      columns: [
        "标准金额": Binding(type: .decimal, ref: .join(0, column: 0)),
        "项目": Binding(type: .string, ref: .join(0, column: 1)),
        "联系人": Binding(type: .string, ref: .join(0, column: 2), pii: true),
      ]
    )
    scope.datasets["fee_standards"] = ["项目": .string, "标准金额": .decimal]
    scope.datasets["curriculum"] = ["年级": .grade, "科目": .string]
    scope.lists["禁收项目"] = ListConstant(
      elementType: .string, values: [.string("补课费"), .string("辅导费"), .string("培优费")])
    scope.lists["毕业年级"] = ListConstant(
      elementType: .string, values: [.string("初三"), .string("高三")])
    scope.lists["限额"] = ListConstant(
      elementType: .decimal, values: [.int(100), .decimal(ExactDecimal(parsing: "200.5")!)])
    scope.constants["秋季开学日"] = .date(Day(year: 2020, month: 9, day: 1)!)
    scope.constants["上限"] = .int(500)
    scope.constants["学校名"] = .string("第一中学")
    return scope
  }

  /// A group scope (group_by: [学校, 年级], compute: {人次: count()}) over `rowScope`, with a
  /// join `plan` keyed on the group columns.
  static func groupScope(registry: CompileRegistry = CompileRegistry()) -> Scope {
    let scope = Scope(registry: registry)
    scope.rowScope = rowScope(registry: registry)
    scope.names["学校"] = Binding(type: .string, ref: .group(0))
    scope.names["年级"] = Binding(type: .grade, ref: .group(1))
    scope.names["学籍号"] = Binding(type: .string, ref: .group(2), pii: true)
    scope.names["人次"] = Binding(type: .integer, ref: .computed(0))
    scope.joins["plan"] = (
      index: 0, columns: ["计划人数": Binding(type: .integer, ref: .join(0, column: 0))]
    )
    scope.constants["上限"] = .int(500)
    return scope
  }

  /// A valid resident ID: born 2008-01-01, check character computed by hand (ISO 7064 MOD 11-2).
  static let validID = "110101200801011230"

  /// The row most evaluation tests read.
  static func row(_ overrides: [String: Value] = [:]) -> TestRow {
    var values: [String: Value] = [
      "学校": .string("第一中学"), "学籍号": .string("G110101200801011234"), "姓名": .string("张三"),
      "年级": .int(7), "金额": .decimal(ExactDecimal(parsing: "200.50")!),
      "收费日期": .date(Day(year: 2020, month: 9, day: 1)!), "收费项目": .string("补课费"),
      "课时(节)": .int(5), "星期": .int(6), "开始时间": .time(TimeOfDay(hour: 8, minute: 0)!),
      "已缴": .bool(true), "人数": .null, "身份证号": .string(validID),
      "出生日期": .date(Day(year: 2008, month: 1, day: 1)!), "备注": .string("  "),
    ]
    for (k, v) in overrides { values[k] = v }
    return TestRow(columns.map { values[$0.name] ?? .null })
  }

  /// Line 1 of file `rule.yaml`, column = offset + 1.
  static func locate(_ offset: Int) -> ComplyCore.SourceLocation {
    ComplyCore.SourceLocation(file: "rule.yaml", line: 1, column: offset + 1)
  }
}

/// A value with its kind, so that tests tell `3` from `3.0`: `int 3`, `decimal 0.3`, `null`.
func show(_ value: Value) -> String {
  switch value {
  case .null: return "null"
  case .bool(let b): return "bool \(b)"
  case .int(let i): return "int \(i)"
  case .decimal(let d): return "decimal \(d)"
  case .string(let s): return "string '\(s)'"
  case .date(let d): return "date \(d)"
  case .time(let t): return "time \(t)"
  }
}

/// `text` without its `↓` markers, and the Unicode-scalar offset each marker pointed at.
func unmark(_ text: String) -> (source: String, offsets: [Int]) {
  var source = String.UnicodeScalarView()
  var offsets: [Int] = []
  for c in text.unicodeScalars {
    if c == "↓" { offsets.append(source.count) } else { source.append(c) }
  }
  return (String(source), offsets)
}

/// The diagnostics of a failed compile as `column: message`, or nil when it compiled.
func failures<T>(_ result: Result<T, ComplyError>) -> [(offset: Int, message: String)]? {
  guard case .failure(let error) = result else { return nil }
  return error.diagnostics.map { (($0.location?.column ?? 0) - 1, $0.message) }
}

/// Compiles `source` in `scope`, recording a test failure with the errors when it does not.
func compiled(
  _ source: String, in scope: Scope = Fixture.rowScope(), expecting: ExprType? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> CompiledExpression? {
  switch ExpressionCompiler.compile(source, in: scope, expecting: expecting, locate: Fixture.locate)
  {
  case .success(let expression): return expression
  case .failure(let error):
    Issue.record("'\(source)' did not compile: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// Evaluates `source` over `Fixture.row(overrides)` with `std` joined to `joined` (nil: no match).
func evaluate(
  _ source: String, _ overrides: [String: Value] = [:], joined: TestRow? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> String {
  guard let expression = compiled(source, sourceLocation: sourceLocation) else { return "error" }
  let frame = EvalFrame()
  frame.row = Fixture.row(overrides)
  frame.resetJoins(count: 1)
  frame.setJoin(0, joined.map { Unmanaged.passUnretained($0) })
  return withExtendedLifetime(joined) { show(expression.evaluate(frame)) }
}
