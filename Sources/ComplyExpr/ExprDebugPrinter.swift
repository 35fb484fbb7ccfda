// ExprDebugPrinter: one-line dumps of parse trees and checked trees, for tests and for
// debugging rules: `(金额~decimal > 0~integer)~boolean`. Every operator node is parenthesised,
// so the dump shows how the expression grouped.

import ComplyCore

/// Renders expressions as trees: untyped after parsing, typed after checking.
public enum ExprDebugPrinter {
  /// The parse tree of `source` (`(a > 0)`), or its syntax errors, one `offset: message` per
  /// line.
  public static func syntax(_ source: String) -> String {
    let (syntax, errors) = Parser.parse(source)
    return errors.isEmpty ? render(syntax) : describe(errors)
  }

  /// The checked tree of `source` with every node's type (`(金额~decimal > 0~integer)~boolean`),
  /// or every error, one `offset: message` per line.
  public static func checked(_ source: String, in scope: Scope, expecting: ExprType? = nil)
    -> String
  {
    let (checked, errors) = Frontend.check(source, in: scope, expecting: expecting)
    return errors.isEmpty ? render(checked) : describe(errors)
  }

  private static func describe(_ errors: [ExprError]) -> String {
    errors.map { "\($0.offset): \($0.message)" }.joined(separator: "\n")
  }

  // MARK: - Syntax trees

  static func render(_ syntax: Syntax) -> String {
    switch syntax.kind {
    case .integer(let i): return String(i)
    case .decimal(let d): return d.description
    case .string(let s): return quote(s)
    case .boolean(let b): return String(b)
    case .null: return "null"
    case .name(let name): return name
    case .variable(let name): return "$" + name
    case .member(let base, let member, _): return base + "." + member
    case .list(let elements): return "[" + elements.map(render).joined(separator: ", ") + "]"
    case .call(let name, let arguments):
      return name + "(" + arguments.map(render).joined(separator: ", ") + ")"
    case .negate(let x): return "(-" + render(x) + ")"
    case .not(let x): return "(not " + render(x) + ")"
    case .binary(let op, let l, let r): return "(\(render(l)) \(op.rawValue) \(render(r)))"
    case .isNull(let x, let negated):
      return "(\(render(x)) is \(negated ? "not " : "")null)"
    case .membership(let l, let r, let negated):
      return "(\(render(l)) \(negated ? "not in" : "in") \(render(r)))"
    case .invalid: return "<invalid>"
    }
  }

  // MARK: - Checked trees

  /// The typed dump of a checked node; also the key that identifies an aggregate's argument.
  static func render(_ node: Checked) -> String {
    let body: String
    switch node.kind {
    case .constant(let value, let spelling): body = spelling ?? literal(value)
    case .reference(_, let name): body = name
    case .exists(_, let name): body = "exists(\(name))"
    case .list(let elements): body = "[" + elements.map(render).joined(separator: ", ") + "]"
    case .namedList(let name, _): body = "$" + name
    case .datasetColumn(let dataset, let column): body = dataset + "." + column
    case .negate(let x): body = "(-" + render(x) + ")"
    case .not(let x): body = "(not " + render(x) + ")"
    case .binary(let op, let l, let r): body = "(\(render(l)) \(op.rawValue) \(render(r)))"
    case .isNull(let x, let negated): body = "(\(render(x)) is \(negated ? "not " : "")null)"
    case .membership(let l, let r, let negated):
      body = "(\(render(l)) \(negated ? "not in" : "in") \(render(r)))"
    case .call(let builtin, let arguments):
      body = builtin.rawValue + "(" + arguments.map(render).joined(separator: ", ") + ")"
    case .matches(let text, _, let pattern): body = "matches(\(render(text)), \(quote(pattern)))"
    case .aggregate(_, let name, let argument, _):
      body = name + "(" + (argument.map(render) ?? "") + ")"
    case .invalid: body = "<invalid>"
    }
    return body + "~" + node.type.description
  }

  /// A value as a literal: `'text'`, `date('2020-09-01')`, `200.50`.
  static func literal(_ value: Value) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .decimal(let d): return d.description
    case .string(let s): return quote(s)
    case .date(let d): return "date('\(d)')"
    case .time(let t): return "time('\(t)')"
    }
  }

  static func quote(_ text: String) -> String {
    var out = "'"
    for c in text.unicodeScalars {
      switch c {
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "'"
  }
}
