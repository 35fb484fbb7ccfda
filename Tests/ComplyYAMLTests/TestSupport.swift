// Test helpers for ComplyYAML: parsing text, capturing the error it fails with, and walking
// the node tree by key and index.

import ComplyCore

@testable import ComplyYAML

/// Parses `text` as the contents of `t.yaml`.
func parse(_ text: String, file: String = "t.yaml") throws(ComplyError) -> YAMLNode? {
  try YAMLParser.parse(Array(text.utf8), file: file)
}

/// The error parsing `bytes` fails with, or nil when it parses.
func failure(_ bytes: [UInt8], limits: YAMLParser.Limits = .init()) -> ComplyError? {
  do {
    _ = try YAMLParser.parse(bytes, file: "t.yaml", limits: limits)
    return nil
  } catch {
    return error
  }
}

/// The error parsing `text` fails with, or nil when it parses.
func failure(_ text: String, limits: YAMLParser.Limits = .init()) -> ComplyError? {
  failure(Array(text.utf8), limits: limits)
}

extension YAMLNode {
  /// The value under `key` in a mapping.
  subscript(key: String) -> YAMLNode? {
    guard case .mapping(let pairs, _) = self else { return nil }
    return pairs.first { $0.key.value == key }?.value
  }

  /// The item at `index` in a list.
  subscript(index: Int) -> YAMLNode? {
    guard case .sequence(let items, _) = self, items.indices.contains(index) else { return nil }
    return items[index]
  }

  /// The key scalar for `key` in a mapping.
  func key(_ key: String) -> YAMLScalar? {
    guard case .mapping(let pairs, _) = self else { return nil }
    return pairs.first { $0.key.value == key }?.key
  }

  var keys: [String] {
    guard case .mapping(let pairs, _) = self else { return [] }
    return pairs.map(\.key.value)
  }

  var scalar: YAMLScalar? {
    guard case .scalar(let s) = self else { return nil }
    return s
  }

  var items: [YAMLNode] {
    guard case .sequence(let items, _) = self else { return [] }
    return items
  }
}

/// `FILE:LINE:COLUMN` of a location.
func at(_ location: SourceLocation?) -> String {
  location.map(\.description) ?? "nil"
}
