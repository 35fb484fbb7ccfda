// Template: `message`/`owner` text with `{expression}` parts (SPEC §2.2). `{{` and `}}` are
// literal braces; a `}` inside a quoted string or backquoted name of an expression does not
// end it. An unclosed `{`, a lone `}` and an empty `{}` are errors.

public import ComplyCore

extension ExpressionCompiler {
  /// Compiles a template: literal text with `{expression}` parts. Offsets passed to `locate`
  /// are offsets in the template string. A part is marked `pii` when its value comes from a
  /// `pii: true` binding (directly, through a function such as `trim`, or through `min`/`max`)
  /// and is not a boolean.
  public static func compileTemplate(
    _ template: String, in scope: Scope, locate: (Int) -> SourceLocation
  ) -> Result<CompiledTemplate, ComplyError> {
    let (pieces, splitErrors) = TemplateSplitter.split(template)
    var errors = splitErrors
    var checkedPieces: [(text: String?, checked: Checked?)] = []
    for piece in pieces {
      switch piece {
      case .text(let text):
        checkedPieces.append((text, nil))
      case .expression(let source, let offset):
        let (checked, found) = Frontend.check(source, in: scope, expecting: nil)
        errors += found.map { ExprError(message: $0.message, offset: $0.offset + offset) }
        checkedPieces.append((nil, checked))
      }
    }
    guard errors.isEmpty else {
      return .failure(Frontend.error(errors.sorted { $0.offset < $1.offset }, locate: locate))
    }
    let parts = checkedPieces.map { text, checked -> CompiledTemplate.Part in
      guard let checked else { return .text(text ?? "") }
      let expression = Frontend.compile(checked, registry: scope.registry)
      return .expression(expression, pii: checked.readsPII && checked.type != .boolean)
    }
    return .success(CompiledTemplate(parts: parts))
  }
}

/// Splits a template into literal text and expression sources.
enum TemplateSplitter {
  enum Piece: Equatable {
    case text(String)
    /// An expression's source and the offset of its first scalar in the template.
    case expression(String, offset: Int)
  }

  static func split(_ template: String) -> (pieces: [Piece], errors: [ExprError]) {
    let scalars = Array(template.unicodeScalars)
    var pieces: [Piece] = []
    var errors: [ExprError] = []
    var text = String.UnicodeScalarView()
    var i = 0
    func flush() {
      if !text.isEmpty { pieces.append(.text(String(text))) }
      text = String.UnicodeScalarView()
    }
    while i < scalars.count {
      let c = scalars[i]
      let next = i + 1 < scalars.count ? scalars[i + 1] : nil
      if c == "{" && next == "{" || c == "}" && next == "}" {
        text.append(c)
        i += 2
      } else if c == "}" {
        errors.append(
          ExprError(message: "unmatched '}' in template; write '}}' for a literal brace", offset: i)
        )
        i += 1
      } else if c == "{" {
        guard let end = closingBrace(scalars, from: i + 1) else {
          errors.append(
            ExprError(
              message: "unclosed '{' in template; write '{{' for a literal brace", offset: i))
          break
        }
        let source = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
        if source.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
          errors.append(ExprError(message: "empty expression '{}' in template", offset: i))
        } else {
          flush()
          pieces.append(.expression(source, offset: i + 1))
        }
        i = end + 1
      } else {
        text.append(c)
        i += 1
      }
    }
    flush()
    return (pieces, errors)
  }

  /// The index of the `}` closing an expression that starts at `start`, skipping quoted text.
  private static func closingBrace(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
    var quote: Unicode.Scalar?
    var i = start
    while i < scalars.count {
      let c = scalars[i]
      if let open = quote {
        if c == "\\" && open != "`" {
          i += 1
        } else if c == open {
          quote = nil
        }
      } else if c == "'" || c == "\"" || c == "`" {
        quote = c
      } else if c == "}" {
        return i
      }
      i += 1
    }
    return nil
  }
}
