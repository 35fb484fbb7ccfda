// Options shared by every subcommand that reads a rule pack, and the pack loading they share.

import ArgumentParser
import ComplyCore
import ComplyRules
import Foundation

struct RulesOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "A rule pack folder or rule file; repeat to overlay packs (later ones replace by name).")
  var rules: [String] = []

  var paths: [String] { rules.isEmpty ? ["./Rules"] : rules }

  /// Loads, merges and type-checks the packs.
  func compiledPack(today: Day) throws -> CompiledPack {
    try RulePackLoader.load(paths, today: today)
  }
}

/// `--today` and the date it defaults to.
enum Today {
  static func parse(_ text: String?) throws -> Day {
    guard let text else {
      let seconds = Int(time(nil))
      return Day(ordinal: seconds / 86400)
    }
    guard let day = ValueParser.parseDate(text[...]) else {
      throw ComplyError("--today: '\(text)' is not a date (use YYYY-MM-DD)")
    }
    return day
  }
}
