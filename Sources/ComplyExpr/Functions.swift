// Functions: the scalar built-ins of SPEC §2.3 — their names, arities, fixed signatures and
// runtime implementations — and the names of the aggregate functions. The checker applies
// the signatures (Checker+Calls.swift); the compiler asks for an implementation here.
//
// Every function returns null for a null argument except coalesce, is_empty and exists.
// min/max with two or more arguments ignore nulls (PostgreSQL's LEAST/GREATEST): null only
// when every argument is null.

import ComplyCore
internal import Foundation

/// A compiled expression's evaluator.
typealias Evaluator = (EvalFrame) -> Value

/// The scalar built-in functions.
enum Builtin: String, CaseIterable {
  case len, lower, upper, trim, contains
  case startsWith = "starts_with", endsWith = "ends_with", matches, number
  case year, month, day, weekday
  case daysBetween = "days_between", ageOn = "age_on", minutes
  case coalesce, abs, round, min, max, exists
  case isEmpty = "is_empty", idValid = "id_valid", idBirthDate = "id_birth_date"

  /// Names of calls that are not scalar built-ins: literal constructors and aggregates.
  static let otherNames = ["date", "time", "count", "count_if", "count_distinct", "sum", "avg"]

  /// Every function name, for "did you mean".
  static let allNames: [String] = allCases.map(\.rawValue) + otherNames

  /// How many arguments the function takes (`min`/`max` with one argument are aggregates).
  var arity: ClosedRange<Int> {
    switch self {
    case .contains, .startsWith, .endsWith, .matches, .daysBetween, .ageOn: return 2...2
    case .coalesce: return 1...Int.max
    case .min, .max: return 2...Int.max
    case .round: return 1...2
    default: return 1...1
    }
  }

  /// Parameter and result types of the functions whose types are fixed; nil for those the
  /// checker types itself (coalesce, abs, round, min, max, exists, is_empty, matches).
  var signature: (parameters: [ExprType], result: ExprType)? {
    switch self {
    case .len: return ([.string], .integer)
    case .lower, .upper, .trim: return ([.string], .string)
    case .contains, .startsWith, .endsWith: return ([.string, .string], .boolean)
    case .number: return ([.string], .decimal)
    case .year, .month, .day: return ([.date], .integer)
    case .weekday: return ([.date], .weekday)
    case .daysBetween, .ageOn: return ([.date, .date], .integer)
    case .minutes: return ([.time], .integer)
    case .idValid: return ([.string], .boolean)
    case .idBirthDate: return ([.string], .date)
    case .coalesce, .abs, .round, .min, .max, .exists, .isEmpty, .matches: return nil
    }
  }

  /// The evaluator of a call whose arguments compile to `arguments`; `types` are the argument
  /// types and `result` the call's type. `exists` and `matches` are compiled by the compiler.
  func evaluator(
    _ arguments: [Evaluator], types: [ExprType], result: ExprType, today: Day
  ) -> Evaluator {
    let a = arguments[0]
    switch self {
    case .len: return string(a) { .int(Int64($0.count)) }
    case .lower: return string(a) { .string($0.lowercased()) }
    case .upper: return string(a) { .string($0.uppercased()) }
    case .trim:
      return string(a) { text in
        // Most cells are trimmed already; returning the argument then allocates nothing.
        let trimmed = ValueParser.trim(text[...])
        return .string(trimmed.utf8.count == text.utf8.count ? text : String(trimmed))
      }
    case .contains: return strings(a, arguments[1]) { .bool($0.contains($1)) }
    case .startsWith: return strings(a, arguments[1]) { .bool($0.hasPrefix($1)) }
    case .endsWith: return strings(a, arguments[1]) { .bool($0.hasSuffix($1)) }
    case .number:
      return string(a) { text in
        var text = text
        return text.withUTF8 { ExactDecimal.parse(ValueParser.trim($0)) }.map(Value.decimal) ?? .null
      }
    case .year: return date(a) { .int(Int64($0.components.year)) }
    case .month: return date(a) { .int(Int64($0.components.month)) }
    case .day: return date(a) { .int(Int64($0.components.day)) }
    case .weekday: return date(a) { .int(Int64($0.weekday)) }
    case .daysBetween: return dates(a, arguments[1]) { .int(Int64($1.ordinal - $0.ordinal)) }
    case .ageOn: return dates(a, arguments[1]) { .int(Int64(Self.age(born: $0, on: $1))) }
    case .minutes:
      return { frame in
        guard case .time(let t) = a(frame) else { return .null }
        return .int(Int64(t.minutes))
      }
    case .idValid:
      return { frame in
        guard case .string(let id) = a(frame) else { return .null }
        return .bool(ResidentID.birthDate(of: id, today: today) != nil)
      }
    case .idBirthDate:
      return string(a) { ResidentID.birthDate(of: $0, today: today).map(Value.date) ?? .null }
    case .isEmpty:
      return { frame in
        switch a(frame) {
        case .null: return .bool(true)
        case .string(let s): return .bool(ValueParser.trim(s[...]).isEmpty)
        default: return .bool(false)
        }
      }
    case .abs:
      return { frame in
        switch a(frame) {
        case .int(let i): return i == .min ? .null : .int(Swift.abs(i))
        case .decimal(let d): return .decimal(d.magnitude)
        default: return .null
        }
      }
    case .round:
      return Self.round(a, digits: arguments.count > 1 ? arguments[1] : nil)
    case .coalesce, .min, .max:
      let promoted = zip(arguments, types).map { argument, type in
        result == .decimal && type != .decimal ? Self.promote(argument) : argument
      }
      return self == .coalesce ? Self.coalesce(promoted) : Self.extreme(promoted, max: self == .max)
    case .exists, .matches:
      preconditionFailure("'\(rawValue)' is compiled by the compiler")
    }
  }

  // MARK: - Argument unwrapping

  private func string(_ a: @escaping Evaluator, _ body: @escaping (String) -> Value) -> Evaluator {
    { frame in
      guard case .string(let s) = a(frame) else { return .null }
      return body(s)
    }
  }

  private func strings(
    _ a: @escaping Evaluator, _ b: @escaping Evaluator, _ body: @escaping (String, String) -> Value
  ) -> Evaluator {
    { frame in
      guard case .string(let x) = a(frame), case .string(let y) = b(frame) else { return .null }
      return body(x, y)
    }
  }

  private func date(_ a: @escaping Evaluator, _ body: @escaping (Day) -> Value) -> Evaluator {
    { frame in
      guard case .date(let d) = a(frame) else { return .null }
      return body(d)
    }
  }

  private func dates(
    _ a: @escaping Evaluator, _ b: @escaping Evaluator, _ body: @escaping (Day, Day) -> Value
  ) -> Evaluator {
    { frame in
      guard case .date(let x) = a(frame), case .date(let y) = b(frame) else { return .null }
      return body(x, y)
    }
  }

  // MARK: - Implementations

  /// Full years from `born` to `day`; someone born on 29 February turns a year older on
  /// 1 March in common years.
  static func age(born: Day, on day: Day) -> Int {
    let b = born.components
    let d = day.components
    let beforeBirthday = (d.month, d.day) < (b.month, b.day)
    return d.year - b.year - (beforeBirthday ? 1 : 0)
  }

  /// An integer argument read as a decimal, where the call's type is decimal.
  static func promote(_ a: @escaping Evaluator) -> Evaluator {
    { frame in
      let value = a(frame)
      if case .int(let i) = value { return .decimal(ExactDecimal(i)) }
      return value
    }
  }

  static func coalesce(_ arguments: [Evaluator]) -> Evaluator {
    if arguments.count == 2 {
      let (a, b) = (arguments[0], arguments[1])
      return { frame in
        let value = a(frame)
        return value.isNull ? b(frame) : value
      }
    }
    return { frame in
      for argument in arguments {
        let value = argument(frame)
        if !value.isNull { return value }
      }
      return .null
    }
  }

  /// LEAST / GREATEST ignoring nulls.
  static func extreme(_ arguments: [Evaluator], max: Bool) -> Evaluator {
    /// The better of two values, either of which may be null.
    func pick(_ x: Value, _ y: Value) -> Value {
      if x.isNull { return y }
      if y.isNull { return x }
      guard let order = Value.compare(x, y) else { return .null }
      return (order < 0) == max ? y : x
    }
    if arguments.count == 2 {
      let (a, b) = (arguments[0], arguments[1])
      return { frame in pick(a(frame), b(frame)) }
    }
    return { frame in
      var best = Value.null
      for argument in arguments { best = pick(best, argument(frame)) }
      return best
    }
  }

  /// Half away from zero; integers stay integers (and only change for negative digits).
  static func round(_ a: @escaping Evaluator, digits: Evaluator?) -> Evaluator {
    /// `value` rounded to `places` digits, null on overflow.
    func rounded(_ value: Value, _ places: Int64) -> Value {
      let places = Int(Swift.max(-40, Swift.min(40, places)))
      switch value {
      case .int(let i):
        guard places < 0 else { return value }
        guard let r = Arithmetic.round(ExactDecimal(i), digits: places)?.int64Value else {
          return .null
        }
        return .int(r)
      case .decimal(let d):
        return Arithmetic.round(d, digits: places).map(Value.decimal) ?? .null
      default:
        return .null
      }
    }
    guard let digits else { return { frame in rounded(a(frame), 0) } }
    return { frame in
      guard case .int(let places) = digits(frame) else { return .null }
      return rounded(a(frame), places)
    }
  }
}

extension AggregateKind {
  /// The aggregate a call to `name` with `arity` arguments denotes; `min`/`max` are
  /// aggregates only with one argument.
  init?(call name: String, arity: Int) {
    switch name {
    case "count": self = arity == 0 ? .count : .countNonNull
    case "count_if": self = .countIf
    case "count_distinct": self = .countDistinct
    case "sum": self = .sum
    case "avg": self = .avg
    case "min" where arity == 1: self = .min
    case "max" where arity == 1: self = .max
    default: return nil
    }
  }
}
