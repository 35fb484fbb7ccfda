// YAMLParser: reads one rule file into a YAMLNode tree through libyaml's event API, and
// rejects what rule packs must not contain: anchors and aliases, duplicate or non-scalar keys,
// several documents, and input past the size, depth and node-count limits.

public import ComplyCore

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Parses YAML rule files into `YAMLNode` trees with 1-based positions on every node.
///
/// A file must hold at most one document. Anchors, aliases (so merge keys too), duplicate
/// keys and non-scalar keys are errors, as are files over 16 MiB, collections nested more
/// than 64 deep and more than 1,000,000 nodes. Tags are ignored. Every error is a
/// `ComplyError` located at `FILE:LINE:COLUMN`; libyaml's own errors read `yaml: ...`.
public enum YAMLParser {
  /// How much a rule file may hold; the defaults guard against hostile or runaway files.
  struct Limits {
    /// Collections nested deeper than this are rejected.
    var maxDepth = 64
    /// Files with more nodes than this are rejected.
    var maxNodes = 1_000_000
    /// Files larger than this many bytes are rejected.
    var maxBytes = 16 << 20
  }

  /// Parses the single YAML document in `bytes` (UTF-8). Locations name `file`. Returns nil
  /// for an empty file or a document with nothing but comments.
  public static func parse(_ bytes: [UInt8], file: String) throws(ComplyError) -> YAMLNode? {
    try parse(bytes, file: file, limits: Limits())
  }

  /// Reads and parses the file at `path`; locations and messages name it `displayPath`.
  public static func parse(path: String, displayPath: String) throws(ComplyError) -> YAMLNode? {
    let limits = Limits()
    let bytes = try readFile(path: path, displayPath: displayPath, upTo: limits.maxBytes + 1)
    return try parse(bytes, file: displayPath, limits: limits)
  }

  static func parse(_ bytes: [UInt8], file: String, limits: Limits) throws(ComplyError)
    -> YAMLNode?
  {
    let start = SourceLocation(file: file, line: 1, column: 1)
    guard bytes.count <= limits.maxBytes else {
      throw ComplyError("file is larger than \(describe(bytes: limits.maxBytes))", at: start)
    }
    if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
      throw ComplyError("file is UTF-16; rule files must be UTF-8", at: start)
    }
    guard let parser = LibYAMLParser(bytes: bytes) else {
      throw ComplyError("yaml: out of memory")
    }
    var builder = TreeBuilder(
      parser: parser, source: SourceText(bytes: bytes, file: file), limits: limits)
    return try builder.document()
  }

  private static func describe(bytes: Int) -> String {
    bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }

  /// The file's bytes, at most `limit` of them.
  private static func readFile(path: String, displayPath: String, upTo limit: Int)
    throws(ComplyError) -> [UInt8]
  {
    func failure(_ code: Int32) -> ComplyError {
      ComplyError("cannot read '\(displayPath)': \(String(cString: strerror(code)))")
    }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw failure(errno) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count < limit {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        let code = errno
        if code == EINTR { continue }
        throw failure(code)
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[..<count])
    }
    return bytes
  }
}

/// Builds the node tree from libyaml events. Structural problems (libyaml errors, limits, a
/// second document) stop at once; the rest (anchors, aliases, bad keys) are collected so one
/// run reports them together, up to `ComplyError.reportLimit`.
private struct TreeBuilder: ~Copyable {
  var parser: LibYAMLParser
  var source: SourceText
  let limits: YAMLParser.Limits
  var nodeCount = 0
  var problems = DiagnosticBag()

  init(parser: consuming LibYAMLParser, source: SourceText, limits: YAMLParser.Limits) {
    self.parser = parser
    self.source = source
    self.limits = limits
  }

  mutating func document() throws(ComplyError) -> YAMLNode? {
    var root: YAMLNode?
    var sawDocument = false
    while true {
      switch try next() {
      case .streamEnd:
        try problems.throwIfAny()
        if case .scalar(let scalar) = root, scalar.style == .plain, scalar.value.isEmpty {
          return nil
        }
        return root
      case .documentStart(let mark):
        if sawDocument {
          try fail("a second YAML document is not allowed (one document per file)", at: mark)
        }
        sawDocument = true
        root = try node(try next(), depth: 0)
      default:
        continue
      }
    }
  }

  /// The node that starts with `event`, `depth` collections down.
  private mutating func node(_ event: ParserEvent, depth: Int) throws(ComplyError) -> YAMLNode {
    switch event {
    case .scalar(let value, let style, let properties, let start, let end):
      try count(at: start)
      return .scalar(
        try scalar(value, style: style, properties: properties, start: start, end: end))
    case .alias(let name, let mark):
      try count(at: mark)
      let at = location(mark)
      try report("YAML aliases are not supported (found '*\(name)')", at: at)
      return .scalar(YAMLScalar(value: "", style: .plain, location: at, offsetMap: .scalarStart))
    case .sequenceStart(let properties, let mark, let end):
      try enterCollection(properties, start: mark, end: end, depth: depth)
      var items: [YAMLNode] = []
      while true {
        let event = try next()
        if case .sequenceEnd = event { break }
        items.append(try node(event, depth: depth + 1))
      }
      return .sequence(items, location(mark))
    case .mappingStart(let properties, let mark, let end):
      try enterCollection(properties, start: mark, end: end, depth: depth)
      var pairs: [(key: YAMLScalar, value: YAMLNode)] = []
      var firstLines: [String: Int] = [:]
      while true {
        let event = try next()
        if case .mappingEnd = event { break }
        let key = try node(event, depth: depth + 1)
        let value = try node(try next(), depth: depth + 1)
        guard case .scalar(let keyScalar) = key else {
          try report("mapping keys must be scalars", at: key.location)
          continue
        }
        if let firstLine = firstLines[keyScalar.value] {
          try report(
            "duplicate key '\(keyScalar.value)' (first at line \(firstLine))",
            at: keyScalar.location)
          continue
        }
        firstLines[keyScalar.value] = keyScalar.location.line
        pairs.append((keyScalar, value))
      }
      return .mapping(pairs, location(mark))
    default:
      throw ComplyError("yaml: unexpected parser event")
    }
  }

  private mutating func scalar(
    _ value: String, style: ScalarStyle, properties: NodeProperties, start: Mark, end: Mark
  ) throws(ComplyError) -> YAMLScalar {
    if properties.anchor == nil && !properties.hasTag && start.line == end.line,
      let map = ScalarOffsetMap.singleLine(
        style: style, valueLength: value.unicodeScalars.count,
        sourceLength: end.index - start.index)
    {
      return YAMLScalar(value: value, style: style, location: location(start), offsetMap: map)
    }
    let raw = source.scalars(from: start.index, to: end.index)
    var cursor = TextCursor(raw, line: start.line + 1, column: start.column + 1)
    if let anchor = properties.anchor {
      try report(anchorMessage(anchor), at: anchorLocation(cursor))
    }
    if properties.anchor != nil || properties.hasTag { skipProperties(&cursor) }
    let token = Array(raw[cursor.index...])
    let map = ScalarOffsetMap.build(
      style: style, value: value, raw: token, line: cursor.line, column: cursor.column)
    let location = SourceLocation(file: source.file, line: cursor.line, column: cursor.column)
    return YAMLScalar(value: value, style: style, location: location, offsetMap: map)
  }

  private mutating func enterCollection(
    _ properties: NodeProperties, start: Mark, end: Mark, depth: Int
  ) throws(ComplyError) {
    try count(at: start)
    if depth >= limits.maxDepth {
      try fail("YAML nesting is deeper than \(limits.maxDepth) levels", at: start)
    }
    if let anchor = properties.anchor {
      let text = source.scalars(from: start.index, to: end.index)
      let cursor = TextCursor(text, line: start.line + 1, column: start.column + 1)
      try report(anchorMessage(anchor), at: anchorLocation(cursor))
    }
  }

  private func anchorMessage(_ anchor: String) -> String {
    "YAML aliases are not supported (found anchor '&\(anchor)')"
  }

  /// Where the `&` of an anchor is, given a cursor at the node's first property: there, or
  /// after a tag written first.
  private func anchorLocation(_ start: TextCursor) -> SourceLocation {
    var cursor = start
    if cursor.current != "&" { skipProperties(&cursor, count: 1) }
    return SourceLocation(file: source.file, line: cursor.line, column: cursor.column)
  }

  /// Moves past node properties (`&anchor`, `!tag`), the blanks, breaks and comments after them.
  private func skipProperties(_ cursor: inout TextCursor, count: Int = 2) {
    var skipped = 0
    while skipped < count, let c = cursor.current, c == "&" || c == "!" {
      while let c = cursor.current, !c.isYAMLBlank, !c.isYAMLBreak { cursor.advance() }
      while let c = cursor.current, c.isYAMLBlank || c.isYAMLBreak || c == "#" {
        if c == "#" {
          while !cursor.isAtEnd && !cursor.isAtBreak { cursor.advance() }
        } else {
          cursor.advance()
        }
      }
      skipped += 1
    }
  }

  private mutating func next() throws(ComplyError) -> ParserEvent {
    do {
      return try parser.next()
    } catch {
      var errors = problems
      errors.add(diagnostic(for: error))
      throw ComplyError(errors.diagnostics)
    }
  }

  private func diagnostic(for failure: LibYAMLFailure) -> Diagnostic {
    switch failure {
    case .outOfMemory:
      return Diagnostic("yaml: out of memory", at: nil)
    case .reader(let problem, let offset, let value):
      var message = "yaml: \(problem)"
      if value >= 0 {
        let hex = String(value, radix: 16, uppercase: true)
        message += " (0x\(hex.count < 2 ? "0" + hex : hex))"
      }
      return Diagnostic(message, at: source.location(ofByteOffset: offset))
    case .syntax(let problem, let mark, let context, let contextMark):
      var message = "yaml: \(problem)"
      if let context {
        message += " \(context)"
        if contextMark != mark {
          message += " (started at line \(contextMark.line + 1), column \(contextMark.column + 1))"
        }
      }
      return Diagnostic(message, at: location(mark))
    }
  }

  private mutating func count(at mark: Mark) throws(ComplyError) {
    nodeCount += 1
    if nodeCount > limits.maxNodes {
      try fail("file has more than \(limits.maxNodes) YAML nodes", at: mark)
    }
  }

  /// Records a problem that does not stop parsing, unless too many have piled up.
  private mutating func report(_ message: String, at location: SourceLocation)
    throws(ComplyError)
  {
    problems.add(message, at: location)
    if problems.diagnostics.count >= ComplyError.reportLimit {
      throw ComplyError(problems.diagnostics)
    }
  }

  /// Stops parsing with `message` at `mark`, along with the problems collected so far.
  private func fail(_ message: String, at mark: Mark) throws(ComplyError) -> Never {
    var errors = problems
    errors.add(message, at: location(mark))
    throw ComplyError(errors.diagnostics)
  }

  private func location(_ mark: Mark) -> SourceLocation {
    SourceLocation(file: source.file, line: mark.line + 1, column: mark.column + 1)
  }
}
