// Aggregates: registration in a group scope, their result types and arguments, reading the
// frame's aggregate values, and where they are not allowed.

import ComplyCore
import Testing

@testable import ComplyExpr

struct AggregateTests {
  @Test func aggregatesAreRegisteredWithTheirArgumentsCompiledInTheRowScope() throws {
    let registry = CompileRegistry()
    let scope = Fixture.groupScope(registry: registry)
    let expression = try #require(
      compiled("sum(金额) > 1000 and count_if(收费项目 in $禁收项目) >= 1 or count() > 人次", in: scope))
    #expect(registry.aggregates.map(\.kind) == [.sum, .countIf, .count])
    #expect(registry.aggregates.map(\.type) == [.decimal, .integer, .integer])
    let sum = try #require(registry.aggregates[0].argument)
    #expect(sum.type == .decimal)
    #expect(sum.references == [.column(Fixture.column("金额"))])
    #expect(registry.aggregates[2].argument == nil)
    // The group expression reads only what is outside aggregates.
    #expect(expression.references == [.computed(0)])

    // The argument evaluates over rows…
    let rowFrame = EvalFrame()
    rowFrame.row = Fixture.row()
    #expect(show(sum.evaluate(rowFrame)) == "decimal 200.50")
    let condition = try #require(registry.aggregates[1].argument)
    #expect(show(condition.evaluate(rowFrame)) == "bool true")

    // …and the group expression reads the engine's results.
    let groupFrame = EvalFrame()
    groupFrame.computed = [.int(3)]
    groupFrame.aggregates = [.decimal(ExactDecimal(parsing: "999.99")!), .int(0), .int(3)]
    #expect(show(expression.evaluate(groupFrame)) == "bool false")
    groupFrame.aggregates = [.decimal(ExactDecimal(parsing: "1000.01")!), .int(2), .int(3)]
    #expect(show(expression.evaluate(groupFrame)) == "bool true")
    groupFrame.aggregates = [.null, .int(2), .int(4)]
    #expect(show(expression.evaluate(groupFrame)) == "bool true")
  }

  @Test(arguments: [
    ("count()", AggregateKind.count, ExprType.integer),
    ("count(人数)", .countNonNull, .integer),
    ("count_if(金额 > 0)", .countIf, .integer),
    ("count_distinct(姓名)", .countDistinct, .integer),
    ("sum(`课时(节)`)", .sum, .integer),
    ("sum(金额)", .sum, .decimal),
    ("avg(`课时(节)`)", .avg, .decimal),
    ("min(收费日期)", .min, .date),
    ("max(姓名)", .max, .string),
    ("max(年级)", .max, .grade),
    ("min(开始时间)", .min, .time),
  ])
  func kindsAndTypes(source: String, kind: AggregateKind, type: ExprType) throws {
    let registry = CompileRegistry()
    let expression = try #require(compiled(source, in: Fixture.groupScope(registry: registry)))
    #expect(registry.aggregates.map(\.kind) == [kind])
    #expect(registry.aggregates.first?.type == type)
    #expect(expression.type == type)
    let frame = EvalFrame()
    frame.aggregates = [.int(42)]
    #expect(show(expression.evaluate(frame)) == "int 42")
  }

  @Test func theSameAggregateIsRegisteredOnceAcrossARulesExpressions() throws {
    let registry = CompileRegistry()
    let scope = Fixture.groupScope(registry: registry)
    _ = try #require(compiled("sum(金额) > 100 and sum(金额) < 1000", in: scope))
    _ = try #require(compiled("sum( 金额 ) + avg(金额) + sum(`课时(节)`)", in: scope))
    #expect(registry.aggregates.map(\.kind) == [.sum, .avg, .sum])
  }

  @Test func aFailedCompileRegistersNothing() {
    let registry = CompileRegistry()
    let scope = Fixture.groupScope(registry: registry)
    let result = ExpressionCompiler.compile(
      "sum(金额) > 0 and count_if(收费项目 in fee_standards.项目) > 0 and 金頟 > 0", in: scope,
      expecting: .boolean, locate: Fixture.locate)
    #expect(failures(result)?.count == 1)
    #expect(registry.aggregates.isEmpty)
    #expect(registry.sets.isEmpty)
  }

  @Test func setsInsideAggregateArgumentsAreRegistered() throws {
    let registry = CompileRegistry()
    let scope = Fixture.groupScope(registry: registry)
    _ = try #require(compiled("count_if(收费项目 in fee_standards.项目) > 0", in: scope))
    #expect(registry.sets.count == 1)
    let argument = try #require(registry.aggregates.first?.argument)
    let frame = EvalFrame()
    frame.row = Fixture.row()
    frame.sets = [[.string("补课费")]]
    #expect(show(argument.evaluate(frame)) == "bool true")
  }

  @Test func groupColumnsAndJoinsAreRead() throws {
    let expression = try #require(
      compiled("人次 > plan.计划人数 and 年级 == '初三' and 学校 == '第一中学'", in: Fixture.groupScope()))
    let frame = EvalFrame()
    frame.group = [.string("第一中学"), .int(9), .string("G1")]
    frame.computed = [.int(31)]
    let plan = TestRow([.int(30)])
    frame.resetJoins(count: 1)
    frame.setJoin(0, Unmanaged.passUnretained(plan))
    #expect(show(expression.evaluate(frame)) == "bool true")
    frame.setJoin(0, nil)
    #expect(show(expression.evaluate(frame)) == "null")
    withExtendedLifetime(plan) {}
  }

  @Test(arguments: ["sum(金额) > 0", "count() > 1", "max(金额) > 0", "count_if(已缴) > 0"])
  func aggregatesAreNotAllowedInARowScope(source: String) {
    let result = ExpressionCompiler.compile(
      source, in: Fixture.rowScope(), expecting: .boolean, locate: Fixture.locate)
    let name = String(source.prefix { $0 != "(" })
    #expect(
      failures(result)?.map(\.message) == ["aggregate function '\(name)' is not allowed here"])
    #expect(failures(result)?.map(\.offset) == [0])
  }
}
