// Tests for the errors YAMLParser reports, each with its exact FILE:LINE:COLUMN: libyaml syntax
// and encoding errors, anchors and aliases (including an alias bomb), duplicate and
// non-scalar keys, several documents, and the depth, node-count and size limits.

import ComplyCore
import Testing

@testable import ComplyYAML

// MARK: - libyaml errors

@Test func unterminatedQuoteIsReportedAtTheEndOfInput() {
  #expect(
    failure("a: \"abc\nb: 2\n")?.lines == [
      "t.yaml:3:1: yaml: found unexpected end of stream while scanning a quoted scalar"
        + " (started at line 1, column 4)"
    ])
}

@Test func badIndentationIsReportedAtTheStrayColon() {
  #expect(
    failure("a: 1\n b: 2\n")?.lines == [
      "t.yaml:2:3: yaml: mapping values are not allowed in this context"
    ])
}

@Test func tabIndentationIsReportedAtTheTab() {
  #expect(
    failure("a:\n\tb: 1\n")?.lines == [
      "t.yaml:2:1: yaml: found character that cannot start any token"
        + " while scanning for the next token"
    ])
  #expect(
    failure("rules:\n  - id: r1\n\t  when: x\n")?.lines == [
      "t.yaml:3:1: yaml: found a tab character that violates indentation"
        + " while scanning a plain scalar (started at line 2, column 9)"
    ])
}

@Test func brokenBlockListIsReportedAtTheStrayKey() {
  #expect(
    failure("a:\n  - b\n  c: 1\n")?.lines == [
      "t.yaml:3:3: yaml: did not find expected '-' indicator"
        + " while parsing a block collection (started at line 2, column 3)"
    ])
}

@Test func invalidUTF8IsALocatedError() {
  #expect(
    failure(Array("a: x".utf8) + [0xFF, 0x0A])?.lines == [
      "t.yaml:1:5: yaml: invalid leading UTF-8 octet (0xFF)"
    ])
  let withBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 金".utf8) + [0xC0, 0x0A]
  #expect(failure(withBOM)?.diagnostics.map { at($0.location) } == ["t.yaml:2:5"])
  #expect(
    failure(Array("a: 1\nb: ".utf8) + [0xE9, 0x87])?.lines == [
      "t.yaml:2:4: yaml: incomplete UTF-8 octet sequence"
    ])
}

@Test func controlCharactersAreALocatedError() {
  #expect(
    failure("k: 1\nv: x\u{1}\n")?.lines == [
      "t.yaml:2:5: yaml: control characters are not allowed (0x01)"
    ])
}

@Test func utf16InputIsRejected() {
  #expect(
    failure([0xFF, 0xFE, 0x61, 0x00])?.lines == [
      "t.yaml:1:1: file is UTF-16; rule files must be UTF-8"
    ])
}

// MARK: - Anchors and aliases

@Test func aliasesAreRejectedAtTheAlias() {
  #expect(
    failure("a: 1\nb: *x\n")?.lines == ["t.yaml:2:4: YAML aliases are not supported (found '*x')"])
}

@Test func anchorsAreRejectedAtTheAnchor() {
  #expect(
    failure("base: &b {x: 1}\n")?.lines == [
      "t.yaml:1:7: YAML aliases are not supported (found anchor '&b')"
    ])
  #expect(failure("k: !!str &s v\n")?.diagnostics.map { at($0.location) } == ["t.yaml:1:10"])
  #expect(failure("a: &x\n  k: v\n")?.diagnostics.map { at($0.location) } == ["t.yaml:1:4"])
  #expect(failure("- !!seq &l [1]\n")?.diagnostics.map { at($0.location) } == ["t.yaml:1:9"])
}

@Test func mergeKeysAreRejected() {
  #expect(
    failure("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")?.lines == [
      "t.yaml:1:7: YAML aliases are not supported (found anchor '&b')",
      "t.yaml:3:7: YAML aliases are not supported (found '*b')",
    ])
}

@Test func billionLaughsIsRejectedWithoutExpansion() {
  var lines = ["a: &a [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]"]
  let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
  for (previous, name) in zip(names, names.dropFirst()) {
    lines.append(
      "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",")
        + "]")
  }
  let error = failure(lines.joined(separator: "\n") + "\n")
  #expect(error?.diagnostics.count == 9 + 8 * 9)
  #expect(
    error?.sorted.first?.description
      == "t.yaml:1:4: YAML aliases are not supported (found anchor '&a')")
  #expect(
    error?.sorted[1].description == "t.yaml:2:4: YAML aliases are not supported (found anchor '&b')"
  )
  #expect(error?.sorted[2].description == "t.yaml:2:8: YAML aliases are not supported (found '*a')")
}

@Test func collectingStopsAtTheReportLimit() {
  let text = "a: [" + Array(repeating: "*x", count: 500).joined(separator: ", ") + "]\n"
  #expect(failure(text)?.diagnostics.count == ComplyError.reportLimit)
}

// MARK: - Keys

@Test func duplicateKeysAreReportedAtTheSecondKey() {
  #expect(
    failure("a: 1\nb: 2\na: 3\n")?.lines == ["t.yaml:3:1: duplicate key 'a' (first at line 1)"])
  #expect(
    failure("rules:\n  - id: x\n    'id': y\n  - 规则: 1\n    规则: 2\n")?.lines == [
      "t.yaml:3:5: duplicate key 'id' (first at line 2)",
      "t.yaml:5:5: duplicate key '规则' (first at line 4)",
    ])
  #expect(
    failure("{a: 1, b: 2, a: 3}")?.lines == ["t.yaml:1:14: duplicate key 'a' (first at line 1)"])
}

@Test func nonScalarKeysAreRejected() {
  #expect(failure("? [a, b]\n: 1\n")?.lines == ["t.yaml:1:3: mapping keys must be scalars"])
  #expect(failure("x: 1\n? {k: v}\n: 2\n")?.lines == ["t.yaml:2:3: mapping keys must be scalars"])
}

// MARK: - Documents and limits

@Test func secondDocumentIsRejectedAtItsStart() {
  let message = "a second YAML document is not allowed (one document per file)"
  #expect(failure("a: 1\n---\nb: 2\n")?.lines == ["t.yaml:2:1: \(message)"])
  #expect(failure("--- a\n# c\n--- b\n")?.lines == ["t.yaml:3:1: \(message)"])
}

@Test func nestingDeeperThan64IsRejected() throws {
  let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
  #expect(failure(deep)?.lines == ["t.yaml:1:65: YAML nesting is deeper than 64 levels"])
  let allowed = String(repeating: "[", count: 64) + "x" + String(repeating: "]", count: 64)
  var node = try #require(try parse(allowed))
  for _ in 0..<64 { node = try #require(node[0]) }
  #expect(node.scalar?.value == "x")
  #expect(at(node.location) == "t.yaml:1:65")
}

@Test func nestingLimitCountsBlockCollections() {
  let text = "a:\n  b:\n    - c: 1\n"
  #expect(
    failure(text, limits: .init(maxDepth: 2))?.lines == [
      "t.yaml:3:5: YAML nesting is deeper than 2 levels"
    ])
  #expect(failure(text, limits: .init(maxDepth: 4)) == nil)
}

@Test func moreThanTheNodeLimitIsRejected() {
  #expect(
    failure("[1, 2, 3]", limits: .init(maxNodes: 3))?.lines == [
      "t.yaml:1:8: file has more than 3 YAML nodes"
    ])
  #expect(failure("[1, 2, 3]", limits: .init(maxNodes: 4)) == nil)
}

@Test func moreThanAMillionNodesIsRejected() {
  let text = "[" + String(repeating: "0,", count: 1_000_000) + "]"
  #expect(
    failure(text)?.lines == ["t.yaml:1:2000000: file has more than 1000000 YAML nodes"])
}

@Test func inputOver16MiBIsRejected() {
  let big = [UInt8](repeating: 0x20, count: 16 << 20 + 1)
  #expect(failure(big)?.lines == ["t.yaml:1:1: file is larger than 16 MiB"])
  let exact = Array("# comment".utf8) + [UInt8](repeating: 0x20, count: (16 << 20) - 9)
  #expect(failure(exact) == nil)
  #expect(
    failure("a: 12345", limits: .init(maxBytes: 7))?.lines == [
      "t.yaml:1:1: file is larger than 7 bytes"
    ])
}
