// Compiler: turns a Checked tree into nested closures, once per expression. Every name is
// already a ValueRef, so evaluation does no lookups; a node whose inputs are all constants
// is evaluated here and becomes a constant. Three-valued logic (SQL) lives in these closures:
// a null operand makes a comparison or arithmetic null; `and`/`or` use Kleene logic.
//
// A bare column tested by `is null`, `in` or a byte-run pattern first asks the row for the
// cell's bytes (RowValues.text): a text cell the row still holds as bytes is answered from
// them, without making it a String; any other cell takes the Value path.
//
// Compiling has side effects on the registries: aggregate calls and `dataset.column` sets
// are registered here, only for expressions that type-checked.

import ComplyCore
internal import Foundation

/// A compiled node: a constant, or a closure that reads the frame.
enum Code {
  case constant(Value)
  case dynamic(Evaluator)

  var evaluator: Evaluator {
    switch self {
    case .constant(let value): return { _ in value }
    case .dynamic(let evaluate): return evaluate
    }
  }

  var isConstant: Bool {
    if case .constant = self { return true }
    return false
  }
}

/// Compiles Checked trees of one expression.
struct Compiler {
  let registry: CompileRegistry
  /// The day `id_valid` compares birth dates with.
  let today: Day
  private(set) var references: Set<ValueRef> = []
  /// The `column in dataset.column` tests of bare columns, for prefetching (CompiledExpression).
  private(set) var setProbes: [SetProbe] = []
  /// The `frame.aggregates` index of each aggregate call compiled, in order.
  private(set) var aggregates: [Int] = []
  /// The frame constant subtrees are folded with; they never read it.
  private let scratch = EvalFrame()
  /// Lists up to this long are scanned rather than hashed.
  static let scanLimit = 4

  init(registry: CompileRegistry, today: Day) {
    self.registry = registry
    self.today = today
  }

  /// Folds `evaluate` to a constant when every input is one.
  private func make(_ inputs: [Code], _ evaluate: @escaping Evaluator) -> Code {
    inputs.allSatisfy(\.isConstant) ? .constant(evaluate(scratch)) : .dynamic(evaluate)
  }

  mutating func compile(_ node: Checked) -> Code {
    switch node.kind {
    case .constant(let value, _):
      return .constant(value)
    case .reference(let ref, _):
      references.insert(ref)
      return Self.read(ref)
    case .exists(let join, _):
      return .dynamic { frame in .bool(frame.hasJoin(join)) }
    case .list, .namedList, .datasetColumn, .invalid:
      // The checker only lets lists appear after `in`, compiled by `membership`, and the
      // compiler only sees trees without errors.
      return .constant(.null)
    case .negate(let operand):
      let x = compile(operand)
      let a = x.evaluator
      return make([x]) { frame in Arithmetic.negate(a(frame)) }
    case .not(let operand):
      let x = compile(operand)
      let a = x.evaluator
      return make([x]) { frame in
        guard case .bool(let b) = a(frame) else { return .null }
        return .bool(!b)
      }
    case .binary(let op, let lhs, let rhs):
      return binary(op, lhs, rhs)
    case .isNull(let operand, let negated):
      let x = compile(operand)
      if let column = Self.column(operand) {
        return .dynamic { frame in .bool((frame.withRow { $0.isNull(at: column) } ?? true) != negated) }
      }
      let a = x.evaluator
      return make([x]) { frame in .bool(a(frame).isNull != negated) }
    case .membership(let lhs, let rhs, let negated):
      return membership(compile(lhs), column: Self.column(lhs), rhs, negated: negated)
    case .call(let builtin, let arguments):
      let codes = arguments.map { compile($0) }
      let evaluate = builtin.evaluator(
        codes.map(\.evaluator), types: arguments.map(\.type), result: node.type, today: today)
      return make(codes, evaluate)
    case .matches(let text, let regex, let pattern):
      let x = compile(text)
      let a = x.evaluator
      let column = Self.column(text)
      if let literal = LiteralAlternation(pattern: pattern) {
        return make([x]) { frame in
          if let column, let bytes = frame.text(at: column) { return .bool(literal.matches(utf8: bytes)) }
          guard case .string(let s) = a(frame) else { return .null }
          return .bool(literal.matches(s))
        }
      }
      if let sequence = ClassSequencePattern(pattern: pattern) {
        return make([x]) { frame in
          if let column, let bytes = frame.text(at: column) { return .bool(sequence.matches(utf8: bytes)) }
          guard case .string(let s) = a(frame) else { return .null }
          return .bool(sequence.matches(s))
        }
      }
      return make([x]) { frame in
        guard case .string(let s) = a(frame) else { return .null }
        let range = NSRange(location: 0, length: s.utf16.count)
        return .bool(regex.firstMatch(in: s, range: range) != nil)
      }
    case .aggregate(let kind, _, let argument, let rowRegistry):
      return aggregate(kind, argument, rowRegistry, type: node.type)
    }
  }

  /// The `is null` / `is not null` tests of row columns that `node` is a chain of, joined by
  /// `op` (`and` or `or`); nil when any term is something else.
  private func nullTests(_ op: BinaryOperator, _ node: Checked) -> [(column: Int, negated: Bool)]? {
    switch node.kind {
    case .binary(op, let lhs, let rhs):
      guard let left = nullTests(op, lhs), let right = nullTests(op, rhs) else { return nil }
      return left + right
    case .isNull(let operand, let negated):
      return Self.column(operand).map { [($0, negated)] }
    default:
      return nil
    }
  }

  /// The row column `node` reads when it is nothing but that column: a text cell can then be
  /// tested as the bytes the row holds, without making it a String.
  static func column(_ node: Checked) -> Int? {
    if case .reference(.column(let i), _) = node.kind { return i }
    return nil
  }

  /// How a ValueRef is read; a missing row reads as null.
  static func read(_ ref: ValueRef) -> Code {
    switch ref {
    case .column(let i): return .dynamic { frame in frame.withRow { $0.value(at: i) } ?? .null }
    case .join(let j, let c): return .dynamic { frame in frame.withJoin(j) { $0.value(at: c) } ?? .null }
    case .group(let i): return .dynamic { frame in frame.group[i] }
    case .computed(let i): return .dynamic { frame in frame.computed[i] }
    case .constant(let value): return .constant(value)
    }
  }

  // MARK: - Operators

  /// How an operator's closure reads an operand: a row or join cell, or a constant, in place,
  /// without calling a closure of its own (most comparisons in rules compare a column with a
  /// constant or another column); anything else is evaluated. A struct rather than an enum
  /// with payloads: reading a payload out of a captured enum retained it on every evaluation.
  struct Operand {
    enum Kind { case column, join, constant, evaluated }

    let kind: Kind
    /// The row column, or the join's column.
    var column = 0
    var join = 0
    var constant = Value.null
    var evaluate: Evaluator = { _ in .null }

    @inline(__always)
    func value(_ frame: EvalFrame) -> Value {
      switch kind {
      case .column: return frame.withRow { $0.value(at: column) } ?? .null
      case .join: return frame.withJoin(join) { $0.value(at: column) } ?? .null
      case .constant: return constant
      case .evaluated: return evaluate(frame)
      }
    }
  }

  /// `node` compiled, and how an operator reads it.
  private mutating func operand(_ node: Checked) -> (Code, Operand) {
    let code = compile(node)
    switch (code, node.kind) {
    case (.constant(let value), _): return (code, Operand(kind: .constant, constant: value))
    case (_, .reference(.column(let i), _)): return (code, Operand(kind: .column, column: i))
    case (_, .reference(.join(let j, let c), _)): return (code, Operand(kind: .join, column: c, join: j))
    default: return (code, Operand(kind: .evaluated, evaluate: code.evaluator))
    }
  }

  private mutating func binary(_ op: BinaryOperator, _ lhs: Checked, _ rhs: Checked) -> Code {
    switch op {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
      return comparison(op, lhs, rhs)
    case .add: return arithmetic(lhs, rhs, Arithmetic.add)
    case .subtract: return arithmetic(lhs, rhs, Arithmetic.subtract)
    case .multiply: return arithmetic(lhs, rhs, Arithmetic.multiply)
    case .divide: return arithmetic(lhs, rhs, Arithmetic.divide)
    case .remainder: return arithmetic(lhs, rhs, Arithmetic.remainder)
    case .and, .or:
      if var tests = nullTests(op, lhs), let more = nullTests(op, rhs) {
        // `a is not null and b is not null and …` (a rule's required fields): one closure reads
        // each column's null flag in turn, with no closure or Value per term (the benchmark's
        // chain of seven, `--rule FEE-REQUIRED-FIELDS` at 1M rows, five pairs: 407–511 →
        // 365–382 task-clock ms). A test is never null, so `and` is false at the first false
        // test and `or` true at the first true one.
        tests += more
        for test in tests { references.insert(.column(test.column)) }
        let columns = tests.map(\.column)
        let negated = tests.map(\.negated)
        let decisive = op == .or
        return .dynamic { frame in
          let decided =
            frame.withRow { row in
              for k in columns.indices where (row.isNull(at: columns[k]) != negated[k]) == decisive { return true }
              return false
            } ?? negated.contains { !$0 == decisive }
          return .bool(decided == decisive)
        }
      }
      let l = compile(lhs)
      let r = compile(rhs)
      let a = l.evaluator
      let b = r.evaluator
      // Kleene logic: for `and`, false wins, then null, then true; `or` the other way round.
      // Nested closures, one per operator: a closure the calling closure captured is called
      // without retaining it, where one loaded from an array of a chain's terms was retained.
      let decisive = op == .or
      return make([l, r]) { frame in
        let x = a(frame)
        if case .bool(decisive) = x { return x }
        let y = b(frame)
        if case .bool(decisive) = y { return y }
        return x.isNull || y.isNull ? .null : .bool(!decisive)
      }
    }
  }

  private mutating func arithmetic(
    _ lhs: Checked, _ rhs: Checked, _ operation: @escaping (Value, Value) -> Value
  ) -> Code {
    let (l, a) = operand(lhs)
    let (r, b) = operand(rhs)
    return make([l, r]) { frame in
      let x = a.value(frame)
      if x.isNull { return .null }
      let y = b.value(frame)
      if y.isNull { return .null }
      return operation(x, y)
    }
  }

  /// The comparison of two non-null values.
  static func compare(_ op: BinaryOperator, _ x: Value, _ y: Value) -> Value {
    switch op {
    case .equal: return .bool(Arithmetic.equal(x, y))
    case .notEqual: return .bool(!Arithmetic.equal(x, y))
    default:
      guard let order = Value.compare(x, y) else { return .null }
      switch op {
      case .less: return .bool(order < 0)
      case .lessEqual: return .bool(order <= 0)
      case .greater: return .bool(order > 0)
      default: return .bool(order >= 0)
      }
    }
  }

  /// `node`'s shape as a Threshold, when it is a comparison of a name or an aggregate call
  /// with a non-null constant; `compiled` is the compiler that compiled `node`.
  static func threshold(_ node: Checked, compiled: Compiler) -> Threshold? {
    guard case .binary(let op, let lhs, let rhs) = node.kind,
      [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op),
      case .constant(let y, _) = rhs.kind, !y.isNull
    else { return nil }
    let operand: Threshold.Operand
    if case .reference(let ref, _) = lhs.kind {
      operand = .reference(ref)
    } else if let call = bareAggregate(lhs, compiled: compiled) {
      operand = .aggregate(call)
    } else {
      return nil
    }
    return Threshold(operand: operand) { x in x.isNull ? .null : Self.compare(op, x, y) }
  }

  /// The `frame.aggregates` index of `node` when it is an aggregate call and nothing else, and
  /// the only call `compiled` (the compiler of the expression holding it) registered.
  static func bareAggregate(_ node: Checked, compiled: Compiler) -> Int? {
    guard case .aggregate = node.kind, compiled.aggregates.count == 1 else { return nil }
    return compiled.aggregates[0]
  }

  /// A comparison; `=`/`!=` of a bare text column compares the bytes the row holds with a
  /// string, without making the cell a String (UnicodeNFC.equal(utf8:_:)).
  private mutating func comparison(_ op: BinaryOperator, _ lhs: Checked, _ rhs: Checked) -> Code {
    let (l, a) = operand(lhs)
    let (r, b) = operand(rhs)
    if b.kind == .constant, b.constant.isNull { return .constant(.null) }
    if op == .equal || op == .notEqual, let column = Self.column(lhs) {
      let equal = op == .equal
      return make([l, r]) { frame in
        if let bytes = frame.text(at: column) {
          let y = b.value(frame)
          if case .string(let s) = y { return .bool(UnicodeNFC.equal(utf8: bytes, s) == equal) }
          if y.isNull { return .null }
        }
        let x = a.value(frame)
        if x.isNull { return .null }
        let y = b.value(frame)
        return y.isNull ? .null : Self.compare(op, x, y)
      }
    }
    if a.kind == .column, b.kind == .constant, let passing = Self.passing(op, b.constant),
      let orderPassing = Self.passing(op, .int(0))
    {
      // A row column against a date or integer constant (a date window, `年级 <= 9`,
      // `金额 > 0`): the constant becomes the range of values that pass, so a date or integer
      // cell is judged with two integer comparisons and a decimal cell by its order against
      // the constant, without the generic comparison's dispatch.
      let column = a.column
      let y = b.constant
      let yDecimal = y.decimalValue
      return .dynamic { frame in
        let x = frame.withRow { $0.value(at: column) } ?? .null
        switch x {
        case .null: return .null
        case .date(let d) where passing.isDate: return .bool(passing.range.contains(d.ordinal))
        case .int(let i) where !passing.isDate: return .bool(passing.range.contains(Int(i)))
        case .decimal(let d) where yDecimal != nil: return .bool(orderPassing.range.contains(ExactDecimal.order(d, yDecimal!)))
        default: return Self.compare(op, x, y)
        }
      }
    }
    return make([l, r]) { frame in
      let x = a.value(frame)
      if x.isNull { return .null }
      let y = b.value(frame)
      return y.isNull ? .null : Self.compare(op, x, y)
    }
  }

  /// The values `x` (a date's ordinal, or an integer) for which `x op c` holds, for a date or
  /// integer constant `c` and an ordering `op`; nil for anything else.
  static func passing(_ op: BinaryOperator, _ c: Value) -> (range: ClosedRange<Int>, isDate: Bool)? {
    let n: Int
    let isDate: Bool
    switch c {
    case .date(let d): (n, isDate) = (d.ordinal, true)
    case .int(let i): (n, isDate) = (Int(i), false)
    default: return nil
    }
    switch op {
    case .less: return n == Int.min ? nil : (Int.min...(n - 1), isDate)
    case .lessEqual: return (Int.min...n, isDate)
    case .greater: return n == Int.max ? nil : ((n + 1)...Int.max, isDate)
    case .greaterEqual: return (n...Int.max, isDate)
    default: return nil
    }
  }

  // MARK: - Membership

  /// `x in list`: null for a null `x`; null elements of a list are ignored (a list is a set
  /// of values), so `x not in [1, null]` is true for 2 rather than SQL's null.
  private mutating func membership(_ l: Code, column: Int?, _ rhs: Checked, negated: Bool) -> Code {
    let a = l.evaluator
    let found = Value.bool(!negated)
    let missing = Value.bool(negated)
    /// Tests membership in values known now: a scan for a short list (comparing a few Chinese
    /// strings is cheaper than hashing one), a hash set for a long one.
    func inSet(_ values: [Value]) -> Code {
      let values = values.filter { !$0.isNull }
      if values.count <= Self.scanLimit {
        // A text cell still held as bytes equals only the text members, compared as NFC bytes.
        let texts = values.compactMap { value -> [UInt8]? in
          guard case .string(let s) = value else { return nil }
          return UnicodeNFC.withNFCBytes(s) { Array($0) }
        }
        return make([l]) { frame in
          if let column, let bytes = frame.text(at: column), UnicodeNFC.isStable(bytes) {
            for text in texts where text.withUnsafeBufferPointer({ UnicodeNFC.bytesEqual($0, bytes) }) {
              return found
            }
            return missing
          }
          let x = a(frame)
          if x.isNull { return .null }
          for value in values where Arithmetic.equal(x, value) { return found }
          return missing
        }
      }
      let set = ValueSet(values)
      return make([l]) { frame in
        if let column, let bytes = frame.text(at: column) { return set.contains(utf8: bytes) ? found : missing }
        let x = a(frame)
        if x.isNull { return .null }
        return set.contains(x) ? found : missing
      }
    }
    switch rhs.kind {
    case .list(let elements):
      let codes = elements.map { compile($0) }
      if codes.allSatisfy(\.isConstant) {
        return inSet(codes.map { $0.evaluator(scratch) })
      }
      let evaluators = codes.map(\.evaluator)
      return .dynamic { frame in
        let x = a(frame)
        if x.isNull { return .null }
        for element in evaluators {
          let y = element(frame)
          if !y.isNull, Arithmetic.equal(x, y) { return found }
        }
        return missing
      }
    case .namedList(_, let values):
      return inSet(values)
    case .datasetColumn(let dataset, let setColumn):
      let index = registry.setIndex(dataset: dataset, column: setColumn)
      if let column { setProbes.append(SetProbe(column: column, set: index)) }
      return .dynamic { frame in
        if let column, let bytes = frame.text(at: column) {
          return frame.sets[index].contains(utf8: bytes) ? found : missing
        }
        let x = a(frame)
        if x.isNull { return .null }
        return frame.sets[index].contains(x) ? found : missing
      }
    default:
      return .constant(.null)
    }
  }

  // MARK: - Aggregates

  private mutating func aggregate(
    _ kind: AggregateKind, _ argument: Checked?, _ rowRegistry: CompileRegistry, type: ExprType
  ) -> Code {
    var compiled: CompiledExpression?
    if let argument {
      var inner = Compiler(registry: rowRegistry, today: today)
      let code = inner.compile(argument)
      compiled = CompiledExpression(
        type: argument.type, references: inner.references, column: Self.column(argument), evaluate: code.evaluator)
    }
    let key = kind.rawValue + "(" + (argument.map(ExprDebugPrinter.render) ?? "") + ")"
    let index = registry.addAggregate(
      AggregateCall(kind: kind, argument: compiled, type: type), key: key)
    aggregates.append(index)
    return .dynamic { frame in frame.aggregates[index] }
  }
}
