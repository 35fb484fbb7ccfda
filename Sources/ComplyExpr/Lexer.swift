// Lexer: turns expression text into tokens, each carrying the Unicode-scalar offset of its
// first scalar. Lexical errors are collected, and the lexer then emits the token the author
// most likely meant (`=` → `==`, `（` → `(`) or skips the character, so that parsing goes on
// and one pass reports every problem. In strings, `\\ \' \" \n \t` are escapes and any other
// backslash stays as written, so that regexes read naturally (`'^G\d{17}$'`).

import ComplyCore

/// A problem found in an expression, at a Unicode-scalar offset into its source.
struct ExprError: Equatable {
  var message: String
  var offset: Int
}

/// The reserved words; keywords are lowercase (`AND` is a name).
enum Keyword: String {
  case and, or, not, `in`, `is`, null, `true`, `false`
}

/// Operators and punctuation.
enum Punct: String {
  case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
  case comma = ",", dot = "."
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">="
  case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
}

/// One token and where it starts.
struct Token: Equatable {
  enum Kind: Equatable {
    case identifier(String)
    /// A backquoted name: `` `课时(节)` ``.
    case quotedName(String)
    /// `$name`.
    case variable(String)
    case integer(Int64)
    case decimal(ExactDecimal)
    case string(String)
    case keyword(Keyword)
    case punct(Punct)
    /// Text the lexer already reported; the parser reports nothing more about it.
    case invalid
    case end
  }

  var kind: Kind
  var offset: Int

  /// How the token reads in a syntax error.
  var description: String {
    switch kind {
    case .identifier(let name), .quotedName(let name): return "'\(name)'"
    case .variable(let name): return "'$\(name)'"
    case .integer(let value): return "'\(value)'"
    case .decimal(let value): return "'\(value)'"
    case .string(let text): return "string '\(text)'"
    case .keyword(let keyword): return "'\(keyword.rawValue)'"
    case .punct(let punct): return "'\(punct.rawValue)'"
    case .invalid: return "invalid text"
    case .end: return "end of expression"
    }
  }
}

/// Splits expression text into tokens.
struct Lexer {
  private let scalars: [Unicode.Scalar]
  private var position = 0
  private(set) var tokens: [Token] = []
  private(set) var errors: [ExprError] = []

  /// The tokens of `source`, ending with `.end`, and the lexical errors found.
  static func tokenize(_ source: String) -> (tokens: [Token], errors: [ExprError]) {
    var lexer = Lexer(scalars: Array(source.unicodeScalars))
    lexer.run()
    return (lexer.tokens, lexer.errors)
  }

  private init(scalars: [Unicode.Scalar]) {
    self.scalars = scalars
  }

  static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    return c.properties.isAlphabetic
  }

  static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return isIdentifierStart(c) || (c >= "0" && c <= "9") }
    return c.properties.isAlphabetic || c.properties.generalCategory == .decimalNumber
  }

  static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

  /// Full-width punctuation typed with a Chinese input method, and what was meant.
  static let fullWidth: [Unicode.Scalar: Punct] = [
    "（": .leftParen, "）": .rightParen, "［": .leftBracket, "］": .rightBracket,
    "【": .leftBracket, "】": .rightBracket, "，": .comma, "．": .dot, "＜": .less,
    "＞": .greater, "＋": .plus, "－": .minus, "＊": .star, "／": .slash, "％": .percent,
  ]
  /// Curly quotes and the quote that closes each.
  static let curlyQuotes: [Unicode.Scalar: Unicode.Scalar] = ["‘": "’", "“": "”"]

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    position + ahead < scalars.count ? scalars[position + ahead] : nil
  }

  private mutating func emit(_ kind: Token.Kind, at offset: Int) {
    tokens.append(Token(kind: kind, offset: offset))
  }

  private mutating func error(_ message: String, at offset: Int) {
    errors.append(ExprError(message: "syntax error: " + message, offset: offset))
  }

  private mutating func run() {
    while let c = peek() {
      let start = position
      if c.properties.isWhitespace {
        position += 1
      } else if Self.isIdentifierStart(c) {
        let name = scanWhile(Self.isIdentifierPart)
        emit(Keyword(rawValue: name).map(Token.Kind.keyword) ?? .identifier(name), at: start)
      } else if Self.isDigit(c) {
        scanNumber()
      } else if c == "'" || c == "\"" {
        position += 1
        emit(.string(scanString(closing: c, start: start)), at: start)
      } else if let closing = Self.curlyQuotes[c] {
        error("curly quote '\(c)' is not allowed; use ' or \"", at: start)
        position += 1
        emit(.string(scanString(closing: closing, start: start)), at: start)
      } else if c == "`" {
        position += 1
        emit(.quotedName(scanQuotedName(start: start)), at: start)
      } else if c == "$" {
        scanVariable()
      } else {
        scanOperator(c)
      }
    }
    emit(.end, at: scalars.count)
  }

  private mutating func scanWhile(_ accept: (Unicode.Scalar) -> Bool) -> String {
    var text = String.UnicodeScalarView()
    while let c = peek(), accept(c) {
      text.append(c)
      position += 1
    }
    return String(text)
  }

  private mutating func scanNumber() {
    let start = position
    var text = scanWhile(Self.isDigit)
    if peek() == ".", let next = peek(1), Self.isDigit(next) {
      position += 1
      text += "." + scanWhile(Self.isDigit)
      if let value = ExactDecimal(parsing: text) {
        emit(.decimal(value), at: start)
      } else {
        error("number '\(text)' has too many digits", at: start)
        emit(.decimal(ExactDecimal(0)), at: start)
      }
    } else if let value = Int64(text) {
      emit(.integer(value), at: start)
    } else {
      error("integer '\(text)' is too large", at: start)
      emit(.integer(0), at: start)
    }
  }

  /// Reads a string body after its opening quote, through the closing quote.
  private mutating func scanString(closing: Unicode.Scalar, start: Int) -> String {
    var text = String.UnicodeScalarView()
    while let c = peek() {
      position += 1
      if c == closing { return String(text) }
      guard c == "\\" else {
        text.append(c)
        continue
      }
      switch peek() {
      case "\\": text.append("\\")
      case "'": text.append("'")
      case "\"": text.append("\"")
      case "n": text.append("\n")
      case "t": text.append("\t")
      case let other?:
        // Any other escape stays as written, so that regexes read naturally: '^G\d+$'.
        text.append("\\")
        text.append(other)
      case nil:
        continue
      }
      position += 1
    }
    error("unterminated string", at: start)
    return String(text)
  }

  private mutating func scanQuotedName(start: Int) -> String {
    var text = String.UnicodeScalarView()
    while let c = peek() {
      position += 1
      if c == "`" {
        if text.isEmpty { error("empty name '``'", at: start) }
        return String(text)
      }
      text.append(c)
    }
    error("unterminated name: missing closing '`'", at: start)
    return String(text)
  }

  private mutating func scanVariable() {
    let start = position
    position += 1
    if peek() == "`" {
      position += 1
      emit(.variable(scanQuotedName(start: start + 1)), at: start)
    } else if let c = peek(), Self.isIdentifierPart(c) {
      emit(.variable(scanWhile(Self.isIdentifierPart)), at: start)
    } else {
      error("expected a list or constant name after '$'", at: start)
      emit(.invalid, at: start)
    }
  }

  private mutating func scanOperator(_ c: Unicode.Scalar) {
    let start = position
    let next = peek(1)
    position += 1
    /// Emits `punct`, consuming one more scalar when the operator is two long.
    func two(_ punct: Punct) {
      position += 1
      emit(.punct(punct), at: start)
    }
    switch c {
    case "(": emit(.punct(.leftParen), at: start)
    case ")": emit(.punct(.rightParen), at: start)
    case "[": emit(.punct(.leftBracket), at: start)
    case "]": emit(.punct(.rightBracket), at: start)
    case ",": emit(.punct(.comma), at: start)
    case ".": emit(.punct(.dot), at: start)
    case "+": emit(.punct(.plus), at: start)
    case "-": emit(.punct(.minus), at: start)
    case "*": emit(.punct(.star), at: start)
    case "/": emit(.punct(.slash), at: start)
    case "%": emit(.punct(.percent), at: start)
    case "=" where next == "=": two(.equal)
    case "=":
      error("'=' is not an operator; use '==' to compare", at: start)
      emit(.punct(.equal), at: start)
    case "!" where next == "=": two(.notEqual)
    case "!":
      error("'!' is not an operator; use 'not'", at: start)
      emit(.keyword(.not), at: start)
    case "<" where next == "=": two(.lessEqual)
    case "<" where next == ">":
      error("'<>' is not an operator; use '!='", at: start)
      two(.notEqual)
    case "<": emit(.punct(.less), at: start)
    case ">" where next == "=": two(.greaterEqual)
    case ">": emit(.punct(.greater), at: start)
    case "&" where next == "&":
      error("'&&' is not an operator; use 'and'", at: start)
      position += 1
      emit(.keyword(.and), at: start)
    case "|" where next == "|":
      error("'||' is not an operator; use 'or'", at: start)
      position += 1
      emit(.keyword(.or), at: start)
    default:
      if let punct = Self.fullWidth[c] {
        error("full-width '\(c)' is not allowed; use '\(punct.rawValue)'", at: start)
        emit(.punct(punct), at: start)
      } else {
        error("unexpected character '\(c)'", at: start)
        emit(.invalid, at: start)
      }
    }
  }
}
