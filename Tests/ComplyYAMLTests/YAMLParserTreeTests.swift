// Tests for the node tree YAMLParser builds: shape, order, scalar styles and the 1-based
// line/column of keys, values and list items, including Chinese text and byte order marks.

import ComplyCore
import Testing

@testable import ComplyYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Test func buildsMappingsListsAndScalarsInSourceOrder() throws {
  let text = """
    name: 年级检查
    rules:
      - id: r1
        when: 金额 > '100'
      - id: r2
    flags: [a, "b"]

    """
  let root = try #require(try parse(text))
  #expect(root.kindDescription == "a mapping")
  #expect(root.keys == ["name", "rules", "flags"])
  #expect(root["name"]?.scalar?.value == "年级检查")
  let rules = try #require(root["rules"])
  #expect(rules.kindDescription == "a list")
  #expect(rules.items.count == 2)
  #expect(rules[0]?.keys == ["id", "when"])
  #expect(rules[0]?["when"]?.scalar?.value == "金额 > '100'")
  #expect(rules[1]?["id"]?.scalar?.value == "r2")
  #expect(root["flags"]?.items.compactMap(\.scalar?.value) == ["a", "b"])
  #expect(root["flags"]?[1]?.scalar?.style == .doubleQuoted)
}

@Test func marksKeysValuesAndListItemsOneBased() throws {
  let text = """
    name: demo
    rules:
      - id: r1
        when: x > 1
      - id: r2
    flags: [a, b]

    """
  let root = try #require(try parse(text))
  #expect(at(root.location) == "t.yaml:1:1")
  #expect(at(root.key("name")?.location) == "t.yaml:1:1")
  #expect(at(root["name"]?.location) == "t.yaml:1:7")
  #expect(at(root.key("rules")?.location) == "t.yaml:2:1")
  #expect(at(root["rules"]?.location) == "t.yaml:3:3")
  #expect(at(root["rules"]?[0]?.location) == "t.yaml:3:5")
  #expect(at(root["rules"]?[0]?.key("when")?.location) == "t.yaml:4:5")
  #expect(at(root["rules"]?[0]?["when"]?.location) == "t.yaml:4:11")
  #expect(at(root["rules"]?[1]?["id"]?.location) == "t.yaml:5:9")
  #expect(at(root["flags"]?.location) == "t.yaml:6:8")
  #expect(at(root["flags"]?[1]?.location) == "t.yaml:6:12")
}

@Test func countsChineseCharactersAsOneColumnEach() throws {
  let text = """
    规则: x
    学生名单:
      - 张三: 一年级
    金额上限: '１００'

    """
  let root = try #require(try parse(text))
  #expect(at(root.key("规则")?.location) == "t.yaml:1:1")
  #expect(at(root["规则"]?.location) == "t.yaml:1:5")
  #expect(at(root["学生名单"]?[0]?["张三"]?.location) == "t.yaml:3:9")
  #expect(at(root["金额上限"]?.location) == "t.yaml:4:7")
  #expect(root["金额上限"]?.scalar?.value == "１００")
}

@Test func byteOrderMarkDoesNotShiftColumns() throws {
  let root = try #require(
    try YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("规则: x\nb: y\n".utf8), file: "t.yaml"))
  #expect(at(root["规则"]?.location) == "t.yaml:1:5")
  #expect(at(root["b"]?.location) == "t.yaml:2:4")
}

@Test func crlfCountsAsOneLineBreak() throws {
  let root = try #require(try parse("a: 1\r\nb: |\r\n  x > 1\r\n  y\r\nc: 3\r\n"))
  #expect(at(root["c"]?.location) == "t.yaml:5:4")
  let block = try #require(root["b"]?.scalar)
  #expect(block.value == "x > 1\ny\n")
  #expect(at(block.location(ofOffset: 6)) == "t.yaml:4:3")
}

@Test func recordsEachScalarStyle() throws {
  let text = """
    plain: a b
    single: 'a b'
    double: "a\\tb"
    literal: |
      a
      b
    folded: >
      a
      b

    """
  let root = try #require(try parse(text))
  #expect(root["plain"]?.scalar?.style == .plain)
  #expect(root["single"]?.scalar?.style == .singleQuoted)
  #expect(root["double"]?.scalar?.style == .doubleQuoted)
  #expect(root["double"]?.scalar?.value == "a\tb")
  #expect(root["literal"]?.scalar?.style == .literal)
  #expect(root["literal"]?.scalar?.value == "a\nb\n")
  #expect(root["folded"]?.scalar?.style == .folded)
  #expect(root["folded"]?.scalar?.value == "a b\n")
}

@Test func ignoresTagsAndLocatesTheScalarAfterThem() throws {
  let root = try #require(try parse("n: !!str 12\nm: !!map\n  k: v\n"))
  let n = try #require(root["n"]?.scalar)
  #expect(n.value == "12")
  #expect(at(n.location) == "t.yaml:1:10")
  #expect(at(n.location(ofOffset: 1)) == "t.yaml:1:11")
  #expect(root["m"]?["k"]?.scalar?.value == "v")
}

@Test func emptyFilesAndCommentOnlyDocumentsAreNil() throws {
  #expect(try parse("") == nil)
  #expect(try parse("# only a comment\n") == nil)
  #expect(try parse("---\n# only comments\n# here\n") == nil)
  #expect(try parse("--- # a comment\n...\n") == nil)
}

@Test func explicitNullsAndEmptyValuesAreScalars() throws {
  let root = try #require(try parse("a: ~\nb:\nc: ''\n"))
  #expect(root["a"]?.scalar?.isNull == true)
  #expect(root["b"]?.scalar?.isNull == true)
  #expect(root["c"]?.scalar?.isNull == false)
  #expect(try parse("~")?.scalar?.isNull == true)
}

@Test func aTopLevelScalarOrListIsReturnedAsIs() throws {
  #expect(try parse("hello")?.scalar?.value == "hello")
  #expect(try parse("- 1\n- 2\n")?.items.count == 2)
}

@Test func readsFilesAndNamesThemByDisplayPath() throws {
  let path = "/tmp/comply-yaml-test-\(getpid()).yaml"
  let file = try #require(fopen(path, "w"))
  fputs("a: 1\nb: [x]\n", file)
  fclose(file)
  defer { unlink(path) }
  let root = try #require(try YAMLParser.parse(path: path, displayPath: "rules/a.yaml"))
  #expect(at(root["b"]?[0]?.location) == "rules/a.yaml:2:5")
}

@Test func unreadableFilesReportWhy() {
  do {
    _ = try YAMLParser.parse(path: "/nonexistent/r.yaml", displayPath: "r.yaml")
    Issue.record("expected an error")
  } catch {
    #expect(error.description == "cannot read 'r.yaml': No such file or directory")
    #expect(error.diagnostics.first?.location == nil)
  }
  do {
    _ = try YAMLParser.parse(path: "/tmp", displayPath: "tmp")
    Issue.record("expected an error")
  } catch {
    #expect(error.description == "cannot read 'tmp': Is a directory")
  }
}
