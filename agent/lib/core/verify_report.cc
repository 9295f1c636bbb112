#include "core/verify_report.h"

#include <algorithm>
#include <cstdio>

#include "core/utf8.h"

namespace seattest {
namespace {

// Names of each status and verdict, in enum order: in JSON (stable) and for people.
struct Names {
  std::string_view json, text;
};
constexpr Names kStatusNames[] = {
    {"pass", "pass"}, {"fail", "FAIL"}, {"not-checked", "not checked"}, {"warning", "WARNING"}, {"error", "ERROR"}};
constexpr Names kVerdictNames[] = {
    {"verified", "VERIFIED"}, {"failed", "FAILED"}, {"bad-input", "NOT VERIFIED (bad input)"}, {"incomplete", "INCOMPLETE"}};

// In enum order; JSON: "covered_by_signature" is null, true or false.
constexpr Names kCoverageNames[] = {{"null", "-"}, {"true", "signed"}, {"false", "UNSIGNED"}};

std::string_view JsonStatus(CheckStatus status) { return kStatusNames[static_cast<int>(status)].json; }
std::string_view JsonVerdict(Verdict verdict) { return kVerdictNames[static_cast<int>(verdict)].json; }

bool Passed(CheckStatus s) { return s == CheckStatus::kPass || s == CheckStatus::kWarning; }

// Code points that must never reach a terminal or a JSON reader raw: C1 controls (U+009B is CSI,
// an escape sequence in one character) and the bidirectional overrides and isolates that reorder
// what is shown (Trojan Source).
bool Dangerous(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

// Text from the folder can be megabytes (a key of two million characters): a report line shows
// at most this many bytes of a field, cut at a character boundary, and says how long it was.
constexpr std::size_t kMaxFieldBytes = 1024;

std::string Clip(std::string_view s) {
  if (s.size() <= kMaxFieldBytes) return std::string(s);
  std::size_t cut = 0;
  for (std::size_t i = 0; i < kMaxFieldBytes;) {
    const std::size_t n = std::max<std::size_t>(DecodeUtf8(s, i).length, 1);
    if (i + n > kMaxFieldBytes) break;
    i += n;
    cut = i;
  }
  return std::string(s.substr(0, cut)) + "... (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace

std::string Printable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const Utf8Char ch = DecodeUtf8(s, i);
    char buf[16];
    if (ch.length == 0 || c < 0x20 || c == 0x7f) {
      (void)std::snprintf(buf, sizeof buf, "\\x%02x", c);  // 4 characters: cannot fail
      out += buf;
      ++i;
    } else if (Dangerous(ch.code_point)) {
      (void)std::snprintf(buf, sizeof buf, "\\u{%04x}", ch.code_point);  // 8 characters
      out += buf;
      i += ch.length;
    } else {
      out.append(s.substr(i, ch.length));
      i += ch.length;
    }
  }
  return out;
}

Verdict VerifyReport::verdict() const {
  bool bad_input = false, incomplete = false;
  for (const Check& c : checks) {
    if (c.status == CheckStatus::kFail) return Verdict::kFailed;
    if (c.status == CheckStatus::kError) bad_input = true;
    // What the signature does not cover never carries the verdict.
    if (c.required && c.coverage != Coverage::kUnsigned && !Passed(c.status)) incomplete = true;
  }
  if (bad_input) return Verdict::kBadInput;
  if (incomplete || checks.empty()) return Verdict::kIncomplete;
  return Verdict::kVerified;
}

int VerifyReport::exit_code() const {
  switch (verdict()) {
    case Verdict::kVerified: return kVerifyExitVerified;
    case Verdict::kFailed: return kVerifyExitFailed;
    case Verdict::kBadInput: return kVerifyExitBadInput;
    case Verdict::kIncomplete: return kVerifyExitIncomplete;
  }
  return kVerifyExitBadInput;
}

std::string_view StatusName(CheckStatus status) { return kStatusNames[static_cast<int>(status)].text; }
std::string_view VerdictName(Verdict verdict) { return kVerdictNames[static_cast<int>(verdict)].text; }
std::string_view CoverageName(Coverage coverage) { return kCoverageNames[static_cast<int>(coverage)].text; }

std::string RenderReportText(const VerifyReport& report) {
  std::string out = "se-attest verify " + Printable(Clip(report.subject)) + "\n";
  int counts[5] = {};
  for (const Check& c : report.checks) {
    ++counts[static_cast<int>(c.status)];
    char head[64];
    (void)std::snprintf(head, sizeof head, "%-12s%-10s", std::string(StatusName(c.status)).c_str(),
                        std::string(CoverageName(c.coverage)).c_str());  // short names
    out += head + Printable(Clip(c.title));
    if (c.coverage == Coverage::kUnsigned) out += " (not covered by the signature)";
    if (!c.detail.empty()) out += ": " + Printable(Clip(c.detail));
    out += "\n";
    // Values are shown where a check did not hold; --json always has them.
    if (c.status != CheckStatus::kPass && (!c.expected.empty() || !c.actual.empty())) {
      out += "                        expected " + (c.expected.empty() ? std::string("-") : Printable(Clip(c.expected)));
      if (!c.expected_source.empty()) out += "  (" + Printable(Clip(c.expected_source)) + ")";
      out += "\n                        actual   " + (c.actual.empty() ? std::string("-") : Printable(Clip(c.actual)));
      if (!c.actual_source.empty()) out += "  (" + Printable(Clip(c.actual_source)) + ")";
      out += "\n";
    }
  }
  const Verdict v = report.verdict();
  out += "verdict: " + std::string(VerdictName(v)) + " - " + std::to_string(counts[0]) + " passed, " +
         std::to_string(counts[1]) + " failed, " + std::to_string(counts[3]) + " warnings, " +
         std::to_string(counts[2]) + " not checked, " + std::to_string(counts[4]) + " errors (exit " +
         std::to_string(report.exit_code()) + ")\n";
  return out;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(s[i]);
    if (ch >= 0x80) {
      // Valid UTF-8 as it is but C1 controls and bidirectional controls, escaped; anything else
      // is U+FFFD, so the output stays valid JSON.
      const Utf8Char decoded = DecodeUtf8(s, i);
      const std::size_t n = decoded.length;
      if (n == 0) {
        out += "\\ufffd";
      } else if (Dangerous(decoded.code_point)) {
        char buf[16];
        (void)std::snprintf(buf, sizeof buf, "\\u%04x", decoded.code_point);  // 6 characters
        out += buf;
        i += n - 1;
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          (void)std::snprintf(buf, sizeof buf, "\\u%04x", ch);  // 6 characters: cannot fail
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string RenderReportJson(const VerifyReport& report) {
  int counts[5] = {};
  std::string checks;
  for (const Check& c : report.checks) {
    ++counts[static_cast<int>(c.status)];
    if (!checks.empty()) checks += ",\n";
    checks += "    {\"id\": " + JsonString(Clip(c.id)) + ", \"title\": " + JsonString(Clip(c.title)) +
              ", \"status\": " + JsonString(JsonStatus(c.status)) +
              ", \"required\": " + (c.required ? "true" : "false") +
              ", \"covered_by_signature\": " + std::string(kCoverageNames[static_cast<int>(c.coverage)].json) +
              ", \"detail\": " + JsonString(Clip(c.detail)) +
              ", \"expected\": " + JsonString(Clip(c.expected)) + ", \"expected_source\": " + JsonString(Clip(c.expected_source)) +
              ", \"actual\": " + JsonString(Clip(c.actual)) + ", \"actual_source\": " + JsonString(Clip(c.actual_source)) + "}";
  }
  return "{\n  \"schema\": \"se-attest-verify/1\",\n  \"subject\": " + JsonString(Clip(report.subject)) +
         ",\n  \"verdict\": " + JsonString(JsonVerdict(report.verdict())) +
         ",\n  \"exit_code\": " + std::to_string(report.exit_code()) +
         ",\n  \"summary\": {\"pass\": " + std::to_string(counts[0]) + ", \"fail\": " + std::to_string(counts[1]) +
         ", \"warning\": " + std::to_string(counts[3]) + ", \"not_checked\": " + std::to_string(counts[2]) +
         ", \"error\": " + std::to_string(counts[4]) + "},\n  \"checks\": [\n" + checks + "\n  ]\n}\n";
}

}  // namespace seattest
