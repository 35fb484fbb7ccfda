// Checker+Calls: type rules of function calls — the date/time literal constructors, the
// aggregates (only in a group scope, argument checked in the row scope) and the scalar
// built-ins of Functions.swift, with arity and argument errors at the name or argument.

import ComplyCore
internal import Foundation

extension Checker {
  func checkCall(_ name: String, _ arguments: [Syntax], _ syntax: Syntax) -> Checked {
    if name == "date" || name == "time" {
      return checkCalendarLiteral(name, arguments, syntax)
    }
    if let kind = AggregateKind(call: name, arity: arguments.count) {
      return checkAggregate(kind, name, arguments, syntax)
    }
    guard let builtin = Builtin(rawValue: name) else {
      error("unknown function '\(name)'" + hint(name, Builtin.allNames), at: syntax.offset)
      arguments.forEach { _ = check($0) }
      return .invalid(at: syntax)
    }
    guard checkArity(name, builtin.arity, arguments.count, syntax) else {
      arguments.forEach { _ = check($0) }
      return .invalid(at: syntax)
    }
    switch builtin {
    case .exists: return checkExists(arguments[0], syntax)
    case .matches: return checkMatches(arguments, syntax)
    default: break
    }
    var checked = arguments.map(check)
    let type = resultType(builtin, &checked)
    return node(.call(builtin, checked), type, syntax, checked)
  }

  /// Reports a wrong number of arguments at the function name.
  private func checkArity(_ name: String, _ arity: ClosedRange<Int>, _ count: Int, _ syntax: Syntax)
    -> Bool
  {
    guard !arity.contains(count) else { return true }
    let expected: String
    if arity.upperBound == Int.max {
      expected = "at least \(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
    } else if arity.count == 1 {
      expected = "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
    } else {
      expected = "\(arity.lowerBound) or \(arity.upperBound) arguments"
    }
    error("function '\(name)' takes \(expected), found \(count)", at: syntax.offset)
    return false
  }

  /// Reports argument `index` of `name` when its type is not `expected`.
  private func expect(
    _ argument: Checked, _ index: Int, of name: String, _ expected: String,
    _ accepts: (ExprType) -> Bool
  ) {
    guard !argument.isInvalid, argument.type != .null, !accepts(argument.type) else { return }
    error(
      "type mismatch: argument \(index + 1) of '\(name)' must be \(expected), found \(argument.type)",
      at: argument.start)
  }

  private func resultType(_ builtin: Builtin, _ arguments: inout [Checked]) -> ExprType {
    let name = builtin.rawValue
    if let signature = builtin.signature {
      for (i, (argument, parameter)) in zip(arguments, signature.parameters).enumerated() {
        expect(argument, i, of: name, "\(parameter)") { $0.isAssignable(to: parameter) }
      }
      return signature.result
    }
    switch builtin {
    case .coalesce:
      return unify(&arguments, what: "arguments of 'coalesce'")
    case .min, .max:
      let type = unify(&arguments, what: "arguments of '\(name)'")
      if type != .null, !type.isOrdered {
        error(
          "type mismatch: '\(name)' needs numbers, dates, times or strings, found \(type)",
          at: arguments[0].start)
      }
      return type
    case .abs, .round:
      expect(arguments[0], 0, of: name, "a number") { $0.isNumeric }
      if arguments.count > 1 {
        expect(arguments[1], 1, of: name, "integer") { $0.isAssignable(to: .integer) }
      }
      switch arguments[0].type {
      case .decimal: return .decimal
      case .null: return .null
      default: return .integer
      }
    default:  // is_empty takes anything
      return .boolean
    }
  }

  private func checkExists(_ argument: Syntax, _ syntax: Syntax) -> Checked {
    guard case .name(let join) = argument.kind else {
      error("'exists' needs a join name", at: argument.start)
      return .invalid(at: syntax)
    }
    guard let index = scope.joins[join]?.index else {
      error("unknown join '\(join)'" + hint(join, scope.joins.keys), at: argument.offset)
      return .invalid(at: syntax)
    }
    return node(.exists(join: index, name: join), .boolean, syntax, [])
  }

  private func checkMatches(_ arguments: [Syntax], _ syntax: Syntax) -> Checked {
    let text = check(arguments[0])
    expect(text, 0, of: "matches", "string") { $0 == .string }
    guard case .string(let pattern) = arguments[1].kind else {
      _ = check(arguments[1])
      error("the pattern of 'matches' must be a string literal", at: arguments[1].start)
      return .invalid(at: syntax)
    }
    guard let regex = try? NSRegularExpression(pattern: pattern) else {
      error("invalid regular expression '\(pattern)'", at: arguments[1].offset)
      return .invalid(at: syntax)
    }
    return node(.matches(text, regex, pattern: pattern), .boolean, syntax, [text])
  }

  /// `date('2020-09-01')`, `time('08:00')`: constants, checked now.
  private func checkCalendarLiteral(_ name: String, _ arguments: [Syntax], _ syntax: Syntax)
    -> Checked
  {
    guard checkArity(name, 1...1, arguments.count, syntax) else { return .invalid(at: syntax) }
    let example = name == "date" ? "'2020-09-01'" : "'08:00'"
    guard case .string(let text) = arguments[0].kind else {
      _ = check(arguments[0])
      error("'\(name)' needs a string literal such as \(example)", at: arguments[0].start)
      return .invalid(at: syntax)
    }
    let trimmed = ValueParser.trim(text[...])
    let value =
      name == "date"
      ? ValueParser.parseDate(trimmed).map(Value.date)
      : ValueParser.parseTime(trimmed).map(Value.time)
    guard let value else {
      error("invalid \(name) '\(text)'; write it like \(example)", at: arguments[0].offset)
      return .invalid(at: syntax)
    }
    return Checked(
      kind: .constant(value, spelling: nil), type: ExprType(of: value), offset: syntax.offset,
      start: syntax.start)
  }

  // MARK: - Aggregates

  private func checkAggregate(
    _ kind: AggregateKind, _ name: String, _ arguments: [Syntax], _ syntax: Syntax
  ) -> Checked {
    let arity = kind == .count || kind == .countNonNull ? 0...1 : 1...1
    guard let rowScope = scope.rowScope else {
      let message =
        insideAggregate
        ? "aggregate function '\(name)' cannot be used inside another aggregate"
        : "aggregate function '\(name)' is not allowed here"
      error(message, at: syntax.offset)
      arguments.forEach { _ = check($0) }
      return .invalid(at: syntax)
    }
    guard checkArity(name, arity, arguments.count, syntax) else { return .invalid(at: syntax) }
    let inner = Checker(scope: rowScope, insideAggregate: true)
    let argument = arguments.first.map(inner.check)
    adopt(inner)
    var type = ExprType.integer
    var readsPII = false
    if let argument, !argument.isInvalid {
      let t = argument.type
      switch kind {
      case .count, .countNonNull, .countDistinct:
        break
      case .countIf:
        expect(argument, 0, of: name, "boolean") { $0 == .boolean }
      case .sum:
        expect(argument, 0, of: name, "a number") { $0.isNumeric }
        type = t == .decimal ? .decimal : .integer
      case .avg:
        expect(argument, 0, of: name, "a number") { $0.isNumeric }
        type = .decimal
      case .min, .max:
        expect(argument, 0, of: name, "a number, date, time or string") { $0.isOrdered }
        type = t
        readsPII = argument.readsPII
      }
    }
    return Checked(
      kind: .aggregate(kind, name: name, argument, rowRegistry: rowScope.registry), type: type,
      offset: syntax.offset, start: syntax.start, readsPII: readsPII)
  }
}
