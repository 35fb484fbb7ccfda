// Syntax: the untyped tree the parser builds. Every node keeps the offset of the token that
// errors about it point at (an operator, a name, a literal) and of its first token.

import ComplyCore

/// Binary operators, by their spelling.
enum BinaryOperator: String {
  case or, and
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">="
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

  var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
    default: return false
    }
  }

  var isLogical: Bool { self == .and || self == .or }

  init?(_ punct: Punct) {
    switch punct {
    case .equal: self = .equal
    case .notEqual: self = .notEqual
    case .less: self = .less
    case .lessEqual: self = .lessEqual
    case .greater: self = .greater
    case .greaterEqual: self = .greaterEqual
    case .plus: self = .add
    case .minus: self = .subtract
    case .star: self = .multiply
    case .slash: self = .divide
    case .percent: self = .remainder
    default: return nil
    }
  }
}

/// A parsed, unchecked expression node.
struct Syntax {
  indirect enum Kind {
    case integer(Int64)
    case decimal(ExactDecimal)
    case string(String)
    case boolean(Bool)
    case null
    /// A bare or backquoted name.
    case name(String)
    /// `$name`.
    case variable(String)
    /// `base.member`; `memberOffset` is where the member name starts.
    case member(String, String, memberOffset: Int)
    case list([Syntax])
    case call(String, [Syntax])
    case negate(Syntax)
    case not(Syntax)
    case binary(BinaryOperator, Syntax, Syntax)
    case isNull(Syntax, negated: Bool)
    case membership(Syntax, Syntax, negated: Bool)
    /// What the parser put where it found a syntax error.
    case invalid
  }

  var kind: Kind
  /// The token errors about this node point at: the operator, the name, the literal.
  var offset: Int
  /// The node's first token.
  var start: Int
}
