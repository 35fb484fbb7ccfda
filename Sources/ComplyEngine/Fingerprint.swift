// Fingerprint: a violation's identity across runs. HMAC-SHA256 over the rule id, the dataset
// and the record's key values (or, without a key, all its declared values), or the group
// values of an aggregate rule. Lines are left out, so a record that moves keeps its
// fingerprint.
//
// Personal data: an ID number has about 10^11 plausible values, so a plain or unkeyed hash of
// one can be reversed by brute force. With a per-project secret (COMPLY_FINGERPRINT_SECRET)
// the HMAC covers the raw values and cannot be reversed without the secret. Without one, `pii`
// values enter the fingerprint only in their masked form (张*, 110101********1234): the
// fingerprint then reveals nothing the masked report does not already show, at the cost of
// two records that differ only in the masked-out characters sharing a fingerprint (the
// baseline matches fingerprints as a multiset, so such pairs still reconcile by count).

import ComplyCore
import Crypto
import Foundation

struct Fingerprinter {
  let key: SymmetricKey
  let hasSecret: Bool

  init(secret: String?) {
    let secret = secret.flatMap { $0.isEmpty ? nil : $0 }
    hasSecret = secret != nil
    key = SymmetricKey(data: Data((secret ?? "comply-fingerprint").utf8))
  }

  /// How a value enters the fingerprint: masked when personal and there is no secret.
  func material(_ value: Value, pii: Bool) -> String {
    let text = value.description
    return pii && !hasSecret ? PIIMask.mask(text) : text
  }

  /// 32 hex digits identifying `parts` under this fingerprinter's key.
  func fingerprint(_ parts: [String]) -> String {
    var data = Data()
    for part in parts {
      data.append(contentsOf: part.utf8)
      data.append(0x1F)
    }
    let mac = HMAC<SHA256>.authenticationCode(for: data, using: key)
    return hex(mac.prefix(16))
  }
}

/// Lower-case hex digits of `bytes` (String(format:) per byte costs a quarter of a run in which
/// a million groups violate).
func hex(_ bytes: some Sequence<UInt8>) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for b in bytes {
    out.append(digits[Int(b >> 4)])
    out.append(digits[Int(b & 15)])
  }
  return String(decoding: out, as: UTF8.self)
}
