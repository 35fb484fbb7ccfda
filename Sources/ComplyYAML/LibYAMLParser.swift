// LibYAMLParser: the single owner of a libyaml event parser and of the input buffer it reads.
// Turns C events into Swift values and C error state into a Swift error; nothing of libyaml's
// C types leaves this file.

internal import CLibYAML

/// A libyaml position: 0-based character index, line and column.
struct Mark: Equatable {
  var index: Int
  var line: Int
  var column: Int
}

/// A node's anchor and tag, as written before it.
struct NodeProperties {
  var anchor: String?
  var hasTag: Bool
}

/// One libyaml parser event, copied out of C memory.
enum ParserEvent {
  case streamStart
  case streamEnd
  case documentStart(Mark)
  case documentEnd
  case alias(name: String, at: Mark)
  case scalar(
    value: String, style: ScalarStyle, properties: NodeProperties, start: Mark, end: Mark)
  case sequenceStart(NodeProperties, start: Mark, end: Mark)
  case sequenceEnd
  case mappingStart(NodeProperties, start: Mark, end: Mark)
  case mappingEnd
}

/// libyaml's error state after a failed `yaml_parser_parse`.
enum LibYAMLFailure: Error {
  /// Invalid input encoding: the problem, the byte offset and the offending value (-1: none).
  case reader(problem: String, byteOffset: Int, value: Int)
  /// A scanner or parser error with its position and optional context.
  case syntax(problem: String, at: Mark, context: String?, contextMark: Mark)
  case outOfMemory
}

/// Owns a `yaml_parser_t` and a private copy of the input, both freed together in `deinit`,
/// so libyaml's input pointer stays valid for the parser's whole life.
struct LibYAMLParser: ~Copyable {
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  private let input: UnsafeMutableBufferPointer<UInt8>

  /// Nil when libyaml cannot allocate its parser.
  init?(bytes: [UInt8]) {
    parser = .allocate(capacity: 1)
    guard yaml_parser_initialize(parser) != 0 else {
      parser.deallocate()
      return nil
    }
    input = .allocate(capacity: max(bytes.count, 1))
    _ = input.initialize(from: bytes)
    yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
  }

  deinit {
    yaml_parser_delete(parser)
    parser.deallocate()
    input.deallocate()
  }

  /// The next event. Do not call again after `.streamEnd` or a failure.
  mutating func next() throws(LibYAMLFailure) -> ParserEvent {
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) != 0 else { throw failure() }
    defer { yaml_event_delete(&event) }
    let start = Self.mark(event.start_mark)
    switch event.type {
    case YAML_STREAM_START_EVENT:
      return .streamStart
    case YAML_DOCUMENT_START_EVENT:
      return .documentStart(start)
    case YAML_DOCUMENT_END_EVENT:
      return .documentEnd
    case YAML_ALIAS_EVENT:
      return .alias(name: Self.string(event.data.alias.anchor) ?? "", at: start)
    case YAML_SCALAR_EVENT:
      let data = event.data.scalar
      let value = String(
        decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
      return .scalar(
        value: value, style: Self.style(data.style),
        properties: NodeProperties(anchor: Self.string(data.anchor), hasTag: data.tag != nil),
        start: start, end: Self.mark(event.end_mark))
    case YAML_SEQUENCE_START_EVENT:
      let data = event.data.sequence_start
      return .sequenceStart(
        NodeProperties(anchor: Self.string(data.anchor), hasTag: data.tag != nil), start: start,
        end: Self.mark(event.end_mark))
    case YAML_SEQUENCE_END_EVENT:
      return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      let data = event.data.mapping_start
      return .mappingStart(
        NodeProperties(anchor: Self.string(data.anchor), hasTag: data.tag != nil), start: start,
        end: Self.mark(event.end_mark))
    case YAML_MAPPING_END_EVENT:
      return .mappingEnd
    default:
      return .streamEnd
    }
  }

  private func failure() -> LibYAMLFailure {
    let state = parser.pointee
    let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
    switch state.error {
    case YAML_MEMORY_ERROR:
      return .outOfMemory
    case YAML_READER_ERROR:
      return .reader(
        problem: problem, byteOffset: Int(state.problem_offset), value: Int(state.problem_value))
    default:
      return .syntax(
        problem: problem, at: Self.mark(state.problem_mark),
        context: state.context.map { String(cString: $0) },
        contextMark: Self.mark(state.context_mark))
    }
  }

  private static func mark(_ mark: yaml_mark_t) -> Mark {
    Mark(index: Int(mark.index), line: Int(mark.line), column: Int(mark.column))
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  private static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
    switch style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: return .literal
    case YAML_FOLDED_SCALAR_STYLE: return .folded
    default: return .plain
    }
  }
}
