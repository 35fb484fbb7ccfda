// Lexer and parser: precedence, literals, names and syntax errors, through the syntax dump.

import ComplyCore
import Testing

@testable import ComplyExpr

struct ParserTests {
  @Test(arguments: [
    ("金额 > 0", "(金额 > 0)"),
    ("a or b and c", "(a or (b and c))"),
    ("a and b or c and d", "((a and b) or (c and d))"),
    ("not a and b", "((not a) and b)"),
    ("not a == b", "(not (a == b))"),
    ("not not a", "(not (not a))"),
    ("a + b * c - d", "((a + (b * c)) - d)"),
    ("a - b - c", "((a - b) - c)"),
    ("a / b % c", "((a / b) % c)"),
    ("-a * b", "((-a) * b)"),
    ("- - 3", "(-(-3))"),
    ("(a + b) * c", "((a + b) * c)"),
    ("a + b >= c * 2", "((a + b) >= (c * 2))"),
    ("x in [1, 2, 3]", "(x in [1, 2, 3])"),
    ("x not in $禁收项目", "(x not in $禁收项目)"),
    ("x in fee_standards.项目", "(x in fee_standards.项目)"),
    ("x is null or y is not null", "((x is null) or (y is not null))"),
    ("a + 1 is null", "((a + 1) is null)"),
    ("not x in []", "(not (x in []))"),
    ("收费项目 in $禁收项目 and 金额 > 0", "((收费项目 in $禁收项目) and (金额 > 0))"),
    ("`课时(节)` >= 2", "(课时(节) >= 2)"),
    ("std.`标准 金额` > 0", "(std.标准 金额 > 0)"),
    ("$`上 限` + 1", "($上 限 + 1)"),
    ("len(trim(姓名)) == 0", "(len(trim(姓名)) == 0)"),
    ("count()", "count()"),
    ("coalesce(a, b, c)", "coalesce(a, b, c)"),
    ("200.50 + 3", "(200.50 + 3)"),
    ("'it\\'s' == \"say \\\"hi\\\"\\n\"", "('it\\'s' == 'say \"hi\"\\n')"),
    ("true != false", "(true != false)"),
    ("'^G\\d+$' == '\\\\d'", "('^G\\\\d+$' == '\\\\d')"),
    ("x == null", "(x == null)"),
    ("date('2020-09-01')", "date('2020-09-01')"),
    ("a_1 + _b", "(a_1 + _b)"),
    ("年级　==　7", "(年级 == 7)"),
  ])
  func parsesWithPrecedence(source: String, tree: String) {
    #expect(ExprDebugPrinter.syntax(source) == tree)
  }

  @Test func lexerTokensCarryScalarOffsets() {
    let (tokens, errors) = Lexer.tokenize("金额 >= 200.5 and `课时(节)` in $x")
    #expect(errors.isEmpty)
    #expect(tokens.map(\.offset) == [0, 3, 6, 12, 16, 24, 27, 29])
    #expect(tokens[2].kind == .decimal(ExactDecimal(parsing: "200.5")!))
    #expect(tokens[4].kind == .quotedName("课时(节)"))
    #expect(tokens[6].kind == .variable("x"))
    #expect(tokens[7].kind == .end)
  }

  @Test func keywordsAreLowercase() {
    let (tokens, _) = Lexer.tokenize("a AND b")
    #expect(tokens[1].kind == .identifier("AND"))
  }

  @Test(arguments: [
    ("金额 ↓= 0", "syntax error: '=' is not an operator; use '==' to compare"),
    ("a ↓&& b", "syntax error: '&&' is not an operator; use 'and'"),
    ("a ↓|| b", "syntax error: '||' is not an operator; use 'or'"),
    ("↓!a", "syntax error: '!' is not an operator; use 'not'"),
    ("a ↓<> b", "syntax error: '<>' is not an operator; use '!='"),
    ("↓（a + b)", "syntax error: full-width '（' is not allowed; use '('"),
    ("年级 == ↓‘初一’", "syntax error: curly quote '‘' is not allowed; use ' or \""),
    ("a == ↓'abc", "syntax error: unterminated string"),
    ("↓`abc", "syntax error: unterminated name: missing closing '`'"),
    ("a ↓# b", "syntax error: unexpected character '#'"),
    ("↓99999999999999999999 > 0", "syntax error: integer '99999999999999999999' is too large"),
    ("↓$ > 0", "syntax error: expected a list or constant name after '$'"),
    ("(a + b↓", "syntax error: expected ')' but found end of expression"),
    ("f(a, b↓", "syntax error: expected ')' but found end of expression"),
    ("[1, 2↓", "syntax error: expected ']' but found end of expression"),
    ("a >↓", "syntax error: expected an expression but found end of expression"),
    ("a > ↓)", "syntax error: expected an expression but found ')'"),
    ("a ↓b", "syntax error: expected end of expression but found 'b'"),
    (
      "a < b ↓< c",
      "syntax error: comparison operators cannot be chained; combine comparisons with 'and'"
    ),
    ("a ↓not b", "syntax error: expected end of expression but found 'not'"),
    ("a is ↓b", "syntax error: expected 'null' after 'is' but found 'b'"),
    ("a is not ↓1", "syntax error: expected 'null' after 'is not' but found '1'"),
    ("x in (1↓, 2)", "syntax error: expected ')' but found ','; write lists as [a, b]"),
    ("↓count(*) > 0", "syntax error: write 'count()' instead of 'count(*)'"),
    ("std.↓1 > 0", "syntax error: expected a column name after 'std.' but found '1'"),
  ])
  func syntaxErrors(marked: String, message: String) {
    let (source, offsets) = unmark(marked)
    #expect(ExprDebugPrinter.syntax(source) == "\(offsets[0]): \(message)")
  }

  @Test func independentSyntaxErrorsAreAllReported() {
    let (source, offsets) = unmark("f(a >↓, b ↓= 1, c <↓) and (d↓")
    let lines = ExprDebugPrinter.syntax(source).split(separator: "\n").map(String.init)
    #expect(
      lines == [
        "\(offsets[0]): syntax error: expected an expression but found ','",
        "\(offsets[1]): syntax error: '=' is not an operator; use '==' to compare",
        "\(offsets[2]): syntax error: expected an expression but found ')'",
        "\(offsets[3]): syntax error: expected ')' but found end of expression",
      ])
  }

  @Test func oneTypoDoesNotCascade() {
    let (source, offsets) = unmark("a > ↓> b and c")
    #expect(
      ExprDebugPrinter.syntax(source)
        == "\(offsets[0]): syntax error: expected an expression but found '>'")
  }
}
