// The report of `se-attest verify`: one line per check, a summary, a verdict and its exit code;
// as text for people and as JSON (schema "se-attest-verify/1", docs/auditing.md). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seattest {

// The order is the order of the name tables in verify_report.cc.
enum class CheckStatus {
  kPass,
  kFail,        // the check was made and did not hold
  kNotChecked,  // could not be made (`detail` says why)
  kWarning,     // holds, with something the auditor should know (a certificate near expiry)
  kError,       // could not be made because an input was bad (unreadable, wrong key)
};

// Whether what a check looked at is covered by the signed record. Only what the signature covers
// counts toward VERIFIED: a check of something it does not cover may fail the verdict (a
// mismatch is still a mismatch), never carry it (docs/auditing.md).
enum class Coverage {
  kNotApplicable,  // about the auditor's own inputs, the certificate chain or the signature itself
  kSigned,         // a line of the signed record, or a file compared with one
  kUnsigned,       // a file of the folder that the signature does not cover (se-commit-id)
};

struct Check {
  std::string id{};   // stable, for scripts: "chain", "signature", "file:cidata/user-data", ...
  std::string title{};  // for people
  CheckStatus status = CheckStatus::kNotChecked;
  bool required = false;  // a verdict of "verified" needs it made and passed (never for kUnsigned)
  Coverage coverage = Coverage::kNotApplicable;
  std::string detail{};   // why, in one line
  // When a value was compared: what was expected and where it came from, what was found and where.
  std::string expected{}, expected_source{}, actual{}, actual_source{};
};

enum class Verdict { kVerified, kFailed, kBadInput, kIncomplete };  // name tables follow this order

// Exit codes of `se-attest verify` (docs/cli.md).
inline constexpr int kVerifyExitVerified = 0;
inline constexpr int kVerifyExitFailed = 1;
inline constexpr int kVerifyExitBadInput = 2;
inline constexpr int kVerifyExitIncomplete = 3;

struct VerifyReport {
  std::string subject;  // the folder or record verified
  std::vector<Check> checks;

  Check& Add(Check check) { return checks.emplace_back(std::move(check)); }
  // Failed beats bad input beats incomplete: a tampered byte is reported as such even when
  // another input was also unusable.
  Verdict verdict() const;
  int exit_code() const;
};

std::string_view StatusName(CheckStatus status);  // "pass", "FAIL", "not checked", ...
std::string_view VerdictName(Verdict verdict);    // "verified", "FAILED", ...
std::string_view CoverageName(Coverage coverage); // "signed", "UNSIGNED", "-"

// "pass  chain  leaf -> ... (detail)\n" per check, then the summary line.
std::string RenderReportText(const VerifyReport& report);
// One JSON object, keys in a fixed order, ending in "\n".
std::string RenderReportJson(const VerifyReport& report);

// Text from the folder as it may reach a terminal: C0 and C1 controls, DEL, bidirectional
// overrides and isolates (U+202A..U+202E, U+2066..U+2069) and bytes that are not UTF-8 become
// \xNN or \u{NNNN}; anything else is kept.
std::string Printable(std::string_view s);

// A JSON string literal (quotes included): every control character (C0, DEL, C1) and every
// bidirectional override or isolate as a \u escape, invalid UTF-8 as U+FFFD.
std::string JsonString(std::string_view s);

}  // namespace seattest
