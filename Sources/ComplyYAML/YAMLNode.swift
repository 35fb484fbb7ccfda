// YAMLNode: the position-carrying tree that the libyaml wrapper produces. Every scalar keeps
// its style and source position so that rule-loading errors and expression errors point into
// the YAML file.

public import ComplyCore

/// How a scalar was written.
public enum ScalarStyle: Sendable {
  case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A scalar with its text, style and where it was written.
public struct YAMLScalar: Sendable {
  public var value: String
  public var style: ScalarStyle
  /// Where the scalar's token starts (its opening quote or `|`/`>` indicator, if any).
  public var location: SourceLocation
  /// Maps a Unicode-scalar offset in `value` to its position in the file (see
  /// `YAMLParser`); set by the parser.
  let offsetMap: ScalarOffsetMap

  public init(
    value: String, style: ScalarStyle, location: SourceLocation, offsetMap: ScalarOffsetMap
  ) {
    self.value = value
    self.style = style
    self.location = location
    self.offsetMap = offsetMap
  }

  /// True for a plain `~`, `null`, `Null`, `NULL` or empty scalar.
  public var isNull: Bool {
    style == .plain && ["", "~", "null", "Null", "NULL"].contains(value)
  }

  /// The file position of the Unicode scalar at `offset` in `value`.
  public func location(ofOffset offset: Int) -> SourceLocation {
    offsetMap.location(ofOffset: offset, in: self)
  }
}

/// A node of a parsed YAML document.
public indirect enum YAMLNode: Sendable {
  case scalar(YAMLScalar)
  case sequence([YAMLNode], SourceLocation)
  case mapping([(key: YAMLScalar, value: YAMLNode)], SourceLocation)

  public var location: SourceLocation {
    switch self {
    case .scalar(let s): return s.location
    case .sequence(_, let l), .mapping(_, let l): return l
    }
  }

  /// What the node is, for messages: "a scalar", "a list", "a mapping".
  public var kindDescription: String {
    switch self {
    case .scalar: return "a scalar"
    case .sequence: return "a list"
    case .mapping: return "a mapping"
    }
  }
}
