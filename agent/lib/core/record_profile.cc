#include "core/record_profile.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <set>

#include "core/decimal.h"
#include "core/hex.h"
#include "core/verify_report.h"
#include "core/yaml_map.h"

namespace seattest {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::int64_t kSecondsPerDay = 86400;

struct Civil {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
  unsigned hour, minute, second;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Civil CivilFromTime(UnixTime t) {
  std::int64_t days = t / kSecondsPerDay;
  std::int64_t secs = t % kSecondsPerDay;
  if (secs < 0) {
    secs += kSecondsPerDay;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d, static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
          static_cast<unsigned>(secs % 60)};
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Exactly `width` decimal digits.
std::optional<unsigned> Digits(std::string_view s, std::size_t width) {
  if (s.size() != width) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  unsigned n = 0;
  for (char c : s) n = n * 10 + static_cast<unsigned>(c - '0');
  return n;
}

Result<UnixTime> FromCivil(const Civil& c, std::string_view what) {
  if (c.year < 1970 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > DaysInMonth(c.year, c.month) || c.hour > 23 || c.minute > 59 || c.second > 59) {
    return MakeError(std::string(what) + ": not a valid date and time");
  }
  return DaysFromCivil(c.year, c.month, c.day) * kSecondsPerDay + std::int64_t{c.hour} * 3600 +
         std::int64_t{c.minute} * 60 + c.second;
}

// "HH:MM:SS" into `c`.
bool ParseClock(std::string_view s, Civil& c) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  const auto h = Digits(s.substr(0, 2), 2), m = Digits(s.substr(3, 2), 2), sec = Digits(s.substr(6, 2), 2);
  if (!h || !m || !sec) return false;
  c.hour = *h;
  c.minute = *m;
  c.second = *sec;
  return true;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s.substr(0, 60)) + "'"; }

// --- certificate_expiry_date.json ---
constexpr std::string_view kEncryptionKey = "encryption_certificate";
constexpr std::string_view kAttestationKey = "attestation_certificate";

std::string RenderValidity(std::string_view key, const CertificateValidity& v, bool last) {
  std::string out = "  " + JsonString(key) + ": {\n";
  out += "    \"subject\": " + JsonString(v.subject) + ",\n";
  out += "    \"sha256_fingerprint\": \"" + ToHex(v.sha256) + "\",\n";
  out += "    \"not_after\": \"" + FormatIso8601(v.not_after) + "\"\n";
  out += last ? "  }\n" : "  },\n";
  return out;
}

Result<CertificateValidity> ParseValidity(const YAML::Node& node, std::string_view key) {
  const std::string where = std::string(kNameCertificateExpiry) + ": " + std::string(key);
  if (!node.IsMap()) return MakeError(where + ": expected an object");
  if (auto s = CheckMapKeys(node, std::string(key) + ".", {"subject", "sha256_fingerprint", "not_after"}); !s) {
    return WithContext(std::string(kNameCertificateExpiry), s.error());
  }
  CertificateValidity v;
  for (std::string_view field : {"subject", "sha256_fingerprint", "not_after"}) {
    const YAML::Node value = node[std::string(field)];
    if (!value || !value.IsScalar() || value.Tag() != "!") {
      return MakeError(where + "." + std::string(field) + ": expected a string");
    }
  }
  v.subject = node["subject"].Scalar();
  auto fp = ParseSha256Hex(node["sha256_fingerprint"].Scalar());
  if (!fp) return MakeError(where + ".sha256_fingerprint: expected 64 hex digits");
  v.sha256 = *fp;
  auto t = ParseIso8601(node["not_after"].Scalar());
  if (!t) return MakeError(where + ".not_after: " + t.error().message);
  v.not_after = *t;
  return v;
}

}  // namespace

std::string_view RecordProfileName(RecordProfile profile) {
  return profile == RecordProfile::kHpcr2026 ? kRecordProfileHpcr2026 : kRecordProfileHpcr2023;
}

Result<RecordProfile> ParseRecordProfile(std::string_view text) {
  if (text == kRecordProfileHpcr2023) return RecordProfile::kHpcr2023;
  if (text == kRecordProfileHpcr2026) return RecordProfile::kHpcr2026;
  return MakeError("unknown record profile " + Quoted(text) + " (expected " + std::string(kRecordProfileHpcr2023) +
                   " or " + std::string(kRecordProfileHpcr2026) + ")");
}

std::string FormatIso8601(UnixTime t) {
  const Civil c = CivilFromTime(t);
  char buf[64];
  (void)std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.year), c.month,
                      c.day, c.hour, c.minute, c.second);
  return buf;
}

Result<UnixTime> ParseIso8601(std::string_view text) {
  const std::string what = "expected YYYY-MM-DDTHH:MM:SSZ, found " + Quoted(text);
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[19] != 'Z') {
    return MakeError(what);
  }
  const auto y = Digits(text.substr(0, 4), 4), m = Digits(text.substr(5, 2), 2), d = Digits(text.substr(8, 2), 2);
  Civil c{};
  if (!y || !m || !d || !ParseClock(text.substr(11, 8), c)) return MakeError(what);
  c.year = *y;
  c.month = *m;
  c.day = *d;
  return FromCivil(c, what);
}

std::string FormatRecordDate(UnixTime t) {
  const Civil c = CivilFromTime(t);
  char buf[64];
  (void)std::snprintf(buf, sizeof buf, "%s %02u %02u:%02u:%02u %04lld", kMonths[c.month - 1].data(), c.day, c.hour,
                      c.minute, c.second, static_cast<long long>(c.year));
  return buf;
}

Result<UnixTime> ParseRecordDate(std::string_view text) {
  const std::string what = "expected 'Mon DD HH:MM:SS YYYY', found " + Quoted(text);
  if (text.size() != 20 || text[3] != ' ' || text[6] != ' ' || text[15] != ' ') return MakeError(what);
  Civil c{};
  c.month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(0, 3) == kMonths[i]) c.month = static_cast<unsigned>(i + 1);
  }
  const auto d = Digits(text.substr(4, 2), 2), y = Digits(text.substr(16, 4), 4);
  if (c.month == 0 || !d || !y || !ParseClock(text.substr(7, 8), c)) return MakeError(what);
  c.day = *d;
  c.year = *y;
  return FromCivil(c, what);
}

std::int64_t ImageAgeDays(UnixTime build, UnixTime now) { return now <= build ? 0 : (now - build) / kSecondsPerDay; }

std::string ImageAgeLine(std::int64_t days) {
  return std::string(kImageAgePrefix) + std::to_string(days) + std::string(kImageAgeSuffix);
}

std::string ValidUntilLine(std::string_view prefix, UnixTime not_after) {
  return std::string(prefix) + FormatRecordDate(not_after) + std::string(kValidUntilSuffix);
}

Result<std::int64_t> ParseImageAgeLine(std::string_view line) {
  const bool framed = line.size() > kImageAgePrefix.size() + kImageAgeSuffix.size() &&
                      line.substr(0, kImageAgePrefix.size()) == kImageAgePrefix &&
                      line.substr(line.size() - kImageAgeSuffix.size()) == kImageAgeSuffix;
  if (!framed) return MakeError("not an '" + ImageAgeLine(0).replace(kImageAgePrefix.size(), 1, "N") + "' line");
  const std::string_view number =
      line.substr(kImageAgePrefix.size(), line.size() - kImageAgePrefix.size() - kImageAgeSuffix.size());
  const auto n = number.size() <= 9 ? ParseDecimal(number) : std::nullopt;
  if (!n) return MakeError("Image age: expected a number of days, found " + Quoted(number));
  return static_cast<std::int64_t>(*n);
}

Result<UnixTime> ParseValidUntilLine(std::string_view line, std::string_view prefix) {
  const std::string name(prefix.substr(0, prefix.size() - 2));  // without ": "
  if (line.size() <= prefix.size() + kValidUntilSuffix.size() || line.substr(0, prefix.size()) != prefix ||
      line.substr(line.size() - kValidUntilSuffix.size()) != kValidUntilSuffix) {
    return MakeError("not a '" + name + ": Mon DD HH:MM:SS YYYY UTC' line");
  }
  auto t = ParseRecordDate(line.substr(prefix.size(), line.size() - prefix.size() - kValidUntilSuffix.size()));
  if (!t) return WithContext(name, t.error());
  return t;
}

std::string RenderCertificateExpiryJson(const CertificateExpiry& expiry) {
  return "{\n" + RenderValidity(kEncryptionKey, expiry.encryption, false) +
         RenderValidity(kAttestationKey, expiry.attestation, true) + "}\n";
}

Result<CertificateExpiry> ParseCertificateExpiryJson(std::string_view text) {
  const std::string where(kNameCertificateExpiry);
  if (text.size() > kMaxCertificateExpiryJsonSize) {
    return MakeError(where + ": " + std::to_string(text.size()) + " bytes, more than " +
                     std::to_string(kMaxCertificateExpiryJsonSize));
  }
  const std::string_view first = text.substr(0, text.find_first_not_of(" \t\r\n"));
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos || text[first.size()] != '{') {
    return MakeError(where + ": not a JSON object");
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return MakeError(where + ": not a JSON object");
    SEA_RETURN_IF_ERROR(CheckMapKeys(root, "", {kEncryptionKey, kAttestationKey}));
    CertificateExpiry out;
    for (auto [key, slot] : {std::pair{kEncryptionKey, &out.encryption}, {kAttestationKey, &out.attestation}}) {
      const YAML::Node node = root[std::string(key)];
      if (!node) return MakeError(where + ": " + std::string(key) + ": missing");
      SEA_ASSIGN_OR_RETURN(*slot, ParseValidity(node, key));
    }
    // JSON, and exactly the bytes the agent writes: yaml-cpp would also take YAML's flow forms
    // (unquoted keys, comments, a second document), which a JSON reader refuses.
    if (RenderCertificateExpiryJson(out) != text) {
      return MakeError(where + ": not laid out as the agent writes it (docs/formats.md)");
    }
    return out;
  } catch (const YAML::Exception& e) {
    return MakeError(where + ": not valid JSON (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

const std::vector<LayoutLine>& RecordLayout(RecordProfile profile) {
  static const std::vector<LayoutLine> k2023 = {
      {kNameBaseimage, true},  {kNameRootTarball, true},  {kNameCidataDevice, true},
      {kNameMetaData, true},   {kNameUserData, true},     {kNameVendorData, false},
      {kNameAttestationPublicKey, false},
  };
  static const std::vector<LayoutLine> k2026 = {
      {kNameCertificateExpiry, true},
      {kNameRootTarball, true},
      {kNameBaseimage, true},
      {kNameSbom, false},
      {kNameCidataDevice, true},
      {kNameMetaData, true},
      {kNameUserData, true},
      {kNameVendorData, false},
      {kNameContractWorkload, false},
      {kNameContractEnv, false},
      {kNameContractEnvWorkloadSignature, false},
      {kNameContractAttestationPublicKey, false},
  };
  return profile == RecordProfile::kHpcr2026 ? k2026 : k2023;
}

Result<Record> MakeProfileRecord(const RecordContent& content) {
  const std::vector<LayoutLine>& layout = RecordLayout(content.profile);
  const std::string profile(RecordProfileName(content.profile));
  std::set<std::string_view> seen;
  for (const RecordEntry& e : content.entries) {
    bool known = false;
    for (const LayoutLine& l : layout) known = known || l.name == e.name;
    if (!known) return MakeError("record: '" + e.name + "' is not a line of profile " + profile);
    if (!seen.insert(e.name).second) return MakeError("record: '" + e.name + "' twice");
  }
  Record r = MakeRecord(content.version, content.machine, {}, content.development_image);
  if (content.profile == RecordProfile::kHpcr2026) {
    if (content.image_age_days < 0) return MakeError("record: a negative image age");
    r.header.push_back(ImageAgeLine(content.image_age_days));
    r.header.push_back(ValidUntilLine(kEncryptionValidPrefix, content.encryption_not_after));
    r.header.push_back(ValidUntilLine(kAttestationValidPrefix, content.attestation_not_after));
  }
  for (const LayoutLine& l : layout) {
    const RecordEntry* found = nullptr;
    for (const RecordEntry& e : content.entries) found = e.name == l.name ? &e : found;
    if (found != nullptr) {
      r.entries.push_back(*found);
    } else if (l.required) {
      return MakeError("record: no '" + std::string(l.name) + "' line, which profile " + profile + " requires");
    }
  }
  return r;
}

RecordProfile DetectRecordProfile(const Record& record) {
  for (const std::string& line : record.header) {
    if (line.rfind(kImageAgePrefix, 0) == 0 || line.rfind(kEncryptionValidPrefix, 0) == 0 ||
        line.rfind(kAttestationValidPrefix, 0) == 0) {
      return RecordProfile::kHpcr2026;
    }
  }
  for (const RecordEntry& e : record.entries) {
    if (e.name == kNameCertificateExpiry || e.name == kNameSbom || e.name.rfind(kContractLinePrefix, 0) == 0) {
      return RecordProfile::kHpcr2026;
    }
  }
  return RecordProfile::kHpcr2023;
}

}  // namespace seattest
