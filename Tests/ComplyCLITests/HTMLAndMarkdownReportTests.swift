// End-to-end tests of the Markdown and HTML reports: golden files on the basic fixture, the
// English labels, a self-contained and printable HTML page, hostile cell values (the xss
// fixture) coming out inert in both formats, and — where a `chromium` binary is installed — a
// real browser rendering the page to PNG and to PDF.

import Foundation
import Testing

struct HTMLAndMarkdownReportTests {
  let basic = CLI.fixtures.appendingPathComponent("basic")
  let xss = CLI.fixtures.appendingPathComponent("xss")

  func basicReport(_ format: String, lang: String) throws -> CLIResult {
    try CLI.run(
      ["check", "--rules", "rules", "--data", "data", "--today", "2020-12-01", "--format", format, "--lang", lang],
      in: basic)
  }

  func xssReport(_ format: String) throws -> String {
    let r = try CLI.run(
      ["check", "--rules", "rules.yaml", "--data", "data", "--today", "2020-12-01", "--format", format, "--lang", "zh"],
      in: xss)
    #expect(r.status == 1, "\(r.stderr)")
    return r.stdout
  }

  /// Every `<…>` tag of a document (user text never makes one: its `<` is escaped).
  func tags(_ html: String) -> [Substring] {
    var tags: [Substring] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
      tags.append(rest[open...close])
      rest = rest[rest.index(after: close)...]
    }
    return tags
  }

  @Test func markdownReportMatchesGolden() throws {
    let r = try basicReport("markdown", lang: "zh")
    #expect(r.status == 1)
    #expect(r.stderr == "comply: skipped HW-LONG: dataset homework not provided\n")
    assertSnapshot(r.stdout, named: "basic.md")
  }

  @Test func htmlReportMatchesGolden() throws {
    let r = try basicReport("html", lang: "zh")
    #expect(r.status == 1)
    assertSnapshot(r.stdout, named: "basic.html")
  }

  @Test func englishLabels() throws {
    let md = try basicReport("markdown", lang: "en").stdout
    #expect(md.hasPrefix("# Compliance report\n"))
    #expect(md.contains("## Violations\n"))
    #expect(md.contains("| file | line | message | owner | status |\n"))
    #expect(md.contains("- severity: error\n"))
    #expect(md.contains("## Skipped rules\n"))
    #expect(!md.contains("违规明细") && !md.contains("汇总") && !md.contains("检查依据"))
    let html = try basicReport("html", lang: "en").stdout
    #expect(html.contains("<html lang=\"en\">"))
    #expect(html.contains("<h2>Summary</h2>"))
    #expect(html.contains("<th>file:line</th><th>message</th><th>owner</th><th>status</th>"))
    #expect(!html.contains("违规明细") && !html.contains("汇总") && !html.contains("检查依据"))
  }

  @Test func htmlIsSelfContainedAndPrintable() throws {
    let html = try basicReport("html", lang: "zh").stdout
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"))
    #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
    for fetches in ["<script", "<link", "<img", "<iframe", "<object", "src=", "url(", "@import", "http:", "https:"] {
      #expect(!html.contains(fetches), "the page must fetch nothing: found \(fetches)")
    }
    for href in html.components(separatedBy: "href=\"").dropFirst() {
      #expect(href.hasPrefix("#"), "only links within the page")
    }
    for print in ["@page { size: A4;", "@media print", "thead { display: table-header-group; }", "\"Noto Sans CJK SC\""] {
      #expect(html.contains(print))
    }
    #expect(html.contains("<svg viewBox="))
    #expect(html.contains("<section class=\"rule\" id=\"rule-4\">"))
    #expect(html.contains("<dt>依据</dt><dd>《严禁中小学校和在职中小学教师有偿补课的规定》(教育部, 2015)</dd><dt>工作措施</dt><dd>全额退还</dd>"))
    #expect(html.contains("<td><span class=\"loc\">timetable.csv:2, 3, 5</span></td>"))
    #expect(html.contains("<dd><code>comply check --rules rules --data data --today 2020-12-01 --format html --lang zh</code></dd>"))
  }

  @Test func waivedPersistingAndResolvedAreShown() throws {
    let dir = try CLI.temporaryFolder("comply-md")
    defer { try? FileManager.default.removeItem(at: dir) }
    let baseline = dir.appendingPathComponent("baseline.json").path
    _ = try CLI.run(["check", "--rules", "rules", "--data", "data", "--format", "json", "--output", baseline], in: basic)
    // The same data without fees.csv's line 2 (the 补课费 charge): its violations are resolved.
    let data = dir.appendingPathComponent("data")
    try FileManager.default.copyItem(at: basic.appendingPathComponent("data"), to: data)
    let fees = data.appendingPathComponent("fees.csv")
    var lines = try String(contentsOf: fees, encoding: .utf8).components(separatedBy: "\r\n")
    lines.remove(at: 1)
    try lines.joined(separator: "\r\n").write(to: fees, atomically: true, encoding: .utf8)
    func report(_ format: String) throws -> String {
      try CLI.run(
        [
          "check", "--rules", "rules", "--data", data.path, "--baseline", baseline, "--waivers", "waivers/waivers.yaml",
          "--today", "2020-12-01", "--format", format, "--lang", "zh",
        ], in: basic
      ).stdout
    }
    let html = try report("html")
    #expect(html.contains("<tr class=\"waived\"><td><span class=\"loc\">timetable.csv:5</span></td><td>周末排课</td><td></td><td><span class=\"st st-waived\">已豁免</span></td></tr>"))
    #expect(html.contains("<td><span class=\"st st-persisting\">未整改</span></td>"))
    #expect(html.contains("<li><b>2</b>已豁免</li><li><b>3</b>已销账</li>"))
    let resolved = try #require(
      html.components(separatedBy: "<section class=\"resolved\">").dropFirst().first?.components(separatedBy: "</section>").first)
    #expect(resolved.contains("<h2>已销账的问题</h2>"))
    #expect(resolved.components(separatedBy: "<span class=\"st st-resolved\">已销账</span>").count - 1 == 3)
    #expect(html.contains("<tr><td><code>FEE-BANNED-ITEM</code></td><td><span class=\"loc\">fees.csv:2</span></td><td>张* 于 2020-09-03 被收取 补课费 200 元</td><td>李老师</td>"))
    let md = try report("markdown")
    #expect(md.contains("| timetable.csv | 5 | 周末排课 |  | 已豁免 |\n"))
    #expect(md.contains("| 未整改 |\n"))
    #expect(md.contains("## 已销账的问题\n\n| 规则 | 文件 | 行号 | 具体内容 | 责任人 |\n| --- | --- | --- | --- | --- |\n| FEE-BANNED-ITEM | fees.csv | 2 | 张\\* 于 2020-09-03 被收取 补课费 200 元 | 李老师 |\n"))
  }

  @Test func hostileValuesAreInertInHTML() throws {
    let html = try xssReport("html")
    #expect(!html.lowercased().contains("<script"))
    #expect(html.contains("<td>备注：&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&lt;script&gt;alert(2)&lt;/script&gt;</td>"))
    #expect(html.contains("<td>备注：&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td><td>&#39;&gt;&lt;svg onload=alert(3)&gt;</td>"))
    #expect(html.contains("<dd>依据 &lt;a href=&quot;http://example.invalid/&quot;&gt;链接&lt;/a&gt;</dd>"))
    let svg = try #require(html.range(of: "<svg").flatMap { start in html.range(of: "</svg>").map { html[start.lowerBound..<$0.upperBound] } })
    #expect(svg.contains(">整治 &lt;i&gt;问题&lt;/i&gt; `code` *粗* _斜_</text>"))
    #expect(svg.contains("aria-label=\"各整治问题违规数量\""))
    let allowed: Set<String> = [
      "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "ul",
      "li", "b", "figure", "svg", "rect", "text", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "a",
      "code", "span", "dl", "dt", "dd", "footer",
    ]
    for tag in tags(html) {
      let name = tag.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
      let closing = tag.hasPrefix("</") ? tag.dropFirst(2).prefix { $0 != ">" } : name
      #expect(allowed.contains(String(closing)), "unexpected tag \(tag)")
      #expect(!tag.contains("onerror") && !tag.contains("onload") && !tag.contains("javascript:"), "\(tag)")
    }
  }

  @Test func hostileValuesAreInertInMarkdown() throws {
    let md = try xssReport("markdown")
    #expect(!md.contains("<"), "no raw HTML at all")
    #expect(md.contains("| x.csv | 2 | 备注：&lt;script&gt;alert(1)&lt;/script&gt; | &lt;script&gt;alert(2)&lt;/script&gt; | 新增 |"))
    #expect(md.contains("| x.csv | 3 | 备注：\"&gt;&lt;img src=x onerror=alert(1)&gt; | '&gt;&lt;svg onload=alert(3)&gt; | 新增 |"))
    #expect(md.contains("### XSS-NOTE 备注 &lt;b&gt;不得&lt;/b&gt; \\| 为空 (3)\n"))
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| x.csv |") && $0.contains("备注") }
    #expect(rows.count == 3)
    for row in rows {
      // Five cells: six pipes that are not escaped; no markup character left unescaped.
      var unescaped: [Character: Int] = [:]
      var previous: Character = " "
      for c in row {
        if previous != "\\", "|`*_[]$".contains(c) { unescaped[c, default: 0] += 1 }
        previous = previous == "\\" ? " " : c
      }
      #expect(unescaped == ["|": 6], "\(row)")
    }
  }

  /// Renders the basic HTML report in headless Chromium to an A4-sized screenshot and to PDF.
  /// Without a `chromium` on PATH (CI installs the `chromium` and `fonts-noto-cjk` packages)
  /// the test records nothing and returns.
  @Test func browserRendersPNGAndPDF() throws {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let found = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("chromium") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    guard let chromium = found else { return }
    let dir = try CLI.temporaryFolder("comply-html")
    defer { try? FileManager.default.removeItem(at: dir) }
    let page = dir.appendingPathComponent("report.html")
    try basicReport("html", lang: "zh").stdout.write(to: page, atomically: true, encoding: .utf8)
    let png = dir.appendingPathComponent("report.png")
    let pdf = dir.appendingPathComponent("report.pdf")
    let common = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
      "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
    ]
    try runBrowser(chromium, common + ["--screenshot=\(png.path)", "--window-size=1240,1754", page.absoluteString])
    try runBrowser(chromium, common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString])
    let image = try Data(contentsOf: png)
    #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
    #expect(image.count > 50_000, "a blank page compresses to a few kB")
    let document = try Data(contentsOf: pdf)
    #expect(document.starts(with: Array("%PDF-".utf8)))
    #expect(document.count > 50_000, "text with embedded CJK glyphs")
  }

  /// Runs the browser to completion, or stops it after two minutes and records that.
  func runBrowser(_ executable: URL, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    if process.isRunning {
      process.terminate()
      Issue.record("chromium did not finish within two minutes: \(arguments)")
    }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "chromium \(arguments)")
  }
}
