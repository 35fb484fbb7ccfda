// Waivers (SPEC §4, `--waivers FILE`): approved exceptions. Each entry names a rule (an id or
// a glob), optionally a `when` expression over the violation's columns — the row's columns
// for a row rule, the group columns and computed names for an aggregate rule — with `reason`,
// `approved_by` and `expires`. An expired waiver waives nothing and becomes a warning finding.

public import ComplyCore
public import ComplyExpr
import ComplyYAML

/// A waiver compiled against one rule's names.
public struct CompiledWaiver: Sendable {
  public var reason: String
  public var approvedBy: String
  public var expires: Day?
  public var location: SourceLocation
  /// Nil waives every violation of the rule.
  public var when: CompiledExpression?
}

/// The waivers of a run: the live ones per rule id, and the expired ones.
public struct WaiverSet: Sendable {
  public var byRule: [String: [CompiledWaiver]] = [:]
  /// Expired entries: (rule pattern, location, expiry date).
  public var expired: [(rule: String, location: SourceLocation, expires: Day)] = []

  public init() {}

  /// Reads and compiles a waivers file against `pack`; errors are collected and thrown.
  public static func load(_ path: String, pack: CompiledPack, today: Day) throws(ComplyError) -> WaiverSet {
    let sink = DiagnosticSink()
    var set = WaiverSet()
    guard let root = try YAMLParser.parse(path: path, displayPath: path) else { return set }
    let entries: [YAMLNode]
    switch root {
    case .sequence(let items, _): entries = items
    case .mapping:
      guard let top = MappingReader(root, what: "a waivers file", sink: sink) else { return set }
      top.rejectUnknownKeys(["waivers"], in: "a waivers file")
      guard case .sequence(let items, _)? = top.node("waivers") else {
        throw ComplyError("'waivers' must be a list of waivers", at: root.location)
      }
      entries = items
    case .scalar:
      throw ComplyError("a waivers file is a list of waivers (or 'waivers:' holding one)", at: root.location)
    }
    let ids = pack.rules.map(\.rule.id)
    for entry in entries {
      guard let m = MappingReader(entry, what: "a waiver", sink: sink) else { continue }
      m.rejectUnknownKeys(["rule", "when", "reason", "approved_by", "expires"], in: "a waiver")
      guard let rule = m.scalar("rule") else {
        sink.error("a waiver is missing 'rule'", at: m.location)
        continue
      }
      let matched = pack.rules.filter { globMatches($0.rule.id, rule.value) }
      if matched.isEmpty {
        sink.error("waiver names no rule of the pack: '\(rule.value)'\(Suggestion.hint(for: rule.value, in: ids))", at: rule.location)
        continue
      }
      for key in ["reason", "approved_by"] where m.scalar(key) == nil {
        sink.error("a waiver needs '\(key)'", at: m.location)
      }
      var expires: Day?
      if let e = m.scalar("expires") {
        expires = ValueParser.parseDate(e.value[...])
        if expires == nil { sink.error("'expires' must be a date (YYYY-MM-DD), found '\(e.value)'", at: e.location) }
      }
      if let expires, expires < today {
        set.expired.append((rule.value, m.location, expires))
        continue
      }
      for compiled in matched {
        var when: CompiledExpression?
        if let source = m.scalar("when") {
          let scope = compiled.scope.waiverScope()
          switch ExpressionCompiler.compile(source.value, in: scope, expecting: .boolean, locate: { source.location(ofOffset: $0) }) {
          case .success(let e): when = e
          case .failure(let error):
            for d in error.diagnostics { sink.bag.add(d) }
            continue
          }
        }
        set.byRule[compiled.rule.id, default: []].append(
          CompiledWaiver(
            reason: m.string("reason") ?? "", approvedBy: m.string("approved_by") ?? "",
            expires: expires, location: m.location, when: when))
      }
    }
    try sink.bag.throwIfAny()
    return set
  }
}

extension Scope {
  /// The same names without aggregates or `dataset.column` sets, for waiver conditions.
  func waiverScope() -> Scope {
    let scope = Scope(registry: CompileRegistry())
    scope.names = names
    scope.joins = joins
    scope.lists = lists
    scope.constants = constants
    scope.gradeSystem = gradeSystem
    return scope
  }
}

/// Whether `text` matches a glob of `*` and `?` (rule ids, `--rule`).
public func globMatches(_ text: String, _ glob: String) -> Bool {
  func match(_ s: Substring.UnicodeScalarView, _ g: Substring.UnicodeScalarView) -> Bool {
    guard let c = g.first else { return s.isEmpty }
    switch c {
    case "*":
      var rest = s
      while true {
        if match(rest, g.dropFirst()) { return true }
        if rest.isEmpty { return false }
        rest = rest.dropFirst()
      }
    case "?": return !s.isEmpty && match(s.dropFirst(), g.dropFirst())
    default: return s.first == c && match(s.dropFirst(), g.dropFirst())
    }
  }
  return match(Substring(text).unicodeScalars, Substring(glob).unicodeScalars)
}
