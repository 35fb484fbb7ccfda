// Tests for ScalarOffsetMap: every scalar style, written in real YAML, maps value offsets back
// to the file line and column where that character was typed.

import ComplyCore
import Testing

@testable import ComplyYAML

/// The scalar under `key` in the root mapping of `text`.
private func scalar(_ key: String, in text: String) throws -> YAMLScalar {
  let root = try #require(try parse(text))
  return try #require(root[key]?.scalar)
}

/// Where offset `offset` of `scalar.value` maps, as `FILE:LINE:COLUMN`.
private func at(_ offset: Int, _ scalar: YAMLScalar) -> String {
  scalar.location(ofOffset: offset).description
}

@Test func plainSingleLineOffsetsMapDirectly() throws {
  let when = try scalar("when", in: "rule:\n  x: 1\nwhen: 金额 > '100'\n")
  #expect(when.value == "金额 > '100'")
  #expect(at(0, when) == "t.yaml:3:7")
  #expect(at(5, when) == "t.yaml:3:12")
  #expect(at(9, when) == "t.yaml:3:16")
}

@Test func singleQuotedOffsetsSkipTheOpeningQuote() throws {
  let when = try scalar("when", in: "when: '金额 > 100'\n")
  #expect(at(0, when) == "t.yaml:1:8")
  #expect(at(5, when) == "t.yaml:1:13")
}

@Test func doubledSingleQuotesAreMappedByScanning() throws {
  let when = try scalar("when", in: "when: 'it''s > x'\n")
  #expect(when.value == "it's > x")
  #expect(at(1, when) == "t.yaml:1:9")
  #expect(at(2, when) == "t.yaml:1:10")
  #expect(at(3, when) == "t.yaml:1:12")
  #expect(at(7, when) == "t.yaml:1:16")
}

@Test func doubleQuotedEscapesAreMappedByScanning() throws {
  let when = try scalar("when", in: "when: \"a\\tb > \\u91D1额\"\n")
  #expect(when.value == "a\tb > 金额")
  #expect(at(0, when) == "t.yaml:1:8")
  #expect(at(1, when) == "t.yaml:1:9")
  #expect(at(2, when) == "t.yaml:1:11")
  #expect(at(6, when) == "t.yaml:1:15")
  #expect(at(7, when) == "t.yaml:1:21")
}

@Test func quotedScalarsSpanningLinesFoldToTheirSourceLines() throws {
  let text = "when: \"x > 1 and\n  y < 2\n\n  z\"\n"
  let when = try scalar("when", in: text)
  #expect(when.value == "x > 1 and y < 2\nz")
  #expect(at(6, when) == "t.yaml:1:14")
  #expect(at(10, when) == "t.yaml:2:3")
  #expect(at(14, when) == "t.yaml:2:7")
  #expect(at(16, when) == "t.yaml:4:3")
}

@Test func escapedLineBreaksJoinWithoutASpace() throws {
  let when = try scalar("when", in: "when: \"abc\\\n    def\"\n")
  #expect(when.value == "abcdef")
  #expect(at(2, when) == "t.yaml:1:10")
  #expect(at(3, when) == "t.yaml:2:5")
}

@Test func literalBlockLinesMapOneToOne() throws {
  let text = """
    rule:
      when: |
        金额 > 100
        and 年级 = '三'
      id: r

    """
  let root = try #require(try parse(text))
  let when = try #require(root["rule"]?["when"]?.scalar)
  #expect(when.value == "金额 > 100\nand 年级 = '三'\n")
  #expect(at(when.location) == "t.yaml:2:9")
  #expect(at(0, when) == "t.yaml:3:5")
  #expect(at(5, when) == "t.yaml:3:10")
  #expect(at(9, when) == "t.yaml:4:5")
  #expect(at(13, when) == "t.yaml:4:9")
}

@Test func literalBlockWithIndentationIndicatorKeepsExtraSpaces() throws {
  let when = try scalar("when", in: "when: |1\n   x\n  y\n")
  #expect(when.value == "  x\n y\n")
  #expect(at(2, when) == "t.yaml:2:4")
  #expect(at(5, when) == "t.yaml:3:3")
}

@Test func literalBlockLeadingEmptyLinesKeepTheirLineNumbers() throws {
  let when = try scalar("when", in: "when: |  # comment\n\n  x\n\n  y\n")
  #expect(when.value == "\nx\n\ny\n")
  #expect(at(1, when) == "t.yaml:3:3")
  #expect(at(4, when) == "t.yaml:5:3")
}

@Test func foldedBlockMapsThroughFoldedLines() throws {
  let text = """
    when: >
      x > 1
      and y

      z
        more
      end

    """
  let when = try scalar("when", in: text)
  #expect(when.value == "x > 1 and y\nz\n  more\nend\n")
  #expect(at(4, when) == "t.yaml:2:7")
  #expect(at(6, when) == "t.yaml:3:3")
  #expect(at(12, when) == "t.yaml:5:3")
  #expect(at(14, when) == "t.yaml:6:3")
  #expect(at(21, when) == "t.yaml:7:3")
}

@Test func multiLinePlainScalarsMapThroughFoldedLines() throws {
  let text = "when: x > 1   \n    and 金额 < 2\n\n  or z\nid: r\n"
  let when = try scalar("when", in: text)
  #expect(when.value == "x > 1 and 金额 < 2\nor z")
  #expect(at(4, when) == "t.yaml:1:11")
  #expect(at(6, when) == "t.yaml:2:5")
  #expect(at(10, when) == "t.yaml:2:9")
  #expect(at(17, when) == "t.yaml:4:3")
}

@Test func offsetsAreClampedToTheValue() throws {
  let when = try scalar("when", in: "when: 'ab'\n")
  #expect(at(-3, when) == "t.yaml:1:8")
  #expect(at(2, when) == "t.yaml:1:10")
  #expect(at(50, when) == "t.yaml:1:10")
}

@Test func simpleScalarsUseAShiftInsteadOfRuns() throws {
  #expect(try scalar("a", in: "a: x y\n").offsetMap.runs == nil)
  #expect(try scalar("a", in: "a: 'x y'\n").offsetMap.runs == nil)
  #expect(try scalar("a", in: "a: 'x''y'\n").offsetMap.runs?.count == 2)
}

@Test func unreproducibleTextFallsBackToTheScalarStart() {
  let raw = Array("\"abc\"".unicodeScalars)
  let map = ScalarOffsetMap.build(style: .doubleQuoted, value: "xyz!", raw: raw, line: 4, column: 9)
  #expect(map.runs == [])
  let start = SourceLocation(file: "t.yaml", line: 4, column: 9)
  let scalar = YAMLScalar(value: "xyz!", style: .doubleQuoted, location: start, offsetMap: map)
  #expect(scalar.location(ofOffset: 2) == start)
}
