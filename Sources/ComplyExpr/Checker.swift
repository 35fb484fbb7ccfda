// Checker: resolves names against a Scope and types every node of a Syntax tree (SPEC §2.3),
// collecting every error. Invalid nodes are typed `null`, which is compatible with everything,
// so one error does not cascade into others. Calls are checked in Checker+Calls.swift.

import ComplyCore

/// Type-checks one expression in one scope.
final class Checker {
  let scope: Scope
  /// True while checking an aggregate's argument, where another aggregate is an error.
  let insideAggregate: Bool
  private(set) var errors: [ExprError] = []

  init(scope: Scope, insideAggregate: Bool = false) {
    self.scope = scope
    self.insideAggregate = insideAggregate
  }

  func error(_ message: String, at offset: Int) {
    errors.append(ExprError(message: message, offset: offset))
  }

  func adopt(_ other: Checker) {
    errors += other.errors
  }

  /// "; did you mean 'x'?" over `candidates`, sorted so that ties resolve the same way.
  func hint(_ name: String, _ candidates: some Sequence<String>) -> String {
    Suggestion.hint(for: name, in: candidates.sorted())
  }

  /// Checks a node that must be a single value (lists only appear after `in`).
  func check(_ syntax: Syntax) -> Checked {
    let node = checkAny(syntax)
    if case .list = node.type {
      error("a list can only be used after 'in' or 'not in'", at: syntax.start)
      return .invalid(at: syntax)
    }
    return node
  }

  private func checkAny(_ syntax: Syntax) -> Checked {
    func constant(_ value: Value) -> Checked {
      Checked(
        kind: .constant(value, spelling: nil), type: ExprType(of: value), offset: syntax.offset,
        start: syntax.start)
    }
    switch syntax.kind {
    case .integer(let i): return constant(.int(i))
    case .decimal(let d): return constant(.decimal(d))
    case .string(let s): return constant(.string(s))
    case .boolean(let b): return constant(.bool(b))
    case .null: return constant(.null)
    case .name(let name): return checkName(name, syntax)
    case .variable(let name): return checkVariable(name, syntax)
    case .member(let base, let member, let memberOffset):
      return checkMember(base, member, memberOffset: memberOffset, syntax, afterIn: false)
    case .list(let elements): return checkList(elements, syntax)
    case .call(let name, let arguments): return checkCall(name, arguments, syntax)
    case .negate(let operand): return checkNegate(operand, syntax)
    case .not(let operand):
      let x = check(operand)
      if !x.isInvalid, !x.type.isAssignable(to: .boolean) {
        error("type mismatch: cannot apply 'not' to \(x.type)", at: syntax.offset)
      }
      return node(.not(x), .boolean, syntax, [x])
    case .binary(let op, let lhs, let rhs):
      if op.isLogical { return checkLogical(op, lhs, rhs, syntax) }
      if op.isComparison { return checkComparison(op, lhs, rhs, syntax) }
      return checkArithmetic(op, lhs, rhs, syntax)
    case .isNull(let operand, let negated):
      let x = check(operand)
      return node(.isNull(x, negated: negated), .boolean, syntax, [x])
    case .membership(let lhs, let rhs, let negated):
      return checkMembership(lhs, rhs, negated: negated, syntax)
    case .invalid:
      return .invalid(at: syntax)
    }
  }

  /// A node whose `readsPII` is that of its children.
  func node(_ kind: Checked.Kind, _ type: ExprType, _ syntax: Syntax, _ children: [Checked])
    -> Checked
  {
    Checked(
      kind: kind, type: type, offset: syntax.offset, start: syntax.start,
      readsPII: children.contains { $0.readsPII })
  }

  // MARK: - Names

  private func checkName(_ name: String, _ syntax: Syntax) -> Checked {
    if let binding = scope.names[name] {
      return Checked(
        kind: .reference(binding.ref, name: name), type: binding.type, offset: syntax.offset,
        start: syntax.start, readsPII: binding.pii)
    }
    let message: String
    if scope.rowScope?.names[name] != nil {
      message =
        "column '\(name)' is not a group column; use it inside an aggregate or add it to group_by"
    } else if scope.joins[name] != nil {
      message = "'\(name)' is a join; use '\(name).column' or 'exists(\(name))'"
    } else if scope.datasets[name] != nil {
      message = "'\(name)' is a dataset; use 'x in \(name).column'"
    } else if let keyword = Keyword(rawValue: name.lowercased()) {
      message = "unknown column '\(name)'; keywords are lowercase: '\(keyword.rawValue)'"
    } else if scope.lists[name] != nil || scope.constants[name] != nil {
      message = "unknown column '\(name)'; did you mean '$\(name)'?"
    } else if Builtin.allNames.contains(name) {
      message = "unknown column '\(name)'; did you mean '\(name)()'?"
    } else {
      message = "unknown column '\(name)'" + hint(name, scope.names.keys)
    }
    error(message, at: syntax.offset)
    return .invalid(at: syntax)
  }

  private func checkVariable(_ name: String, _ syntax: Syntax) -> Checked {
    if let list = scope.lists[name] {
      return Checked(
        kind: .namedList(name, list.values), type: .list(list.elementType), offset: syntax.offset,
        start: syntax.start)
    }
    if let value = scope.constants[name] {
      return Checked(
        kind: .constant(value, spelling: "$" + name), type: ExprType(of: value),
        offset: syntax.offset, start: syntax.start)
    }
    let candidates = (Array(scope.lists.keys) + Array(scope.constants.keys)).map { "$" + $0 }
    error("unknown list or constant '$\(name)'" + hint("$" + name, candidates), at: syntax.offset)
    return .invalid(at: syntax)
  }

  /// `base.member`: a join column, or after `in` a dataset column (datasets win there, joins
  /// elsewhere, when a join is named like a dataset).
  func checkMember(
    _ base: String, _ member: String, memberOffset: Int, _ syntax: Syntax, afterIn: Bool
  ) -> Checked {
    if afterIn, let columns = scope.datasets[base] {
      guard let type = columns[member] else {
        error(
          "unknown column '\(member)' in dataset '\(base)'" + hint(member, columns.keys),
          at: memberOffset)
        return .invalid(at: syntax)
      }
      return Checked(
        kind: .datasetColumn(dataset: base, column: member), type: .list(type),
        offset: syntax.offset, start: syntax.start)
    }
    if let join = scope.joins[base] {
      guard let binding = join.columns[member] else {
        error(
          "unknown column '\(member)' in join '\(base)'" + hint(member, join.columns.keys),
          at: memberOffset)
        return .invalid(at: syntax)
      }
      return Checked(
        kind: .reference(binding.ref, name: base + "." + member), type: binding.type,
        offset: syntax.offset, start: syntax.start, readsPII: binding.pii)
    }
    if scope.datasets[base] != nil {
      error(
        "'\(base).\(member)' is a dataset column; it can only follow 'in' or 'not in'",
        at: syntax.offset)
    } else if afterIn {
      error("unknown dataset '\(base)'" + hint(base, scope.datasets.keys), at: syntax.offset)
    } else {
      error("unknown join '\(base)'" + hint(base, scope.joins.keys), at: syntax.offset)
    }
    return .invalid(at: syntax)
  }

  // MARK: - Operators

  private func checkNegate(_ operand: Syntax, _ syntax: Syntax) -> Checked {
    let x = check(operand)
    var type = ExprType.null
    if x.type.isNumeric {
      type = x.type == .decimal ? .decimal : .integer
    } else if !x.isInvalid && x.type != .null {
      error("type mismatch: cannot apply '-' to \(x.type)", at: syntax.offset)
    }
    return node(.negate(x), type, syntax, [x])
  }

  private func checkLogical(_ op: BinaryOperator, _ lhs: Syntax, _ rhs: Syntax, _ syntax: Syntax)
    -> Checked
  {
    let l = check(lhs)
    let r = check(rhs)
    if !l.type.isAssignable(to: .boolean) || !r.type.isAssignable(to: .boolean) {
      error(
        "type mismatch: cannot apply '\(op.rawValue)' to \(l.type) and \(r.type)", at: syntax.offset
      )
    }
    return node(.binary(op, l, r), .boolean, syntax, [l, r])
  }

  private func checkArithmetic(
    _ op: BinaryOperator, _ lhs: Syntax, _ rhs: Syntax, _ syntax: Syntax
  ) -> Checked {
    let l = check(lhs)
    let r = check(rhs)
    var type = ExprType.null
    if !l.isInvalid && !r.isInvalid {
      if let result = Self.arithmeticType(op, l.type, r.type) {
        type = result
      } else {
        error(
          "type mismatch: cannot apply '\(op.rawValue)' to \(l.type) and \(r.type)",
          at: syntax.offset)
      }
    }
    return node(.binary(op, l, r), type, syntax, [l, r])
  }

  /// The type of `a op b`, nil when the operator does not apply.
  static func arithmeticType(_ op: BinaryOperator, _ a: ExprType, _ b: ExprType) -> ExprType? {
    if a.isNumeric && b.isNumeric {
      return op == .divide ? .decimal : .numericResult(a, b)
    }
    switch (op, a, b) {
    case (.add, .date, .integer), (.add, .integer, .date), (.subtract, .date, .integer):
      return .date
    case (.subtract, .date, .date):
      return .integer
    case (_, .null, .null):
      return .null
    case (_, .null, let other), (_, let other, .null):
      if other.isNumeric { return op == .divide ? .decimal : .numericResult(other, other) }
      // `date ± null` may be a date or a number of days; the value is null either way.
      return other == .date && (op == .add || op == .subtract) ? .null : nil
    default:
      return nil
    }
  }

  private func checkComparison(
    _ op: BinaryOperator, _ lhs: Syntax, _ rhs: Syntax, _ syntax: Syntax
  ) -> Checked {
    var l = check(lhs)
    var r = check(rhs)
    if l.isInvalid || r.isInvalid {
      return node(.binary(op, l, r), .boolean, syntax, [l, r])
    }
    if case .null = lhs.kind {
      nullComparison(op, syntax)
    } else if case .null = rhs.kind {
      nullComparison(op, syntax)
    } else {
      r = coerce(r, toCompareWith: l.type)
      l = coerce(l, toCompareWith: r.type)
      if l.isInvalid || r.isInvalid {
        // coerce reported the literal
      } else if !ExprType.areComparable(l.type, r.type) {
        error(mismatch(l, r), at: syntax.offset)
      } else if (l.type == .boolean || r.type == .boolean), op != .equal, op != .notEqual {
        error(
          "type mismatch: booleans can only be compared with '==' or '!=', not '\(op.rawValue)'",
          at: syntax.offset)
      }
    }
    return node(.binary(op, l, r), .boolean, syntax, [l, r])
  }

  /// `x == null` is always null, never true: point the author at `is null`.
  private func nullComparison(_ op: BinaryOperator, _ syntax: Syntax) {
    let suggestion = op == .notEqual ? "is not null" : "is null"
    error(
      "comparing with null with '\(op.rawValue)' is always null; use '\(suggestion)'",
      at: syntax.offset)
  }

  /// "type mismatch: cannot compare decimal with string", with a hint when a string literal
  /// was meant as a date or time, or a list was meant for `in`.
  private func mismatch(_ l: Checked, _ r: Checked) -> String {
    var message = "type mismatch: cannot compare \(l.type) with \(r.type)"
    for (typed, literal) in [(l.type, r), (r.type, l)] {
      guard case .constant(.string(let text), .none) = literal.kind else { continue }
      if typed == .date, ValueParser.parseDate(text[...]) != nil {
        message += "; write date('\(text)')"
      } else if typed == .time, ValueParser.parseTime(text[...]) != nil {
        message += "; write time('\(text)')"
      }
    }
    if case .list = r.type { message += "; use 'in' to test membership" }
    return message
  }

  /// A string constant compared with a grade or weekday becomes that grade or weekday
  /// (`年级 == '初一'`); an unparsable one is an error at the literal. Other nodes pass.
  func coerce(_ node: Checked, toCompareWith type: ExprType) -> Checked {
    guard type == .grade || type == .weekday, case .constant(.string(let text), _) = node.kind
    else { return node }
    guard let number = Self.parse(text, as: type, system: scope.gradeSystem) else {
      error("'\(text)' is not a \(type)", at: node.offset)
      return Checked(kind: .invalid, type: type, offset: node.offset, start: node.start)
    }
    return Checked(
      kind: .constant(.int(Int64(number)), spelling: nil), type: type, offset: node.offset,
      start: node.start)
  }

  /// A grade or weekday written as text.
  static func parse(_ text: String, as type: ExprType, system: GradeSystem) -> Int? {
    let trimmed = ValueParser.trim(text[...])
    return type == .grade
      ? ValueParser.parseGrade(trimmed, system: system) : ValueParser.parseWeekday(trimmed)
  }

  // MARK: - Lists and membership

  private func checkList(_ elements: [Syntax], _ syntax: Syntax) -> Checked {
    var checked = elements.map(check)
    let type = unify(&checked, what: "list elements")
    return node(.list(checked), .list(type), syntax, checked)
  }

  /// The one type of `nodes` (list elements, coalesce/min/max arguments): numbers mix
  /// (integer with decimal is decimal), null fits anything, and string constants become the
  /// grade or weekday they stand with. A node that does not fit is an error at that node.
  func unify(_ nodes: inout [Checked], what: String) -> ExprType {
    let special = Set(nodes.map(\.type).filter { $0 == .grade || $0 == .weekday })
    if special.count == 1, let target = special.first {
      nodes = nodes.map { coerce($0, toCompareWith: target) }
    }
    var result = ExprType.null
    for node in nodes where !node.isInvalid && node.type != .null {
      if result == .null || result == node.type {
        result = node.type
      } else if result.isNumeric && node.type.isNumeric {
        result = .numericResult(result, node.type)
      } else {
        error(
          "type mismatch: \(what) must share a type, found \(result) and \(node.type)",
          at: node.start)
      }
    }
    return result
  }

  private func checkMembership(_ lhs: Syntax, _ rhs: Syntax, negated: Bool, _ syntax: Syntax)
    -> Checked
  {
    let l = check(lhs)
    var r: Checked
    if case .member(let base, let member, let memberOffset) = rhs.kind {
      r = checkMember(base, member, memberOffset: memberOffset, rhs, afterIn: true)
    } else {
      r = checkAny(rhs)
    }
    let result = { (r: Checked) in
      self.node(.membership(l, r, negated: negated), .boolean, syntax, [l, r])
    }
    guard !l.isInvalid, !r.isInvalid else { return result(r) }
    guard case .list(var element) = r.type else {
      error(
        "'\(negated ? "not in" : "in")' needs a list, a $list or dataset.column on the right, found \(r.type)",
        at: r.start)
      return result(r)
    }
    if (l.type == .grade || l.type == .weekday) && element == .string {
      r = coerceElements(r, to: l.type)
      element = l.type
    }
    if !r.isInvalid, !ExprType.areComparable(l.type, element) {
      error("type mismatch: cannot look for \(l.type) in \(r.type)", at: syntax.offset)
    }
    return result(r)
  }

  /// The elements of a string list read as grades or weekdays.
  private func coerceElements(_ list: Checked, to type: ExprType) -> Checked {
    var coerced = list
    coerced.type = .list(type)
    switch list.kind {
    case .list(let elements):
      let converted = elements.map { coerce($0, toCompareWith: type) }
      for node in converted where node.type == .string {
        error("type mismatch: cannot look for \(type) in list<string>", at: node.start)
      }
      coerced.kind = .list(converted)
    case .namedList(let name, let values):
      var numbers: [Value] = []
      for value in values {
        guard case .string(let text) = value else {
          numbers.append(value)
          continue
        }
        if let number = Self.parse(text, as: type, system: scope.gradeSystem) {
          numbers.append(.int(Int64(number)))
        } else {
          error("'\(text)' in '$\(name)' is not a \(type)", at: list.offset)
        }
      }
      coerced.kind = .namedList(name, numbers)
    default:
      error("type mismatch: cannot look for \(type) in \(list.type)", at: list.start)
      return Checked(kind: .invalid, type: .null, offset: list.offset, start: list.start)
    }
    return coerced
  }
}
