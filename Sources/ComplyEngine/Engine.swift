// Engine: runs a compiled pack over a data folder. The plan: select the rules; find each
// dataset's files; load the datasets that rules look into (joins, `in dataset.column`,
// expected groups) once into hashed tables; then stream every dataset that has rules exactly
// once, feeding each row to all of its rules, row and aggregate alike; finally judge the
// groups and order the violations by rule, file and line.

public import ComplyCore
import ComplyCSV
import ComplyExpr
public import ComplyRules
import Foundation

/// What a check is asked to do.
public struct CheckOptions: Sendable {
  public var dataDirectory: String
  /// `--encoding`: forces the encoding of every data file.
  public var encoding: String?
  /// Mask `pii: true` columns (default on; `--no-mask` turns it off).
  public var mask: Bool
  /// `--rule`: rule ids or globs (`FEE-*`); empty selects all.
  public var rulePatterns: [String]
  /// `--category`: categories; empty selects all.
  public var categories: [String]
  /// Secret for fingerprints (COMPLY_FINGERPRINT_SECRET).
  public var fingerprintSecret: String?
  /// The date `$today` stands for and waivers are judged against.
  public var today: Day
  /// `--waivers`, compiled.
  public var waivers: WaiverSet
  /// Where the waivers came from, for expired-waiver findings.
  public var waiversFile: String?
  /// `--baseline`: the report to reconcile with.
  public var baseline: Baseline?
  /// The command line, recorded in the provenance.
  public var commandLine: [String]
  /// Called with (bytes read, total bytes, rows read) about every MiB while files stream.
  public var progress: (@Sendable (Int, Int, Int) -> Void)?

  public init(
    dataDirectory: String, today: Day, encoding: String? = nil, mask: Bool = true,
    rulePatterns: [String] = [], categories: [String] = [], fingerprintSecret: String? = nil,
    waivers: WaiverSet = WaiverSet(), waiversFile: String? = nil, baseline: Baseline? = nil,
    commandLine: [String] = [], progress: (@Sendable (Int, Int, Int) -> Void)? = nil
  ) {
    self.today = today
    self.waivers = waivers
    self.waiversFile = waiversFile
    self.baseline = baseline
    self.commandLine = commandLine
    self.dataDirectory = dataDirectory
    self.encoding = encoding
    self.mask = mask
    self.rulePatterns = rulePatterns
    self.categories = categories
    self.fingerprintSecret = fingerprintSecret
    self.progress = progress
  }
}

public enum Engine {
  /// Runs the selected rules of `pack` over the data folder.
  public static func check(_ pack: CompiledPack, options: CheckOptions) throws(ComplyError) -> CheckResult {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: options.dataDirectory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ComplyError("data folder '\(options.dataDirectory)' does not exist")
    }
    let selected = try select(pack.rules, patterns: options.rulePatterns, categories: options.categories)
    let dataFiles = DataFiles.list(options.dataDirectory)
    let forced = try options.encoding.map { (name: String) throws(ComplyError) in try TextEncoding(name: name) }

    // Which files each dataset has; rules whose datasets are absent and optional are skipped.
    var files: [String: [InputFile]] = [:]
    var missing: [String] = []
    var errors = DiagnosticBag()
    let needed = Set(selected.flatMap { [$0.dataset.name] + $0.lookupDatasets })
    for name in needed.sorted() {
      guard let spec = pack.pack.datasets[name] else { continue }
      let found = inputFiles(spec, root: options.dataDirectory, listing: dataFiles, forced: forced)
      if found.isEmpty {
        if spec.optional { missing.append(name) } else {
          errors.add(missingMessage(spec, root: options.dataDirectory), at: spec.location)
        }
      }
      files[name] = found
    }
    try errors.throwIfAny()
    var skipped: [(rule: String, reason: String)] = []
    let runnable = selected.filter { rule in
      guard let absent = ([rule.dataset.name] + rule.lookupDatasets.sorted()).first(where: missing.contains) else {
        return true
      }
      skipped.append((rule.rule.id, "dataset \(absent) not provided"))
      return false
    }

    let collector = FindingCollector()
    let streamed = Set(runnable.map(\.dataset.name))
    var summaries: [String: DatasetSummary] = [:]
    let totalBytes = files.values.joined().reduce(0) { $0 + $1.size }
    var progress = ProgressCounter(total: totalBytes, report: options.progress)

    // Lookup tables, loaded once.
    var store = LookupStore()
    // Digests for the provenance are computed on the other core while the files stream.
    let digests = DigestPool()
    var readFiles: [(dataset: String, path: String, file: String, rows: Int)] = []
    for name in Set(runnable.flatMap(\.lookupDatasets)).sorted() {
      guard let spec = pack.pack.datasets[name], let inputs = files[name] else { continue }
      let sink = streamed.contains(name) ? FindingCollector() : collector
      var rows: [ParsedRow] = []
      for input in inputs {
        let before = rows.count
        rows += try readRows(input, spec: spec, findings: sink, progress: &progress)
        if !streamed.contains(name) {
          digests.start(input.path)
          readFiles.append((name, input.display, input.path, rows.count - before))
        }
      }
      store.tables[name] = LookupTable(dataset: spec, rows: rows)
      if !streamed.contains(name) {
        summaries[name] = DatasetSummary(files: inputs.map(\.display), rows: rows.count)
      }
    }

    // One streaming pass per dataset, every rule of it fed each row.
    let builder = ViolationBuilder(
      mask: options.mask, fingerprinter: Fingerprinter(secret: options.fingerprintSecret))
    var violations: [Violation] = []
    for name in streamed.sorted() {
      guard let spec = pack.pack.datasets[name], let inputs = files[name] else { continue }
      let runners = try runnable.filter { $0.dataset.name == name }.map { (rule: CompiledRule) throws(ComplyError) in
        RuleRunner(
          rule: rule, lookups: try store.bind(rule), builder: builder,
          waivers: options.waivers.byRule[rule.rule.id] ?? [])
      }
      var rows = 0
      for input in inputs {
        let before = rows
        try read(input, spec: spec, findings: collector, progress: &progress) { row in
          rows += 1
          for runner in runners { runner.consume(row) }
        }
        digests.start(input.path)
        readFiles.append((name, input.display, input.path, rows - before))
      }
      for runner in runners {
        runner.finish()
        violations += runner.violations
      }
      summaries[name] = DatasetSummary(files: inputs.map(\.display), rows: rows)
    }
    var findings = collector.findings
    for e in options.waivers.expired {
      findings.append(
        Finding(
          code: "waiver.expired", severity: .warning, file: options.waiversFile ?? e.location.file,
          line: e.location.line, column: nil, text: nil,
          message: "the waiver of '\(e.rule)' expired on \(e.expires) and waives nothing"))
    }
    var ordered = sortViolations(violations)
    let resolved = options.baseline?.reconcile(&ordered) ?? []
    let provenance = Provenance(
      toolVersion: ComplyVersion.current, commandLine: options.commandLine, today: options.today,
      ruleFiles: try pack.pack.files.map { (path: String) throws(ComplyError) in (path, try FileDigest.sha256(path)) },
      dataFiles: try readFiles.map { (f) throws(ComplyError) in
        (f.dataset, f.path, try digests.result(f.file), f.rows)
      })
    return CheckResult(
      rules: runnable, violations: ordered, findings: findings,
      datasets: summaries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, skippedRules: skipped,
      resolved: resolved, provenance: provenance)
  }

  /// Rules chosen by `--rule` and `--category`; a pattern that matches nothing is an error.
  public static func select(_ rules: [CompiledRule], patterns: [String], categories: [String] = [])
    throws(ComplyError) -> [CompiledRule]
  {
    var selected = rules
    if !patterns.isEmpty {
      for pattern in patterns where !rules.contains(where: { globMatches($0.rule.id, pattern) }) {
        throw ComplyError("no rule matches '\(pattern)'\(Suggestion.hint(for: pattern, in: rules.map(\.rule.id)))")
      }
      selected = selected.filter { r in patterns.contains { globMatches(r.rule.id, $0) } }
    }
    if !categories.isEmpty {
      for category in categories where !rules.contains(where: { $0.rule.category == category }) {
        throw ComplyError("no rule has category '\(category)'\(Suggestion.hint(for: category, in: Set(rules.map(\.rule.category))))")
      }
      selected = selected.filter { categories.contains($0.rule.category) }
    }
    return selected
  }

  /// Orders violations by rule id, then file, then line; groups without rows last, ties by
  /// their group values and then by the order they were found. The keys are computed once per
  /// violation (rule ids and files as ranks), not inside the comparator.
  static func sortViolations(_ violations: [Violation]) -> [Violation] {
    struct SortKey {
      var rule: Int
      /// Files without a rank (expected groups) sort after every file.
      var file: Int
      var line: Int
      var group: String
      var offset: Int
    }
    func ranks(_ names: some Sequence<String>) -> [String: Int] {
      Dictionary(uniqueKeysWithValues: Set(names).sorted().enumerated().map { ($1, $0) })
    }
    let ruleRanks = ranks(violations.lazy.map(\.ruleID))
    let fileRanks = ranks(violations.lazy.compactMap(\.file))
    let keys = violations.enumerated().map { offset, v in
      SortKey(
        rule: ruleRanks[v.ruleID] ?? 0, file: v.file.flatMap { fileRanks[$0] } ?? Int.max,
        line: v.line ?? Int.max,
        group: v.group?.map(\.value).joined(separator: "\u{1F}") ?? "", offset: offset)
    }
    return keys.sorted { x, y in
      if x.rule != y.rule { return x.rule < y.rule }
      if x.file != y.file { return x.file < y.file }
      if x.line != y.line { return x.line < y.line }
      return x.group != y.group ? x.group < y.group : x.offset < y.offset
    }.map { violations[$0.offset] }
  }

  // MARK: - Files

  struct InputFile {
    var path: String
    var display: String
    var size: Int
    var options: CSVOptions
  }

  static func inputFiles(_ spec: DatasetSpec, root: String, listing: [String], forced: TextEncoding?) -> [InputFile] {
    var options = CSVOptions()
    options.delimiter = spec.delimiter
    options.encoding = forced ?? spec.encoding
    switch spec.source {
    case .files(let globs):
      return listing.filter { path in globs.contains { DataFiles.matches(path, glob: $0) } }.map { relative in
        let full = (root as NSString).appendingPathComponent(relative)
        return InputFile(path: full, display: relative, size: fileSize(full), options: options)
      }
    case .packFile(let absolute, let relative):
      guard FileManager.default.fileExists(atPath: absolute) else { return [] }
      options.encoding = spec.encoding
      return [InputFile(path: absolute, display: relative, size: fileSize(absolute), options: options)]
    }
  }

  static func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
  }

  static func missingMessage(_ spec: DatasetSpec, root: String) -> String {
    switch spec.source {
    case .files(let globs):
      return "no file under '\(root)' matches dataset '\(spec.name)' (files: \(globs.joined(separator: ", ")))"
    case .packFile(_, let relative):
      return "dataset '\(spec.name)': pack file '\(relative)' does not exist"
    }
  }

  /// Every well-formed row of one file, kept (for lookup tables).
  static func readRows(
    _ input: InputFile, spec: DatasetSpec, findings: FindingCollector, progress: inout ProgressCounter
  ) throws(ComplyError) -> [ParsedRow] {
    var rows: [ParsedRow] = []
    try read(input, spec: spec, findings: findings, progress: &progress) { row in
      rows.append(ParsedRow(values: row.values, file: row.file, line: row.line))
    }
    return rows
  }

  /// Streams one file, calling `body` with each well-formed row.
  static func read(
    _ input: InputFile, spec: DatasetSpec, findings: FindingCollector, progress: inout ProgressCounter,
    _ body: (ParsedRow) throws(ComplyError) -> Void
  ) throws(ComplyError) {
    let reader = try CSVReader(path: input.path, displayPath: input.display, options: input.options)
    let decoder = try RowDecoder(dataset: spec, header: reader.header, headerLine: reader.headerLine, file: input.display)
    let row = ParsedRow(columnCount: spec.columns.count, file: input.display)
    var lastBytes = 0
    var rows = 0
    while try reader.next() {
      rows += 1
      if decoder.decode(reader.record, into: row, findings: findings) { try body(row) }
      if reader.bytesRead - lastBytes >= 1 << 20 {
        progress.advance(reader.bytesRead - lastBytes, rows: rows)
        lastBytes = reader.bytesRead
        rows = 0
      }
    }
    progress.advance(reader.bytesRead - lastBytes, rows: rows)
    findings.summarize(file: input.display)
  }
}

/// Forwards bytes-read progress to the caller's callback.
struct ProgressCounter {
  let total: Int
  let report: (@Sendable (Int, Int, Int) -> Void)?
  var done = 0
  var rows = 0

  mutating func advance(_ bytes: Int, rows newRows: Int) {
    done += bytes
    rows += newRows
    report?(done, total, rows)
  }
}
