// MappingReader: typed, located reads from a YAML mapping. Remembers which keys were read so
// that unknown keys are reported at their position with a did-you-mean.

import ComplyCore
import ComplyYAML

/// Collects diagnostics while a pack is loaded and compiled.
final class DiagnosticSink {
  var bag = DiagnosticBag()

  func error(_ message: String, at location: SourceLocation?) {
    bag.add(message, at: location)
  }
}

struct MappingReader {
  let pairs: [(key: YAMLScalar, value: YAMLNode)]
  let location: SourceLocation
  let sink: DiagnosticSink

  /// Reads `node` as a mapping; reports and returns nil otherwise.
  init?(_ node: YAMLNode, what: String, sink: DiagnosticSink) {
    guard case .mapping(let pairs, let location) = node else {
      sink.error("\(what) must be a mapping, found \(node.kindDescription)", at: node.location)
      return nil
    }
    self.pairs = pairs
    self.location = location
    self.sink = sink
  }

  func node(_ key: String) -> YAMLNode? {
    pairs.first { $0.key.value == key }?.value
  }

  func keyLocation(_ key: String) -> SourceLocation? {
    pairs.first { $0.key.value == key }?.key.location
  }

  /// A scalar value; an error when the key holds a list or mapping. YAML null reads as absent.
  func scalar(_ key: String) -> YAMLScalar? {
    guard let node = node(key) else { return nil }
    guard case .scalar(let s) = node else {
      sink.error("'\(key)' must be a scalar, found \(node.kindDescription)", at: node.location)
      return nil
    }
    return s.isNull ? nil : s
  }

  func string(_ key: String) -> String? { scalar(key)?.value }

  func bool(_ key: String) -> Bool? {
    guard let s = scalar(key) else { return nil }
    switch s.value.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      sink.error("'\(key)' must be true or false, found '\(s.value)'", at: s.location)
      return nil
    }
  }

  /// A list of scalars; a single scalar reads as a one-element list.
  func scalarList(_ key: String) -> [YAMLScalar]? {
    guard let node = node(key) else { return nil }
    switch node {
    case .scalar(let s): return s.isNull ? nil : [s]
    case .sequence(let items, _):
      var out: [YAMLScalar] = []
      for item in items {
        if case .scalar(let s) = item { out.append(s) } else {
          sink.error("items of '\(key)' must be scalars, found \(item.kindDescription)", at: item.location)
        }
      }
      return out
    case .mapping:
      sink.error("'\(key)' must be a list, found a mapping", at: node.location)
      return nil
    }
  }

  /// Reports keys not in `allowed`, with a did-you-mean.
  func rejectUnknownKeys(_ allowed: [String], in what: String) {
    for pair in pairs where !allowed.contains(pair.key.value) {
      sink.error(
        "unknown key '\(pair.key.value)' in \(what)\(Suggestion.hint(for: pair.key.value, in: allowed))",
        at: pair.key.location)
    }
  }

  /// Reports a missing required key at the mapping.
  func require(_ key: String, in what: String) {
    if node(key) == nil { sink.error("\(what) is missing '\(key)'", at: location) }
  }
}
