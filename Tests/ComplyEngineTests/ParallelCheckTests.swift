// Several workers give the report one worker gives: the same violations (lines, groups, keys,
// fingerprints), the same data findings in the same order with the same caps, the same row
// counts. Files are cut into batches of a few rows so every rule's state is merged, and the
// data has quoted newlines, invalid cells past the per-column cap, malformed rows and group
// keys spelled differently across files. A dataset of many similar files is handed out a whole
// file per worker instead, and must give the same report, and the same error when files are
// broken.

import ComplyCore
@testable import ComplyEngine
import Foundation
import Testing

struct ParallelCheckTests {
  static let rules = """
    datasets:
      fees:
        files: ["收费/*.csv"]
        key: [学籍号, 日期]
        columns: {学籍号: string, 项目: string, 金额: decimal, 日期: date, 备注: string}
      items:
        files: ["items.csv"]
        columns: {项目: string}
    rules:
      - id: OVER
        dataset: fees
        forbid: 金额 > 100
        message: "{学籍号} {金额} {备注}"
      - id: CAP
        dataset: fees
        group_by: [学籍号]
        compute: {合计: sum(金额), 最少: min(金额), 最多: max(金额), 项数: count_distinct(项目), 笔数: count()}
        require: 合计 <= 150
        message: "{学籍号} {合计} {最少} {最多} {项数} {笔数}"
      - id: EVERY-ITEM
        dataset: fees
        group_by: [学籍号, 项目]
        expect: {dataset: items, per: [学籍号]}
        compute: {笔数: count()}
        require: 笔数 >= 1
        message: "{学籍号} {项目} {笔数}"
      - id: SAME-AMOUNT
        dataset: fees
        group_by: [金额]
        compute: {笔数: count()}
        require: 笔数 <= 2
        message: "{金额} {笔数}"

    """

  /// Three files: quoted newlines shift the lines, 30 bad dates overflow the cap of 20, two
  /// rows have the wrong number of fields, and amounts are spelled 50, 50.0 and 50.00.
  static var files: [String: String] {
    var a = "学籍号,项目,金额,日期,备注\n"
    for i in 0..<60 {
      let amount = i % 12 == 0 ? "bad\(i)" : ["50", "50.0", "120", "7.5", "50.00"][i % 5]
      let note = i % 7 == 0 ? "\"第一行\n第二行\"" : "备注\(i)"
      let date = i % 2 == 1 ? "nodate\(i)" : "2024-03-\(String(format: "%02d", i % 28 + 1))"
      a += "S\(i % 9),项目\(i % 4),\(amount),\(date),\(note)\n"
    }
    a += "S1,项目1,10\n"
    var b = "学籍号,项目,金额,日期,备注\n"
    for i in 0..<40 {
      let amount = i % 3 == 0 ? "x\(i)" : ["50.00", "99", "150", "50"][i % 4]
      b += "S\((i * 5) % 11),项目\(i % 3),\(amount),2024-04-\(String(format: "%02d", i % 28 + 1)),\n"
    }
    b += "S2,项目1,10,2024-04-01,a,b\n"
    return ["items.csv": "项目\n项目0\n项目1\n项目2\n项目3\n项目9\n", "收费/a.csv": a, "收费/b.csv": b, "收费/c.csv": "学籍号,项目,金额,日期,备注\nS3,项目9,200,2024-05-01,\"x\ny\"\n"]
  }

  /// Everything the reports show of a result.
  func rendered(_ r: CheckResult) -> [String] {
    r.violations.map { v in
      "\(v.summary) lines=\(v.lines) group=\((v.group ?? []).map { "\($0.column)=\($0.value)" }) "
        + "key=\((v.key ?? []).map { "\($0.column)=\($0.value)" }) \(v.fingerprint)"
    }
      + r.findings.map { "\($0.code) \($0.file ?? "-"):\($0.line.map(String.init) ?? "-") \($0.column ?? "-") \($0.message)" }
      + r.datasets.map { "\($0.name) \($0.summary.files) \($0.summary.rows)" }
  }

  func run(workers: Int, batchRows: Int) throws -> [String] {
    let ws = try Workspace(rules: Self.rules, files: Self.files)
    return rendered(
      try ws.check { options in
        options.workers = workers
        options.batchRows = batchRows
      })
  }

  @Test func oneWorkerReportsWhatTheDataHolds() throws {
    let one = try run(workers: 1, batchRows: 4096)
    // Line numbers count the quoted newlines before them.
    #expect(one.contains { $0.hasPrefix("OVER 收费/a.csv:5 S2 120 备注2") })
    #expect(one.contains { $0.hasPrefix("OVER 收费/c.csv:2 S3 200 x\ny") })
    #expect(one.contains("data.invalid-value 收费/a.csv:- 日期 column '日期' has 30 invalid values; the first 20 are listed"))
    #expect(one.filter { $0.hasPrefix("data.invalid-value 收费/a.csv:") }.count == 5 + 20 + 1)
    #expect(one.filter { $0.hasPrefix("data.invalid-value 收费/b.csv:") }.count == 14)
    #expect(one.contains { $0.hasPrefix("data.malformed-row 收费/a.csv:") })
    // The amount 50 is first written 50.0; later rows write 50 and 50.00.
    #expect(one.contains { $0.hasPrefix("SAME-AMOUNT 收费/a.csv:4 50.0 45 ") })
    // S10 (only in b.csv) paid for 项目0 to 项目2: 项目3 and 项目9 are expected of it.
    #expect(one.contains { $0.hasPrefix("EVERY-ITEM -:- S10 项目3 0 ") })
    #expect(one.contains { $0.hasPrefix("EVERY-ITEM -:- S10 项目9 0 ") })
    #expect(!one.contains { $0.hasPrefix("EVERY-ITEM -:- S10 项目0 ") })
  }

  @Test(arguments: [(2, 1), (2, 3), (2, 7), (3, 2), (2, 4096)])
  func workersAgreeWithOneWorker(workers: Int, batchRows: Int) throws {
    let one = try run(workers: 1, batchRows: 4096)
    let many = try run(workers: workers, batchRows: batchRows)
    #expect(many == one)
  }

  /// Ten files of 14 to 18 rows written like the three above, the same students in several.
  static var manyFiles: [String: String] {
    var files = ["items.csv": files["items.csv"]!]
    for f in 0..<10 {
      var text = "学籍号,项目,金额,日期,备注\n"
      for i in 0..<(14 + f / 2) {
        let amount = (i + f) % 9 == 0 ? "bad\(i)" : ["50", "50.0", "120", "7.5", "50.00"][(i + f) % 5]
        let note = (i + f) % 7 == 0 ? "\"第一行\n第二行\"" : "备注\(i)"
        text += "S\((i * 3 + f) % 11),项目\(i % 4),\(amount),2024-03-\(String(format: "%02d", (i + f) % 28 + 1)),\(note)\n"
      }
      if f == 3 { text += "S1,项目1,10\n" }
      files["收费/f\(f).csv"] = text
    }
    return files
  }

  @Test func manySimilarFilesAreHandedOutWhole() {
    let sizes = { (files: [String: String]) in
      files.filter { $0.key.hasPrefix("收费/") }.map(\.value.utf8.count)
    }
    #expect(DatasetStream.handsOutWholeFiles(sizes: sizes(Self.manyFiles), workers: 2))
    #expect(DatasetStream.handsOutWholeFiles(sizes: sizes(Self.manyFiles), workers: 3) == false)
    #expect(DatasetStream.handsOutWholeFiles(sizes: sizes(Self.files), workers: 2) == false)
  }

  @Test func workersTakingWholeFilesAgreeWithOneWorker() throws {
    func run(_ workers: Int) throws -> [String] {
      let ws = try Workspace(rules: Self.rules, files: Self.manyFiles)
      return rendered(try ws.check { $0.workers = workers })
    }
    let one = try run(1)
    #expect(one.contains { $0.hasPrefix("data.malformed-row 收费/f3.csv:") })
    #expect(one.contains { $0.hasPrefix("CAP ") })
    #expect(try run(2) == one)
  }

  /// Two broken files: the one read first is reported, though the other fails sooner.
  @Test(arguments: [1, 2])
  func theFirstBrokenFileIsReported(workers: Int) throws {
    var files = Self.manyFiles
    files["收费/f1.csv"]! += "S1,项目1,10,2024-03-01,\"open\n"
    files["收费/f2.csv"] = "学籍号,项目,金额,日期,备注\nS1,项目1,10,2024-03-01,\"open\n"
    let sizes = files.filter { $0.key.hasPrefix("收费/") }.map(\.value.utf8.count)
    #expect(workers == 1 || DatasetStream.handsOutWholeFiles(sizes: sizes, workers: workers))
    let ws = try Workspace(rules: Self.rules, files: files)
    let error = #expect(throws: ComplyError.self) { try ws.check { $0.workers = workers } }
    #expect(error?.description.contains("收费/f1.csv") == true)
  }

  /// A data file that is a symbolic link counts its target's bytes, which decide the workers.
  @Test func aLinkedFileHasItsTargetsSize() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comply-link-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent("target.csv")
    try String(repeating: "x", count: 5000).write(to: target, atomically: true, encoding: .utf8)
    let link = folder.appendingPathComponent("link.csv").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target.path)
    #expect(Engine.fileSize(link) == 5000)
  }
}
