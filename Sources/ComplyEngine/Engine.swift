// Engine: runs a compiled pack over a data folder. The plan: select the rules; find each
// dataset's files; load the datasets that rules look into (joins, `in dataset.column`,
// expected groups) once into hashed tables; then stream every dataset that has rules exactly
// once (DatasetStream: on every core for a large one), feeding each row to all of its rules,
// row and aggregate alike; merge the workers' results; finally judge the groups and order the
// violations by rule, file and line.

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
  /// `--jobs`: threads that check a dataset's rows; nil picks one per core for datasets of at
  /// least `Engine.parallelThreshold` bytes and one for smaller ones. The report is the same
  /// whatever the number.
  public var workers: Int?
  /// Records per batch handed to a worker (tests make it small to cut files into many batches).
  var batchRows = DatasetStream.batchRows

  public init(
    dataDirectory: String, today: Day, encoding: String? = nil, mask: Bool = true,
    rulePatterns: [String] = [], categories: [String] = [], fingerprintSecret: String? = nil,
    waivers: WaiverSet = WaiverSet(), waiversFile: String? = nil, baseline: Baseline? = nil,
    commandLine: [String] = [], progress: (@Sendable (Int, Int, Int) -> Void)? = nil,
    workers: Int? = nil
  ) {
    self.workers = workers
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
  /// Datasets smaller than this are checked on one thread: starting workers would cost more
  /// than it saves.
  static let parallelThreshold = 1 << 20
  /// Worker threads for a large dataset: one per core, at most 8.
  static let cores = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))

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

    let streamed = Set(runnable.map(\.dataset.name))
    var findings: [Finding] = []
    var summaries: [String: DatasetSummary] = [:]
    let totalBytes = files.values.joined().reduce(0) { $0 + $1.size }
    var progress = ProgressCounter(total: totalBytes, report: options.progress)

    // Lookup tables, loaded once. A dataset that is also checked reports its data findings
    // when it streams.
    var store = LookupStore()
    // The provenance: every data file read, its SHA-256 (computed as it streams) and rows.
    var readFiles: [(dataset: String, path: String, sha256: String, rows: Int)] = []
    // Datasets only tested with `x in dataset.column` keep those columns' value sets, not rows.
    let rowsNeeded = Set(runnable.flatMap { r in r.joins.map(\.dataset) + (r.aggregate?.expect.map { [$0.dataset] } ?? []) })
    for name in Set(runnable.flatMap(\.lookupDatasets)).sorted() {
      guard let spec = pack.pack.datasets[name], let inputs = files[name] else { continue }
      let setColumns = rowsNeeded.contains(name) ? nil : Set(runnable.flatMap { r in
        r.sets.filter { $0.dataset == name }.compactMap { spec.columnIndex($0.column) }
      })
      let read = try readRows(inputs, spec: spec, onlyColumns: setColumns, progress: &progress)
      store.tables[name] = read.table
      guard !streamed.contains(name) else { continue }
      findings += read.findings
      for (i, input) in inputs.enumerated() {
        readFiles.append((name, input.display, read.digests[i], read.rows[i]))
      }
      summaries[name] = DatasetSummary(files: inputs.map(\.display), rows: read.rows.reduce(0, +))
    }

    // One streaming pass per dataset, every rule of it fed each row. Large datasets are spread
    // over one worker per core, each with its own runners, merged when the dataset ends.
    let builder = ViolationBuilder(
      mask: options.mask, fingerprinter: Fingerprinter(secret: options.fingerprintSecret))
    // Each rule's violations, in the order the rules ran; sorted into one list at the end.
    var violations: [[Violation]] = []
    for name in streamed.sorted() {
      guard let spec = pack.pack.datasets[name], let inputs = files[name] else { continue }
      let rules = runnable.filter { $0.dataset.name == name }
      let bound = try rules.map { (rule: CompiledRule) throws(ComplyError) in try store.bind(rule) }
      let bytes = inputs.reduce(0) { $0 + $1.size }
      let workerCount = options.workers ?? (bytes >= Self.parallelThreshold ? Self.cores : 1)
      var runners: [[RuleRunner]] = []
      let workers = (0..<max(1, workerCount)).map { _ in
        let joins = RowJoinCache()
        let mine = zip(rules, bound).map { rule, lookups in
          RuleRunner(
            rule: rule, lookups: lookups, builder: builder,
            waivers: options.waivers.byRule[rule.rule.id] ?? [], joins: joins)
        }
        runners.append(mine)
        // Unmanaged: `runners` keeps them alive, so calling one need not retain and release
        // it (about 3 % of a run's samples, once per rule and row).
        let each = mine.map { Unmanaged.passUnretained($0) }
        return DatasetWorker(columnCount: spec.columns.count, fileCount: inputs.count) { window in
          for runner in each { runner._withUnsafeGuaranteedRef { $0.consume(window) } }
        }
      }
      let digests = try DatasetStream.run(
        inputs, spec: spec, workers: workers, progress: &progress, batchRows: options.batchRows)
      findings += FindingCollector.merged(workers.map(\.findings), dataset: spec)
      let names = inputs.map(\.display)
      // Each rule's runners are merged and its groups judged in steps, the steps of all rules
      // run together: on all cores when there are several workers.
      let steps = rules.indices.map { r in
        runners[0][r].finishing(absorbing: runners.dropFirst().map { $0[r] }, files: names)
      }
      Concurrently.run(steps, onAllCores: workers.count > 1)
      for runner in runners[0] {
        violations.append(runner.violations)
        runner.violations = []
      }
      let rows = DatasetWorker.rowsPerFile(workers)
      for (i, input) in inputs.enumerated() { readFiles.append((name, input.display, digests[i], rows[i])) }
      summaries[name] = DatasetSummary(files: names, rows: rows.reduce(0, +))
    }
    for e in options.waivers.expired {
      findings.append(
        Finding(
          code: "waiver.expired", severity: .warning, file: options.waiversFile ?? e.location.file,
          line: e.location.line, column: nil, text: nil,
          message: "the waiver of '\(e.rule)' expired on \(e.expires) and waives nothing"))
    }
    var ordered = sortViolations(consume violations)
    let resolved = options.baseline?.reconcile(&ordered) ?? []
    let provenance = Provenance(
      toolVersion: ComplyVersion.current, commandLine: options.commandLine, today: options.today,
      ruleFiles: try pack.pack.files.map { (path: String) throws(ComplyError) in (path, try FileDigest.sha256(path)) },
      dataFiles: readFiles.map { ($0.dataset, $0.path, $0.sha256, $0.rows) })
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

  /// Orders the violations of `parts` (each rule's, in the order the rules ran) by rule id, then
  /// file, then line; groups without rows last, ties by their group values and then by the
  /// order they were found. The keys are computed once per violation (rule ids and files as
  /// ranks), not inside the comparator, and hold no String, so sorting them retains nothing:
  /// only violations without a line (expected groups) can tie on rule, file and line, so only
  /// theirs have their group text made in advance.
  static func sortViolations(_ parts: consuming [[Violation]]) -> [Violation] {
    struct SortKey {
      var rule: Int
      /// Files without a rank (expected groups) sort after every file.
      var file: Int
      var line: Int
      /// The violation's place among all of them, part after part.
      var offset: Int
    }
    var parts = parts
    var starts: [Int] = []
    var count = 0
    for part in parts {
      starts.append(count)
      count += part.count
    }
    /// The violation at `offset`: in the last part that starts at or before it.
    func violation(_ offset: Int) -> Violation {
      let p = (starts.firstIndex { $0 > offset } ?? starts.count) - 1
      return parts[p][offset - starts[p]]
    }
    let rules = ranks(parts) { $0.ruleID }
    let files = ranks(parts) { $0.file }
    func groupText(_ v: Violation) -> String { v.group?.map(\.value).joined(separator: "\u{1F}") ?? "" }
    var keys: [SortKey] = []
    var tieTexts: [String?] = []
    keys.reserveCapacity(count)
    tieTexts.reserveCapacity(count)
    for part in parts {
      for i in part.indices {
        let k = keys.count
        let line = part[i].line
        keys.append(SortKey(rule: rules[k], file: files[k], line: line ?? Int.max, offset: k))
        tieTexts.append(line == nil ? groupText(part[i]) : nil)
      }
    }
    let order = keys.sorted { x, y in
      if x.rule != y.rule { return x.rule < y.rule }
      if x.file != y.file { return x.file < y.file }
      if x.line != y.line { return x.line < y.line }
      let a = tieTexts[x.offset] ?? groupText(violation(x.offset))
      let b = tieTexts[y.offset] ?? groupText(violation(y.offset))
      return a != b ? a < b : x.offset < y.offset
    }.map(\.offset)
    // Each violation is moved once, from the end of its part straight to its place. Copying
    // them into a new array retained every String (and freeing the old released them: 0.08 s
    // on one thread for the 140k violations of a 10M-row run, perf); concatenating the parts
    // and swapping the violations into place moved each 230-byte violation five to eight
    // times (70 perf samples for collecting and 20 for sorting at 10M rows, now ~25 for both).
    var place = [Int](repeating: 0, count: count)
    for (position, offset) in order.enumerated() { place[offset] = position }
    return [Violation](unsafeUninitializedCapacity: count) { sorted, initialized in
      var offset = count
      for p in parts.indices.reversed() {
        while let v = parts[p].popLast() {
          offset -= 1
          (sorted.baseAddress! + place[offset]).initialize(to: v)
        }
      }
      initialized = count
    }
  }

  /// Each violation's rank of `name` among the distinct names in sorted order, part after
  /// part; Int.max for none. A rule's violations come together, so a name is hashed once per
  /// run of equal names, not per violation (hashing non-ASCII text normalises it: file names
  /// here are Chinese, and hashing them per violation was most of sorting 140k violations).
  private static func ranks(_ parts: [[Violation]], _ name: (Violation) -> String?) -> [Int] {
    var distinct = Set<String>()
    var previous: String?
    for part in parts {
      for i in part.indices {
        guard let n = name(part[i]), n != previous else { continue }
        distinct.insert(n)
        previous = n
      }
    }
    let rankOf = Dictionary(uniqueKeysWithValues: distinct.sorted().enumerated().map { ($1, $0) })
    var last: (name: String, rank: Int)?
    var ranks: [Int] = []
    for part in parts {
      for i in part.indices {
        guard let n = name(part[i]) else {
          ranks.append(Int.max)
          continue
        }
        if n != last?.name { last = (n, rankOf[n] ?? Int.max) }
        ranks.append(last?.rank ?? Int.max)
      }
    }
    return ranks
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

  /// Every well-formed row of a dataset's files, kept (for lookup tables), with its data
  /// findings.
  static func readRows(
    _ inputs: [InputFile], spec: DatasetSpec, onlyColumns: Set<Int>? = nil, progress: inout ProgressCounter
  ) throws(ComplyError) -> (table: LookupTable, findings: [Finding], rows: [Int], digests: [String]) {
    guard let onlyColumns else {
      // Rows are kept in reading order (joins name the first of two equal keys): one worker.
      var rows: [ParsedRow] = []
      let worker = DatasetWorker(columnCount: spec.columns.count, fileCount: inputs.count) { window in
        for k in 0..<window.count {
          window.withRow(k) { row in
            rows.append(ParsedRow(values: row.values, file: row.file, fileIndex: row.fileIndex, line: row.line))
          }
        }
      }
      let digests = try DatasetStream.run(inputs, spec: spec, workers: [worker], progress: &progress)
      return (
        LookupTable(dataset: spec, rows: rows), FindingCollector.merged([worker.findings], dataset: spec),
        worker.rows, digests
      )
    }
    // A set does not care about order: a large dataset's values are gathered on every core.
    let bytes = inputs.reduce(0) { $0 + $1.size }
    let workerCount = bytes >= parallelThreshold ? cores : 1
    let gathered = (0..<workerCount).map { _ in ColumnValues() }
    let workers = gathered.map { mine in
      DatasetWorker(columnCount: spec.columns.count, fileCount: inputs.count) { window in
        for k in 0..<window.count {
          window.withRow(k) { row in
            for c in onlyColumns where !row.isNull(at: c) { mine.values[c, default: []].append(row.value(at: c)) }
          }
        }
      }
    }
    let digests = try DatasetStream.run(inputs, spec: spec, workers: workers, progress: &progress)
    var columns: [Int: [Value]] = [:]
    for part in gathered { columns.merge(part.values) { $0 + $1 } }
    let rows = DatasetWorker.rowsPerFile(workers)
    return (
      LookupTable(dataset: spec, sets: columns.mapValues { ValueSet($0) }),
      FindingCollector.merged(workers.map(\.findings), dataset: spec), rows, digests
    )
  }
}

/// One worker's non-null values of the columns a lookup keeps as sets.
private final class ColumnValues {
  var values: [Int: [Value]] = [:]
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
