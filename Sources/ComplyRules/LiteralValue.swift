// LiteralValue: the typed value of a YAML scalar in `lists:` and `constants:`. Plain scalars
// that read as numbers, booleans, dates (YYYY-MM-DD) or times (HH:MM) take that type; quoted
// scalars are always text.

import ComplyCore
import ComplyExpr
import ComplyYAML

enum LiteralValue {
  static func infer(_ s: YAMLScalar) -> Value {
    guard s.style == .plain else { return .string(s.value) }
    if s.isNull { return .null }
    let t = s.value[...]
    if let i = ValueParser.parseInteger(t) { return .int(i) }
    if t.contains("."), let d = ExactDecimal(parsing: s.value), !t.contains(",") { return .decimal(d) }
    switch s.value {
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if t.utf8.count == 10, t.contains("-"), let d = ValueParser.parseDate(t) { return .date(d) }
    if t.contains(":"), let time = ValueParser.parseTime(t) { return .time(time) }
    return .string(s.value)
  }

  /// A list's values and element type; mixed kinds fall back to text.
  static func list(_ scalars: [YAMLScalar]) -> ListConstant {
    let values = scalars.map(infer).filter { !$0.isNull }
    let types = Set(values.map { ExprType(of: $0) })
    if types.isEmpty { return ListConstant(elementType: .string, values: []) }
    if types.count == 1, let only = types.first { return ListConstant(elementType: only, values: values) }
    if types.isSubset(of: [.integer, .decimal]) {
      return ListConstant(elementType: .decimal, values: values)
    }
    return ListConstant(elementType: .string, values: scalars.filter { !$0.isNull }.map { .string($0.value) })
  }
}
