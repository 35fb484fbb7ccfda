// Checked: the typed tree the checker produces and the compiler and debug printer consume.
// Names are resolved to ValueRefs, literals coerced to their compared type, regexes compiled.

import ComplyCore
internal import Foundation

/// A type-checked expression node.
struct Checked {
  indirect enum Kind {
    /// A literal, a `$constant` or a coerced literal; `spelling` is how the printer shows it
    /// when it is not the value's own literal form.
    case constant(Value, spelling: String?)
    /// A column, join column, group column or computed name.
    case reference(ValueRef, name: String)
    /// `exists(join)`.
    case exists(join: Int, name: String)
    /// A list literal.
    case list([Checked])
    /// A `$list`, its values coerced to the element type.
    case namedList(String, [Value])
    /// `dataset.column` on the right of `in`.
    case datasetColumn(dataset: String, column: String)
    case negate(Checked)
    case not(Checked)
    case binary(BinaryOperator, Checked, Checked)
    case isNull(Checked, negated: Bool)
    case membership(Checked, Checked, negated: Bool)
    case call(Builtin, [Checked])
    /// `matches(text, 'regex')` with its regex compiled once.
    case matches(Checked, NSRegularExpression, pattern: String)
    /// An aggregate call; its argument is checked in the row scope, whose registry it keeps.
    case aggregate(AggregateKind, name: String, Checked?, rowRegistry: CompileRegistry)
    /// Where an error was reported; typed `null` so that nothing cascades from it.
    case invalid
  }

  var kind: Kind
  var type: ExprType
  /// The token errors about this node point at.
  var offset: Int
  /// The node's first token.
  var start: Int
  /// True when the value is read from a `pii: true` binding (templates mask it).
  var readsPII = false

  var isInvalid: Bool {
    if case .invalid = kind { return true }
    return false
  }

  /// The value of a constant node.
  var constantValue: Value? {
    if case .constant(let value, _) = kind { return value }
    return nil
  }

  static func invalid(at syntax: Syntax) -> Checked {
    Checked(kind: .invalid, type: .null, offset: syntax.offset, start: syntax.start)
  }
}

extension ExprType {
  /// integer, decimal, grade and weekday: they mix in arithmetic and comparisons.
  var isNumeric: Bool {
    switch self {
    case .integer, .decimal, .grade, .weekday: return true
    default: return false
    }
  }

  /// Types whose values have an order (`<`, `min`, `max`).
  var isOrdered: Bool {
    switch self {
    case .integer, .decimal, .grade, .weekday, .string, .date, .time: return true
    default: return false
    }
  }

  /// The type of arithmetic on numbers: decimal if either is, else integer.
  static func numericResult(_ a: ExprType, _ b: ExprType) -> ExprType {
    a == .decimal || b == .decimal ? .decimal : .integer
  }

  /// True when values of the two types can be tested for equality and, if ordered, compared.
  static func areComparable(_ a: ExprType, _ b: ExprType) -> Bool {
    if a == .null || b == .null { return true }
    if a.isNumeric && b.isNumeric { return true }
    switch (a, b) {
    case (.string, .string), (.date, .date), (.time, .time), (.boolean, .boolean): return true
    default: return false
    }
  }

  /// True when a value of type `self` may stand where `expected` is wanted.
  func isAssignable(to expected: ExprType) -> Bool {
    switch (self, expected) {
    case (.null, _): return true
    case (.integer, .decimal), (.grade, .integer), (.weekday, .integer), (.grade, .decimal),
      (.weekday, .decimal):
      return true
    default: return self == expected
    }
  }
}
