// RulePackLoader: reads rule packs (a folder with datasets.yaml and rule files, or a single
// rule file), checks their schema, and merges overlays (SPEC §2: a later pack replaces
// datasets, lists, constants and rules of the same name; `enabled: false` switches a rule off).

public import ComplyCore
import ComplyCSV
import ComplyExpr
import ComplyYAML
import Foundation

public enum RulePackLoader {
  /// Loads and merges the packs in order, then type-checks every rule; `today` is the value
  /// of `$today`. Problems from every file and phase are collected and thrown together.
  public static func load(_ paths: [String], today: Day) throws(ComplyError) -> CompiledPack {
    let sink = DiagnosticSink()
    var pack = RulePack()
    for path in paths {
      let layer = loadLayer(path, sink: sink)
      pack.merge(layer)
    }
    let compiled = RuleCompiler.compile(pack, today: today, sink: sink)
    try sink.bag.throwIfAny()
    return compiled
  }

  /// One pack: its files read in order (datasets.yaml first, then rule files sorted by name).
  static func loadLayer(_ path: String, sink: DiagnosticSink) -> PackLayer {
    var layer = PackLayer()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      sink.error("rule pack '\(path)' does not exist", at: nil)
      return layer
    }
    var files: [String] = []
    let folder: String
    if isDirectory.boolValue {
      folder = path
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      let yaml = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
      let datasets = yaml.filter { $0 == "datasets.yaml" || $0 == "datasets.yml" }
      files = (datasets + yaml.filter { !datasets.contains($0) }.sorted()).map {
        (path as NSString).appendingPathComponent($0)
      }
      if datasets.isEmpty, files.isEmpty {
        sink.error("rule pack '\(path)' holds no datasets.yaml and no rule files", at: nil)
      }
    } else {
      folder = (path as NSString).deletingLastPathComponent
      files = [path]
    }
    for file in files {
      let root: YAMLNode?
      do {
        root = try YAMLParser.parse(path: file, displayPath: file)
      } catch {
        for d in error.diagnostics { sink.bag.add(d) }
        continue
      }
      layer.files.append(file)
      guard let root else { continue }
      FileReader(file: file, folder: folder, sink: sink).read(root, into: &layer)
    }
    return layer
  }
}

/// What one pack declares, before it is merged over the packs before it.
struct PackLayer {
  var datasets: [DatasetSpec] = []
  var lists: [(String, ListConstant)] = []
  var constants: [(String, Value)] = []
  var rules: [Rule] = []
  var disabled: [String] = []
  var files: [String] = []
}

extension RulePack {
  mutating func merge(_ layer: PackLayer) {
    for d in layer.datasets { datasets[d.name] = d }
    for (name, list) in layer.lists { lists[name] = list }
    for (name, value) in layer.constants { constants[name] = value }
    for rule in layer.rules {
      if let i = rules.firstIndex(where: { $0.id == rule.id }) { rules[i] = rule } else {
        rules.append(rule)
      }
    }
    rules.removeAll { layer.disabled.contains($0.id) }
    files += layer.files
  }
}

/// Reads the top level of one YAML file of a pack.
struct FileReader {
  let file: String
  let folder: String
  let sink: DiagnosticSink

  static let topKeys = ["datasets", "lists", "constants", "rules"]
  static let datasetKeys = [
    "title", "files", "path", "key", "columns", "optional", "encoding", "delimiter", "description",
  ]
  static let columnKeys = ["type", "required", "aliases", "pii", "system", "description"]
  static let ruleKeys = [
    "id", "title", "category", "department", "owner", "severity", "basis", "measure",
    "description", "dataset", "when", "require", "forbid", "message", "join", "group_by",
    "compute", "expect", "examples", "enabled",
  ]

  func read(_ root: YAMLNode, into layer: inout PackLayer) {
    guard let top = MappingReader(root, what: "a rule file", sink: sink) else { return }
    top.rejectUnknownKeys(Self.topKeys, in: "a rule file")
    if let node = top.node("datasets"), let m = MappingReader(node, what: "'datasets'", sink: sink) {
      for (key, value) in m.pairs {
        if let d = dataset(key, value) {
          if let previous = layer.datasets.first(where: { $0.name == d.name }) {
            sink.error("dataset '\(d.name)' is declared twice (first at \(previous.location))", at: key.location)
          } else {
            layer.datasets.append(d)
          }
        }
      }
    }
    if let node = top.node("lists"), let m = MappingReader(node, what: "'lists'", sink: sink) {
      for (key, value) in m.pairs {
        if let list = list(value) { layer.lists.append((key.value, list)) }
      }
    }
    if let node = top.node("constants"), let m = MappingReader(node, what: "'constants'", sink: sink) {
      for (key, value) in m.pairs {
        guard case .scalar(let s) = value else {
          sink.error("constant '\(key.value)' must be a scalar, found \(value.kindDescription)", at: value.location)
          continue
        }
        layer.constants.append((key.value, LiteralValue.infer(s)))
      }
    }
    if let node = top.node("rules") {
      guard case .sequence(let items, _) = node else {
        sink.error("'rules' must be a list, found \(node.kindDescription)", at: node.location)
        return
      }
      for item in items {
        guard let r = MappingReader(item, what: "a rule", sink: sink) else { continue }
        readRule(r, into: &layer)
      }
    }
  }

  // MARK: - Datasets

  func dataset(_ key: YAMLScalar, _ node: YAMLNode) -> DatasetSpec? {
    guard let m = MappingReader(node, what: "dataset '\(key.value)'", sink: sink) else { return nil }
    m.rejectUnknownKeys(Self.datasetKeys, in: "dataset '\(key.value)'")
    let files = m.scalarList("files")
    let path = m.scalar("path")
    let source: DatasetSpec.Source
    switch (files, path) {
    case (let f?, nil): source = .files(f.map(\.value))
    case (nil, let p?):
      let absolute = p.value.hasPrefix("/") ? p.value : (folder as NSString).appendingPathComponent(p.value)
      source = .packFile(absolute: absolute, relative: p.value)
    case (.some, .some):
      sink.error("dataset '\(key.value)' has both 'files' and 'path'; give one", at: key.location)
      return nil
    case (nil, nil):
      sink.error("dataset '\(key.value)' needs 'files' (globs under --data) or 'path' (a file in the pack)", at: key.location)
      return nil
    }
    var columns: [ColumnSpec] = []
    if let node = m.node("columns"), let cm = MappingReader(node, what: "'columns'", sink: sink) {
      for (name, spec) in cm.pairs {
        if let c = column(name, spec) { columns.append(c) }
      }
    } else {
      sink.error("dataset '\(key.value)' declares no 'columns'", at: key.location)
    }
    let key_ = m.scalarList("key") ?? []
    for k in key_ where !columns.contains(where: { $0.name == k.value }) {
      sink.error("key column '\(k.value)' is not a declared column\(Suggestion.hint(for: k.value, in: columns.map(\.name)))", at: k.location)
    }
    var delimiter: UInt8?
    if let d = m.scalar("delimiter") {
      do { delimiter = try CSVOptions.delimiter(named: d.value == "\t" ? "tab" : d.value) } catch {
        sink.error(error.diagnostics.map(\.message).joined(separator: "; "), at: d.location)
      }
    }
    var encoding: TextEncoding?
    if let e = m.scalar("encoding") {
      do { encoding = try TextEncoding(name: e.value) } catch {
        sink.error(error.diagnostics.map(\.message).joined(separator: "; "), at: e.location)
      }
    }
    return DatasetSpec(
      name: key.value, title: m.string("title"), source: source, key: key_.map(\.value),
      columns: columns, optional: m.bool("optional") ?? false, encoding: encoding,
      delimiter: delimiter, location: key.location)
  }

  func column(_ name: YAMLScalar, _ node: YAMLNode) -> ColumnSpec? {
    var typeScalar: YAMLScalar?
    var m: MappingReader?
    if case .scalar(let s) = node {
      typeScalar = s  // `金额: decimal` shorthand
    } else {
      m = MappingReader(node, what: "column '\(name.value)'", sink: sink)
      guard let m else { return nil }
      m.rejectUnknownKeys(Self.columnKeys, in: "column '\(name.value)'")
      typeScalar = m.scalar("type")
    }
    var type = ColumnType.string
    if let t = typeScalar {
      guard let parsed = ColumnType(rawValue: t.value) else {
        let names = ColumnType.allCases.map(\.rawValue)
        sink.error("unknown type '\(t.value)'\(Suggestion.hint(for: t.value, in: names)); types are \(names.joined(separator: ", "))", at: t.location)
        return nil
      }
      type = parsed
    }
    var grades = GradeSystem.sixThree
    if let s = m?.scalar("system") {
      if let g = GradeSystem(rawValue: s.value), type == .grade { grades = g } else {
        sink.error("'system' applies to grade columns and is \"6-3\" or \"5-4\", found '\(s.value)'", at: s.location)
      }
    }
    return ColumnSpec(
      name: name.value, type: type, required: m?.bool("required") ?? false,
      aliases: (m?.scalarList("aliases") ?? []).map(\.value), pii: m?.bool("pii") ?? false,
      grades: grades, location: name.location)
  }

  func list(_ node: YAMLNode) -> ListConstant? {
    guard case .sequence(let items, _) = node else {
      sink.error("a list must be a YAML sequence, found \(node.kindDescription)", at: node.location)
      return nil
    }
    var scalars: [YAMLScalar] = []
    for item in items {
      if case .scalar(let s) = item { scalars.append(s) } else {
        sink.error("list items must be scalars, found \(item.kindDescription)", at: item.location)
      }
    }
    return LiteralValue.list(scalars)
  }

  // MARK: - Rules

  func readRule(_ m: MappingReader, into layer: inout PackLayer) {
    m.rejectUnknownKeys(Self.ruleKeys, in: "a rule")
    guard let idScalar = m.scalar("id") else {
      sink.error("a rule is missing 'id'", at: m.location)
      return
    }
    let id = idScalar.value
    if id.isEmpty || !id.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }) {
      sink.error("rule id '\(id)' must match [A-Z0-9.-]+", at: idScalar.location)
    }
    if let previous = layer.rules.first(where: { $0.id == id }) {
      sink.error("rule id '\(id)' is used twice (first at \(previous.location))", at: idScalar.location)
      return
    }
    if m.bool("enabled") == false {
      layer.disabled.append(id)
      return
    }
    let require = m.scalar("require")
    let forbid = m.scalar("forbid")
    let condition: YAMLScalar
    switch (require, forbid) {
    case (let r?, nil): condition = r
    case (nil, let f?): condition = f
    case (.some, .some):
      sink.error("rule '\(id)' has both 'require' and 'forbid'; give exactly one", at: m.keyLocation("forbid"))
      return
    case (nil, nil):
      sink.error("rule '\(id)' needs 'require' or 'forbid'", at: m.location)
      return
    }
    guard let dataset = m.scalar("dataset") else {
      sink.error("rule '\(id)' is missing 'dataset'", at: m.location)
      return
    }
    var severity = RuleSeverity.error
    if let s = m.scalar("severity") {
      if let parsed = RuleSeverity(rawValue: s.value) { severity = parsed } else {
        sink.error("severity must be error, warning or info, found '\(s.value)'", at: s.location)
      }
    }
    let title = m.string("title") ?? id
    layer.rules.append(
      Rule(
        id: id, title: title, category: m.string("category") ?? "",
        department: m.string("department") ?? "", ownerTemplate: m.scalar("owner"),
        severity: severity, basis: m.string("basis") ?? "", measure: m.string("measure") ?? "",
        description: m.string("description") ?? "", dataset: dataset.value,
        datasetLocation: dataset.location, when: m.scalar("when"), condition: condition,
        isForbid: forbid != nil, messageTemplate: m.scalar("message"), joins: joins(m),
        groupBy: m.scalarList("group_by") ?? [], compute: compute(m), expect: expect(m),
        examples: examples(m), location: idScalar.location, file: file))
  }

  func joins(_ m: MappingReader) -> [JoinSpec] {
    guard let node = m.node("join"), let jm = MappingReader(node, what: "'join'", sink: sink) else { return [] }
    var out: [JoinSpec] = []
    for (name, spec) in jm.pairs {
      guard let sm = MappingReader(spec, what: "join '\(name.value)'", sink: sink) else { continue }
      sm.rejectUnknownKeys(["dataset", "on"], in: "join '\(name.value)'")
      guard let dataset = sm.scalar("dataset") else {
        sink.error("join '\(name.value)' is missing 'dataset'", at: name.location)
        continue
      }
      var on: [(String, String)] = []
      switch sm.node("on") {
      case .mapping(let pairs, _)?:
        for (left, right) in pairs {
          if case .scalar(let r) = right { on.append((left.value, r.value)) } else {
            sink.error("'on' maps a column to a column name", at: right.location)
          }
        }
      case .some:
        on = (sm.scalarList("on") ?? []).map { ($0.value, $0.value) }
      case nil:
        break
      }
      if on.isEmpty {
        sink.error("join '\(name.value)' needs 'on': a list of shared columns or a mapping of column → column", at: name.location)
        continue
      }
      out.append(JoinSpec(name: name.value, dataset: dataset.value, on: on, location: name.location))
    }
    return out
  }

  func compute(_ m: MappingReader) -> [(name: YAMLScalar, expression: YAMLScalar)] {
    guard let node = m.node("compute"), let cm = MappingReader(node, what: "'compute'", sink: sink) else { return [] }
    var out: [(name: YAMLScalar, expression: YAMLScalar)] = []
    for (name, value) in cm.pairs {
      guard case .scalar(let s) = value, !s.isNull else {
        sink.error("computed value '\(name.value)' must be an expression", at: value.location)
        continue
      }
      out.append((name, s))
    }
    return out
  }

  func expect(_ m: MappingReader) -> ExpectSpec? {
    guard let node = m.node("expect"), let em = MappingReader(node, what: "'expect'", sink: sink) else { return nil }
    em.rejectUnknownKeys(["dataset", "per"], in: "'expect'")
    guard let dataset = em.scalar("dataset") else {
      sink.error("'expect' is missing 'dataset'", at: em.location)
      return nil
    }
    return ExpectSpec(dataset: dataset.value, per: (em.scalarList("per") ?? []).map(\.value), location: em.location)
  }

  func examples(_ m: MappingReader) -> [RuleExample] {
    guard let node = m.node("examples") else { return [] }
    guard case .sequence(let items, _) = node else {
      sink.error("'examples' must be a list, found \(node.kindDescription)", at: node.location)
      return []
    }
    var out: [RuleExample] = []
    for item in items {
      guard let em = MappingReader(item, what: "an example", sink: sink) else { continue }
      em.rejectUnknownKeys(["row", "violates", "data", "violations", "description"], in: "an example")
      let input: RuleExample.Input
      if let row = em.node("row") {
        guard let r = cells(row) else { continue }
        input = .row(r)
      } else if let data = em.node("data"), let dm = MappingReader(data, what: "'data'", sink: sink) {
        var sets: [(dataset: YAMLScalar, rows: [[(column: YAMLScalar, value: YAMLScalar?)]])] = []
        for (name, rows) in dm.pairs {
          guard case .sequence(let list, _) = rows else {
            sink.error("rows of '\(name.value)' must be a list of mappings", at: rows.location)
            continue
          }
          sets.append((name, list.compactMap(cells)))
        }
        input = .data(sets)
      } else {
        sink.error("an example needs 'row' or 'data'", at: em.location)
        continue
      }
      let expectation: RuleExample.Expectation
      if let v = em.bool("violates") {
        expectation = .violates(v)
      } else if let n = em.scalar("violations") {
        guard let count = Int(n.value), count >= 0 else {
          sink.error("'violations' must be a whole number, found '\(n.value)'", at: n.location)
          continue
        }
        expectation = .violations(count)
      } else {
        sink.error("an example needs 'violates: true|false' or 'violations: N'", at: em.location)
        continue
      }
      if case .row = input, case .violations = expectation {
        sink.error("a 'row' example takes 'violates: true|false'", at: em.location)
        continue
      }
      if case .data = input, case .violates = expectation {
        sink.error("a 'data' example takes 'violations: N'", at: em.location)
        continue
      }
      out.append(RuleExample(input: input, expectation: expectation, location: em.location))
    }
    return out
  }

  func cells(_ node: YAMLNode) -> [(column: YAMLScalar, value: YAMLScalar?)]? {
    guard let m = MappingReader(node, what: "a row", sink: sink) else { return nil }
    var out: [(column: YAMLScalar, value: YAMLScalar?)] = []
    for (key, value) in m.pairs {
      guard case .scalar(let s) = value else {
        sink.error("cell '\(key.value)' must be a scalar, found \(value.kindDescription)", at: value.location)
        continue
      }
      out.append((key, s.isNull ? nil : s))
    }
    return out
  }
}
