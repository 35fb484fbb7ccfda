// Templates: literal text, `{expression}` parts, `{{`/`}}` braces, PII masking, and errors
// located in the template string.

import ComplyCore
import Testing

@testable import ComplyExpr

struct TemplateTests {
  @Test(arguments: [
    ("{姓名} 于 {收费日期} 被收取 {收费项目} {金额} 元", "张* 于 2020-09-01 被收取 补课费 200.50 元"),
    ("no expressions", "no expressions"),
    ("", ""),
    ("{{literal}} and {{{金额}}}", "{literal} and {200.50}"),
    ("}}{{", "}{"),
    ("超出 {金额 - 100} 元", "超出 100.50 元"),
    ("{人数}人", "人"),
    ("{已缴}", "是"),
    ("{coalesce(人数, 0)}", "0"),
    ("{len('}{')}", "2"),
    ("{收费项目 == '补课费'}", "是"),
    ("{`课时(节)`}节", "5节"),
    ("{年级}", "7"),
  ])
  func renders(template: String, expected: String) throws {
    let compiled = try ExpressionCompiler.compileTemplate(
      template, in: Fixture.rowScope(), locate: Fixture.locate
    ).get()
    let frame = EvalFrame()
    frame.row = Fixture.row()
    #expect(compiled.render(frame, mask: true) == expected)
  }

  @Test func splitsTextAndExpressions() {
    let (pieces, errors) = TemplateSplitter.split("a{{b{x}c}}{ y }")
    #expect(errors.isEmpty)
    #expect(
      pieces == [
        .text("a{b"), .expression("x", offset: 5), .text("c}"), .expression(" y ", offset: 11),
      ])
  }

  @Test(arguments: [
    ("{姓名}", true, "张*"),
    ("{学籍号}", true, "G11010*********1234"),
    ("{身份证号}", true, "110101********1230"),
    ("{trim(姓名)}", true, "张*"),
    ("{coalesce(姓名, '')}", true, "张*"),
    ("{std.联系人}", true, "李**"),
    ("{is_empty(姓名)}", false, "否"),
    ("{姓名 == '张三'}", false, "是"),
    ("{收费项目}", false, "补课费"),
    ("{金额}", false, "200.50"),
  ])
  func marksPIIParts(template: String, pii: Bool, masked: String) throws {
    let compiled = try ExpressionCompiler.compileTemplate(
      template, in: Fixture.rowScope(), locate: Fixture.locate
    ).get()
    guard case .expression(_, let isPII) = compiled.parts.first else {
      Issue.record("no expression part")
      return
    }
    #expect(isPII == pii)
    let frame = EvalFrame()
    frame.row = Fixture.row()
    let teacher = TestRow([.null, .null, .string("李老师")])
    frame.resetJoins(count: 1)
    frame.setJoin(0, Unmanaged.passUnretained(teacher))
    #expect(compiled.render(frame, mask: true) == masked)
    if !pii {
      #expect(compiled.render(frame, mask: false) == masked)
    }
    withExtendedLifetime(teacher) {}
  }

  @Test func unmaskedRenderingShowsPII() throws {
    let compiled = try ExpressionCompiler.compileTemplate(
      "{姓名}（{身份证号}）", in: Fixture.rowScope(), locate: Fixture.locate
    ).get()
    let frame = EvalFrame()
    frame.row = Fixture.row()
    #expect(compiled.render(frame, mask: false) == "张三（\(Fixture.validID)）")
    #expect(compiled.render(frame, mask: true) == "张*（110101********1230）")
  }

  @Test func groupTemplatesMaskPIIGroupColumnsAndMinMaxOfPII() throws {
    let compiled = try ExpressionCompiler.compileTemplate(
      "{学籍号} {学校} {max(姓名)} {count_distinct(姓名)}", in: Fixture.groupScope(),
      locate: Fixture.locate
    ).get()
    let flags = compiled.parts.compactMap { part -> Bool? in
      if case .expression(_, let pii) = part { return pii }
      return nil
    }
    #expect(flags == [true, false, true, false])
    let frame = EvalFrame()
    frame.group = [.string("第一中学"), .int(9), .string("G12345678")]
    frame.aggregates = [.string("王五"), .int(3)]
    #expect(compiled.render(frame, mask: true) == "G1*****78 第一中学 王* 3")
  }

  @Test(arguments: [
    ("金额 ↓{金额", ["unclosed '{' in template; write '{{' for a literal brace"]),
    ("金额 ↓} 元", ["unmatched '}' in template; write '}}' for a literal brace"]),
    ("↓{} and ↓{ }", ["empty expression '{}' in template", "empty expression '{}' in template"]),
    (
      "{姓名} 于 {↓收费日 } 被收取 {↓金頟}",
      [
        "unknown column '收费日'; did you mean '收费日期'?", "unknown column '金頟'; did you mean '金额'?",
      ]
    ),
    (
      "{金额 ↓> '1'} ↓}",
      [
        "type mismatch: cannot compare decimal with string",
        "unmatched '}' in template; write '}}' for a literal brace",
      ]
    ),
    ("{'}' ↓+ '{'}", ["type mismatch: cannot apply '+' to string and string"]),
    ("{{{(金额 + 1↓}", ["syntax error: expected ')' but found end of expression"]),
    ("{↓$禁收项目}", ["a list can only be used after 'in' or 'not in'"]),
    ("{{ {↓sum(金额)} }}", ["aggregate function 'sum' is not allowed here"]),
  ])
  func reportsErrorsAtTemplateOffsets(marked: String, messages: [String]) {
    let (template, offsets) = unmark(marked)
    let result = ExpressionCompiler.compileTemplate(
      template, in: Fixture.rowScope(), locate: Fixture.locate)
    #expect(failures(result)?.map(\.message) == messages)
    #expect(failures(result)?.map(\.offset) == offsets)
  }
}
