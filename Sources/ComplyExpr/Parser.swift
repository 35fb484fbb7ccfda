// Parser: recursive descent over the lexer's tokens, one function per precedence level
// (SPEC §2.3, loosest first: or, and, not, comparison, + -, * / %, unary -).
//
// Error recovery: after a syntax error the parser is "recovering" and reports nothing more
// until it next matches an expected `)`, `]` or `,`; that keeps one typo from producing a
// cascade while still reporting independent errors in separate argument lists or brackets.

/// Builds a `Syntax` tree from tokens.
struct Parser {
  private let tokens: [Token]
  private var index = 0
  private var recovering = false
  private(set) var errors: [ExprError] = []

  /// Parses `source`; the errors include the lexer's.
  static func parse(_ source: String) -> (syntax: Syntax, errors: [ExprError]) {
    let (tokens, lexicalErrors) = Lexer.tokenize(source)
    var parser = Parser(tokens: tokens)
    let syntax = parser.parseExpression()
    if parser.current.kind != .end {
      parser.report("expected end of expression but found \(parser.current.description)")
    }
    let errors = (lexicalErrors + parser.errors).sorted { $0.offset < $1.offset }
    return (syntax, errors)
  }

  private init(tokens: [Token]) {
    self.tokens = tokens
  }

  // MARK: - Token access

  private var current: Token { tokens[index] }

  private func peek(_ ahead: Int) -> Token {
    tokens[min(index + ahead, tokens.count - 1)]
  }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if token.kind != .end { index += 1 }
    return token
  }

  private mutating func take(_ kind: Token.Kind) -> Bool {
    guard current.kind == kind else { return false }
    index += 1
    return true
  }

  /// Records a syntax error unless recovering from one; at text the lexer already reported,
  /// only starts recovering.
  private mutating func report(_ message: String, at offset: Int? = nil) {
    defer { recovering = true }
    guard !recovering, current.kind != .invalid else { return }
    errors.append(ExprError(message: "syntax error: " + message, offset: offset ?? current.offset))
  }

  /// Consumes `punct` or reports what was found instead; a match ends error recovery.
  private mutating func expect(_ punct: Punct, hint: String = "") {
    if take(.punct(punct)) {
      recovering = false
    } else {
      report("expected '\(punct.rawValue)' but found \(current.description)\(hint)")
    }
  }

  // MARK: - Precedence levels

  private mutating func parseExpression() -> Syntax { parseOr() }

  private mutating func parseOr() -> Syntax {
    var lhs = parseAnd()
    while current.kind == .keyword(.or) {
      let op = advance()
      let rhs = parseAnd()
      lhs = Syntax(kind: .binary(.or, lhs, rhs), offset: op.offset, start: lhs.start)
    }
    return lhs
  }

  private mutating func parseAnd() -> Syntax {
    var lhs = parseNot()
    while current.kind == .keyword(.and) {
      let op = advance()
      let rhs = parseNot()
      lhs = Syntax(kind: .binary(.and, lhs, rhs), offset: op.offset, start: lhs.start)
    }
    return lhs
  }

  private mutating func parseNot() -> Syntax {
    guard current.kind == .keyword(.not) else { return parseComparison() }
    let op = advance()
    let operand = parseNot()
    return Syntax(kind: .not(operand), offset: op.offset, start: op.offset)
  }

  /// One comparison at most: `a < b < c` is an error, not `(a < b) < c`.
  private mutating func parseComparison() -> Syntax {
    let lhs = parseAdditive()
    guard var result = parseComparisonTail(lhs) else { return lhs }
    while isComparisonAhead {
      report("comparison operators cannot be chained; combine comparisons with 'and'")
      result = parseComparisonTail(result) ?? result
    }
    return result
  }

  private var isComparisonAhead: Bool {
    switch current.kind {
    case .punct(let p): return BinaryOperator(p)?.isComparison ?? false
    case .keyword(.in), .keyword(.is): return true
    case .keyword(.not): return peek(1).kind == .keyword(.in)
    default: return false
    }
  }

  /// The comparison after `lhs`, or nil when no comparison operator follows.
  private mutating func parseComparisonTail(_ lhs: Syntax) -> Syntax? {
    let op = current
    switch op.kind {
    case .punct(let p):
      guard let binary = BinaryOperator(p), binary.isComparison else { return nil }
      index += 1
      let rhs = parseAdditive()
      return Syntax(kind: .binary(binary, lhs, rhs), offset: op.offset, start: lhs.start)
    case .keyword(.in):
      index += 1
      let rhs = parseAdditive()
      return Syntax(
        kind: .membership(lhs, rhs, negated: false), offset: op.offset, start: lhs.start)
    case .keyword(.not) where peek(1).kind == .keyword(.in):
      index += 2
      let rhs = parseAdditive()
      return Syntax(kind: .membership(lhs, rhs, negated: true), offset: op.offset, start: lhs.start)
    case .keyword(.is):
      index += 1
      let negated = take(.keyword(.not))
      if !take(.keyword(.null)) {
        report(
          "expected 'null' after '\(negated ? "is not" : "is")' but found \(current.description)")
      }
      return Syntax(kind: .isNull(lhs, negated: negated), offset: op.offset, start: lhs.start)
    default:
      return nil
    }
  }

  private mutating func parseAdditive() -> Syntax {
    var lhs = parseMultiplicative()
    while case .punct(let p) = current.kind, p == .plus || p == .minus,
      let op = BinaryOperator(p)
    {
      let token = advance()
      let rhs = parseMultiplicative()
      lhs = Syntax(kind: .binary(op, lhs, rhs), offset: token.offset, start: lhs.start)
    }
    return lhs
  }

  private mutating func parseMultiplicative() -> Syntax {
    var lhs = parseUnary()
    while case .punct(let p) = current.kind, p == .star || p == .slash || p == .percent,
      let op = BinaryOperator(p)
    {
      let token = advance()
      let rhs = parseUnary()
      lhs = Syntax(kind: .binary(op, lhs, rhs), offset: token.offset, start: lhs.start)
    }
    return lhs
  }

  private mutating func parseUnary() -> Syntax {
    guard current.kind == .punct(.minus) else { return parsePrimary() }
    let op = advance()
    let operand = parseUnary()
    return Syntax(kind: .negate(operand), offset: op.offset, start: op.offset)
  }

  // MARK: - Primaries

  private mutating func parsePrimary() -> Syntax {
    let token = current
    func leaf(_ kind: Syntax.Kind) -> Syntax {
      index += 1
      return Syntax(kind: kind, offset: token.offset, start: token.offset)
    }
    switch token.kind {
    case .integer(let value): return leaf(.integer(value))
    case .decimal(let value): return leaf(.decimal(value))
    case .string(let text): return leaf(.string(text))
    case .keyword(.true): return leaf(.boolean(true))
    case .keyword(.false): return leaf(.boolean(false))
    case .keyword(.null): return leaf(.null)
    case .variable(let name): return leaf(.variable(name))
    case .identifier(let name):
      index += 1
      if current.kind == .punct(.leftParen) { return parseCall(name, at: token.offset) }
      return parseMember(name, at: token.offset)
    case .quotedName(let name):
      index += 1
      return parseMember(name, at: token.offset)
    case .punct(.leftParen):
      index += 1
      let inner = parseExpression()
      expect(.rightParen, hint: current.kind == .punct(.comma) ? "; write lists as [a, b]" : "")
      return Syntax(kind: inner.kind, offset: inner.offset, start: token.offset)
    case .punct(.leftBracket):
      index += 1
      let elements = parseSequence(closing: .rightBracket)
      return Syntax(kind: .list(elements), offset: token.offset, start: token.offset)
    default:
      report("expected an expression but found \(token.description)")
      switch token.kind {
      case .end, .punct(.rightParen), .punct(.rightBracket), .punct(.comma): break
      default: index += 1
      }
      return Syntax(kind: .invalid, offset: token.offset, start: token.offset)
    }
  }

  /// `name` or `name.member` after `name` has been consumed.
  private mutating func parseMember(_ name: String, at offset: Int) -> Syntax {
    guard current.kind == .punct(.dot) else {
      return Syntax(kind: .name(name), offset: offset, start: offset)
    }
    index += 1
    let member = current
    switch member.kind {
    case .identifier(let text), .quotedName(let text):
      index += 1
      return Syntax(
        kind: .member(name, text, memberOffset: member.offset), offset: offset, start: offset)
    default:
      report("expected a column name after '\(name).' but found \(member.description)")
      return Syntax(kind: .invalid, offset: offset, start: offset)
    }
  }

  private mutating func parseCall(_ name: String, at offset: Int) -> Syntax {
    index += 1  // (
    if current.kind == .punct(.star), peek(1).kind == .punct(.rightParen) {
      report("write '\(name)()' instead of '\(name)(*)'", at: offset)
      index += 2
      return Syntax(kind: .call(name, []), offset: offset, start: offset)
    }
    let arguments = parseSequence(closing: .rightParen)
    return Syntax(kind: .call(name, arguments), offset: offset, start: offset)
  }

  /// Comma-separated expressions up to and including `closing` (whose opener is consumed).
  private mutating func parseSequence(closing: Punct) -> [Syntax] {
    var elements: [Syntax] = []
    if take(.punct(closing)) { return elements }
    while true {
      elements.append(parseExpression())
      if take(.punct(.comma)) {
        recovering = false
        continue
      }
      expect(closing)
      return elements
    }
  }
}
