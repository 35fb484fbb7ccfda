// ExpressionCompiler: the entry point — parse, check, then compile — and the front half
// (parse and check) shared with templates and the debug printer.

public import ComplyCore

/// Compiles rule expressions (`when`, `require`, `forbid`, `compute`) for the engine.
public enum ExpressionCompiler {
  /// Parses, type-checks and compiles `source` in `scope`. `expecting` (e.g. `.boolean` for
  /// when/require/forbid) adds a type check of the result.
  ///
  /// Every error is located via `locate(offset)`, offset = Unicode-scalar offset into `source`
  /// of the offending token; all errors found are returned, not just the first. Aggregate
  /// calls and `dataset.column` sets are registered in `scope.registry` only on success.
  public static func compile(
    _ source: String, in scope: Scope, expecting: ExprType?,
    locate: (Int) -> SourceLocation
  ) -> Result<CompiledExpression, ComplyError> {
    let (checked, errors) = Frontend.check(source, in: scope, expecting: expecting)
    guard errors.isEmpty else { return .failure(Frontend.error(errors, locate: locate)) }
    return .success(Frontend.compile(checked, registry: scope.registry))
  }
}

/// Parsing and checking, the phases before code is generated.
enum Frontend {
  /// The checked tree of `source` and every error found; the tree is only usable without
  /// errors. Checking still runs after syntax errors, on what parsed, to report more.
  static func check(_ source: String, in scope: Scope, expecting: ExprType?)
    -> (Checked, [ExprError])
  {
    let (syntax, syntaxErrors) = Parser.parse(source)
    let checker = Checker(scope: scope)
    let checked = checker.check(syntax)
    if syntaxErrors.isEmpty, let expecting, !checked.isInvalid,
      !checked.type.isAssignable(to: expecting)
    {
      checker.error(
        "type mismatch: the expression must be \(expecting), found \(checked.type)",
        at: checked.start)
    }
    let errors = (syntaxErrors + checker.errors).sorted { $0.offset < $1.offset }
    return (checked, errors)
  }

  static func compile(_ checked: Checked, registry: CompileRegistry) -> CompiledExpression {
    var compiler = Compiler(registry: registry, today: .today())
    let code = compiler.compile(checked)
    return CompiledExpression(
      type: checked.type, references: compiler.references, setProbes: compiler.setProbes,
      threshold: Compiler.threshold(checked, compiled: compiler),
      aggregate: Compiler.bareAggregate(checked, compiled: compiler), evaluate: code.evaluator)
  }

  static func error(_ errors: [ExprError], locate: (Int) -> SourceLocation) -> ComplyError {
    ComplyError(errors.map { Diagnostic($0.message, at: locate($0.offset)) })
  }
}
