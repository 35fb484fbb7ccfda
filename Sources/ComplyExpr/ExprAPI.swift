// The public contract of ComplyExpr: types, scopes, the evaluation frame and compiled
// expressions. The rules loader builds a Scope per rule; the engine fills an EvalFrame per row
// or group and calls the compiled closures. Nothing here knows about YAML or CSV.

public import ComplyCore

/// The static type of an expression.
public indirect enum ExprType: Hashable, Sendable, CustomStringConvertible {
  /// The type of the literal `null`; compatible with every type.
  case null
  case boolean, integer, decimal, string, date, time
  /// Integer-valued (1 = Monday); compares with integers and with string literals that parse
  /// as a weekday (`星期 == '周六'`).
  case weekday
  /// Integer-valued; compares with integers and with string literals that parse as a grade.
  case grade
  case list(ExprType)

  /// The expression type of a dataset column type (`month` columns are dates).
  public init(_ column: ColumnType) {
    switch column {
    case .string: self = .string
    case .integer: self = .integer
    case .decimal: self = .decimal
    case .date, .month: self = .date
    case .time: self = .time
    case .boolean: self = .boolean
    case .weekday: self = .weekday
    case .grade: self = .grade
    }
  }

  /// The type of a constant's value.
  public init(of value: Value) {
    switch value {
    case .null: self = .null
    case .bool: self = .boolean
    case .int: self = .integer
    case .decimal: self = .decimal
    case .string: self = .string
    case .date: self = .date
    case .time: self = .time
    }
  }

  public var description: String {
    switch self {
    case .null: return "null"
    case .boolean: return "boolean"
    case .integer: return "integer"
    case .decimal: return "decimal"
    case .string: return "string"
    case .date: return "date"
    case .time: return "time"
    case .weekday: return "weekday"
    case .grade: return "grade"
    case .list(let element): return "list<\(element)>"
    }
  }
}

/// Where a name's value is found at evaluation time.
public enum ValueRef: Hashable, Sendable {
  /// A column of the rule's dataset: `frame.row.value(at:)`.
  case column(Int)
  /// A column of the `join`-th joined row: `frame.withJoin(join)` (null when unmatched).
  case join(Int, column: Int)
  /// A group column of an aggregate rule: `frame.group[i]`.
  case group(Int)
  /// A `compute:` value of an aggregate rule: `frame.computed[i]`.
  case computed(Int)
  /// A constant known when the rule is compiled.
  case constant(Value)
}

/// A name visible to an expression.
public struct Binding: Sendable {
  public var type: ExprType
  public var ref: ValueRef
  /// True for columns marked `pii: true`: templates mask their values unless told not to.
  public var pii: Bool

  public init(type: ExprType, ref: ValueRef, pii: Bool = false) {
    self.type = type
    self.ref = ref
    self.pii = pii
  }
}

/// A named list (`lists:` in datasets.yaml): `$name`.
public struct ListConstant: Sendable {
  public var elementType: ExprType
  public var values: [Value]

  public init(elementType: ExprType, values: [Value]) {
    self.elementType = elementType
    self.values = values
  }
}

/// The aggregate functions of SPEC §2.2.
public enum AggregateKind: String, Sendable {
  /// `count()`: rows in the group.
  case count
  /// `count(x)`: rows where x is not null.
  case countNonNull
  /// `count_if(cond)`: rows where cond is true.
  case countIf
  /// `count_distinct(x)`: distinct non-null values.
  case countDistinct
  case sum, avg, min, max

  /// Whether the call counts rows or values: its result is an integer, never null.
  public var counts: Bool {
    switch self {
    case .count, .countNonNull, .countIf, .countDistinct: return true
    case .sum, .avg, .min, .max: return false
    }
  }
}

/// One aggregate call found while compiling a group-level expression; the engine keeps one
/// accumulator per call and stores its result in `frame.aggregates[index]`.
public struct AggregateCall: Sendable {
  public var kind: AggregateKind
  /// The argument, compiled in the rule's row scope; nil for `count()`.
  public var argument: CompiledExpression?
  /// The result type: integer for the counts, the argument's type for min/max and integer
  /// sums, decimal for avg and decimal sums.
  public var type: ExprType

  public init(kind: AggregateKind, argument: CompiledExpression?, type: ExprType) {
    self.kind = kind
    self.argument = argument
    self.type = type
  }
}

/// Collects what compiled expressions need from the engine beyond the row itself: the
/// aggregate calls of a rule, and the `x in dataset.column` value sets of a pack. Indices
/// handed out are stable; share one registry for every expression of a rule.
public final class CompileRegistry: @unchecked Sendable {
  public private(set) var aggregates: [AggregateCall] = []
  /// `(dataset, column)` pairs; `frame.sets[i]` must hold the values of pair `i`.
  public private(set) var sets: [(dataset: String, column: String)] = []
  /// Index of each aggregate added with a key, so that `sum(金额)` written twice in a rule
  /// is accumulated once.
  private var aggregateIndex: [String: Int] = [:]

  public init() {}

  public func addAggregate(_ call: AggregateCall) -> Int {
    aggregates.append(call)
    return aggregates.count - 1
  }

  /// Adds `call` unless a call with the same `key` (its kind and argument, as the expression
  /// compiler spells them) was added before, whose index it then returns.
  public func addAggregate(_ call: AggregateCall, key: String) -> Int {
    if let index = aggregateIndex[key] { return index }
    let index = addAggregate(call)
    aggregateIndex[key] = index
    return index
  }

  public func setIndex(dataset: String, column: String) -> Int {
    if let i = sets.firstIndex(where: { $0.dataset == dataset && $0.column == column }) { return i }
    sets.append((dataset, column))
    return sets.count - 1
  }
}

/// The names an expression may use.
public final class Scope: @unchecked Sendable {
  /// Bare names: the dataset's columns in a row scope; group columns and computed names in a
  /// group scope.
  public var names: [String: Binding] = [:]
  /// Join name → its columns (`std.标准金额`); bindings use `.join`.
  public var joins: [String: (index: Int, columns: [String: Binding])] = [:]
  /// Dataset name → column types, for `x in dataset.column`.
  public var datasets: [String: [String: ExprType]] = [:]
  /// `$name` lists and constants.
  public var lists: [String: ListConstant] = [:]
  public var constants: [String: Value] = [:]
  /// Non-nil in a group scope: aggregate calls are allowed and their arguments are checked
  /// in this row scope. Nil in a row scope, where aggregate calls are errors.
  public var rowScope: Scope?
  /// How string literals compared with grades read (`年级 == '初一'`): 初一 is 7 under 6-3
  /// and 6 under 5-4.
  public var gradeSystem: GradeSystem = .sixThree
  public let registry: CompileRegistry

  public init(registry: CompileRegistry) {
    self.registry = registry
  }
}

/// A row as compiled expressions read it: typed values by column index, in a fixed buffer
/// that its owner may refill row after row. A class rather than a protocol, so that reading a
/// cell is a load: no witness call, no retain of the row (the protocol's existential cost two
/// reference-count operations per cell read).
///
/// A text cell may be set as its UTF-8 bytes (`setText`), pointing into the buffer the row was
/// decoded from: it becomes a String only when `value(at:)` first reads it. Rules that test
/// text (`in`, joins, `matches`, `is null`, group keys) read the bytes with `text(at:)`, so a
/// row whose text is only tested allocates nothing per cell.
open class RowValues {
  public final let count: Int
  /// The typed values; a cell whose text is pending holds a stale value.
  @usableFromInline final let cells: UnsafeMutablePointer<Value>
  /// Per cell: the pending text's bytes (never empty), or an empty buffer.
  @usableFromInline final let texts: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>

  public init(_ values: [Value]) {
    count = values.count
    cells = .allocate(capacity: max(1, values.count))
    cells.initialize(from: values, count: values.count)
    texts = .allocate(capacity: max(1, values.count))
    texts.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: max(1, values.count))
  }

  public init(count: Int) {
    self.count = count
    cells = .allocate(capacity: max(1, count))
    cells.initialize(repeating: .null, count: count)
    texts = .allocate(capacity: max(1, count))
    texts.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: max(1, count))
  }

  deinit {
    cells.deinitialize(count: count)
    cells.deallocate()
    texts.deallocate()
  }

  /// The values as an array (a copy).
  public final var values: [Value] { (0..<count).map(value(at:)) }

  // The accessors are inlinable: the decoder and the group tables (ComplyEngine) call them for
  // every cell, and a call across modules each time cost more than the access.

  @inlinable
  public final func value(at column: Int) -> Value {
    precondition(column >= 0 && column < count, "column out of range")
    if texts[column].count != 0 { makeString(column) }
    return cells[column]
  }

  /// The bytes of a text cell not yet made a String (valid UTF-8, trimmed, not empty, in no
  /// particular normal form); nil when the cell holds its value.
  @inlinable
  public final func text(at column: Int) -> UnsafeBufferPointer<UInt8>? {
    precondition(column >= 0 && column < count, "column out of range")
    let bytes = texts[column]
    return bytes.count != 0 ? bytes : nil
  }

  /// Whether the cell is null, without making a pending text a String.
  @inlinable
  public final func isNull(at column: Int) -> Bool {
    precondition(column >= 0 && column < count, "column out of range")
    return texts[column].count == 0 && cells[column].isNull
  }

  @inlinable
  public final func set(_ value: Value, at column: Int) {
    texts[column] = UnsafeBufferPointer(start: nil, count: 0)
    cells[column] = value
  }

  /// Sets a string cell to the text `bytes` (valid UTF-8, not empty), read as a String only
  /// when needed; the bytes must stay valid until the cell is set again.
  @inlinable
  public final func setText(_ bytes: UnsafeBufferPointer<UInt8>, at column: Int) {
    precondition(!bytes.isEmpty, "an empty text is null")
    texts[column] = bytes
  }

  @usableFromInline @inline(never)
  final func makeString(_ column: Int) {
    cells[column] = .string(String(decoding: texts[column], as: UTF8.self))
    texts[column] = UnsafeBufferPointer(start: nil, count: 0)
  }
}

/// What a compiled expression evaluates against; one per rule, reused for every row or group.
///
/// Every expression node reads the frame, so its properties skip the runtime exclusivity check
/// (measured at 18 % of a benchmark run with the checks on): a frame belongs to one rule
/// runner on one thread, and no expression holds an access across a call that could write it.
public final class EvalFrame {
  /// The row expressions read, which the frame keeps alive; `lendRow` sets one it does not.
  public var row: RowValues? {
    get { unmanagedRow?.takeUnretainedValue() }
    set {
      ownedRow = newValue
      unmanagedRow = newValue.map(Unmanaged.passUnretained)
    }
  }

  /// Makes `row` the frame's row without keeping it alive: the caller does (a worker owns the
  /// rows its rules read), so that moving a frame from row to row retains and releases nothing.
  @inlinable
  public func lendRow(_ row: Unmanaged<RowValues>) {
    unmanagedRow = row
  }

  /// The last row set through `row`, kept alive (a lent row replaces it as the frame's row
  /// without releasing it: releasing on every lent row cost a call per row and rule).
  @exclusivity(unchecked) private var ownedRow: RowValues?
  /// The row as compiled expressions read it: through `withRow`, which does not retain and
  /// release the row around every cell read (~2 % of a benchmark run).
  @exclusivity(unchecked) @usableFromInline var unmanagedRow: Unmanaged<RowValues>?

  /// `body` applied to the row; nil when there is none.
  @inline(__always)
  public func withRow<R>(_ body: (RowValues) -> R) -> R? {
    unmanagedRow?._withUnsafeGuaranteedRef(body)
  }

  /// The bytes of the row's cell `column` while it is a text not yet made a String
  /// (RowValues.text); nil otherwise, or without a row.
  @inline(__always)
  public func text(at column: Int) -> UnsafeBufferPointer<UInt8>? {
    withRow { $0.text(at: column) } ?? nil
  }

  @exclusivity(unchecked) public var group: [Value] = []
  @exclusivity(unchecked) public var computed: [Value] = []
  @exclusivity(unchecked) public var aggregates: [Value] = []
  @exclusivity(unchecked) public var sets: [ValueSet] = []

  public init() {}

  // The joins: written for every row by a rule runner. Through methods here because another
  // module's accesses to the properties were checked at run time despite
  // `@exclusivity(unchecked)` (the runtime's access set was ~2.5 % of a benchmark run's
  // samples).

  /// Gives the frame `count` joins, none matched.
  public func resetJoins(count: Int) {
    joins = Array(repeating: nil, count: count)
  }

  /// Sets the row join `join` matched (nil: none). The frame does not keep it alive: the
  /// caller does (the engine's rows belong to lookup tables that outlive every frame), so that
  /// setting and reading a row shared by all workers' frames retains nothing.
  public func setJoin(_ join: Int, _ row: Unmanaged<RowValues>?) {
    joins[join] = row
  }

  /// Whether join `join` matched a row.
  @inline(__always)
  public func hasJoin(_ join: Int) -> Bool { joins[join] != nil }

  /// `body` applied to the row of join `join`; nil when it matched none.
  @inline(__always)
  public func withJoin<R>(_ join: Int, _ body: (RowValues) -> R) -> R? {
    joins[join]?._withUnsafeGuaranteedRef(body)
  }

  @exclusivity(unchecked) private var joins: [Unmanaged<RowValues>?] = []
}

/// A type-checked expression compiled to a closure.
public struct CompiledExpression: @unchecked Sendable {
  public let type: ExprType
  public let evaluate: (EvalFrame) -> Value
  /// Every ValueRef the expression reads (aggregate arguments excluded).
  public let references: Set<ValueRef>
  /// The row column the expression reads when it is nothing but that column (its text can
  /// then be taken as the row's bytes).
  public let column: Int?
  /// The row columns the expression looks up in `dataset.column` sets, so that a rule runner
  /// can prefetch the lookups of rows it will evaluate.
  public let setProbes: [SetProbe]
  /// The expression's shape when it is a comparison of one operand with a constant: a group
  /// can then be judged from that operand's value alone (Threshold).
  public let threshold: Threshold?
  /// The aggregate call (`frame.aggregates` index) the expression is, when it is nothing else.
  public let aggregate: Int?

  public init(
    type: ExprType, references: Set<ValueRef>, column: Int? = nil, setProbes: [SetProbe] = [],
    threshold: Threshold? = nil, aggregate: Int? = nil, evaluate: @escaping (EvalFrame) -> Value
  ) {
    self.type = type
    self.references = references
    self.column = column
    self.setProbes = setProbes
    self.threshold = threshold
    self.aggregate = aggregate
    self.evaluate = evaluate
  }
}

/// `operand op constant`: the expression's value is `test` of the operand's value, which is
/// what evaluating the whole expression gives (null stays null).
public struct Threshold: @unchecked Sendable {
  public enum Operand: Sendable {
    /// A name: a column, join column, group column or computed value.
    case reference(ValueRef)
    /// An aggregate call, by its `frame.aggregates` index.
    case aggregate(Int)
  }

  public let operand: Operand
  public let test: (Value) -> Value
}

/// An expression's test of a bare row column against a `dataset.column` set: the row's cell
/// `column` is looked up in `frame.sets[set]`.
public struct SetProbe: Sendable, Equatable {
  public let column: Int
  public let set: Int
}

/// A `message`/`owner` template compiled into literal text and expressions.
public struct CompiledTemplate: @unchecked Sendable {
  public enum Part {
    case text(String)
    /// An interpolated expression; `pii` when it is a bare reference to a pii column.
    case expression(CompiledExpression, pii: Bool)
  }

  public let parts: [Part]

  public init(parts: [Part]) { self.parts = parts }

  /// The text with each `{expression}` replaced by its value (null → empty); pii values masked
  /// with `PIIMask` when `mask` is true.
  public func render(_ frame: EvalFrame, mask: Bool) -> String {
    var out = ""
    for part in parts {
      switch part {
      case .text(let s): out += s
      case .expression(let e, let pii):
        let text = e.evaluate(frame).description
        out += pii && mask ? PIIMask.mask(text) : text
      }
    }
    return out
  }
}
