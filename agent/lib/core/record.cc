#include "core/record.h"

#include <set>

#include "core/hex.h"

namespace seattest {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A hash line starts with 64 lower-case hex digits and a space (whether the rest is a valid name
// is checked by the reader, so "<hex>  name" is an error, not a header line).
bool LooksLikeHashLine(std::string_view line) {
  return line.size() >= 65 && line[64] == ' ' && IsLowerHex(line.substr(0, 64));
}

bool IsHexAnyCase(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

// Tabs, escapes and the like: nothing a record line needs, and what a terminal would act on.
bool HasControl(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

Record MakeRecord(std::string_view version, std::string_view machine,
                  std::vector<RecordEntry> entries, bool development_image) {
  Record r;
  r.header.emplace_back(version);
  r.header.push_back(std::string(kMachineLinePrefix) + std::string(machine));
  if (development_image) r.header.emplace_back(kDevelopmentHeaderLine);
  r.entries = std::move(entries);
  return r;
}

Result<std::string> RenderRecord(const Record& record) {
  if (record.header.empty() || record.header.front().empty()) {
    return MakeError("record: the version line is empty");
  }
  std::string out;
  for (const std::string& line : record.header) {
    if (line.find_first_of("\r\n") != std::string::npos) {
      return MakeError("record: header line contains a line break: " + line.substr(0, 40));
    }
    if (LooksLikeHashLine(line)) {
      return MakeError("record: header line looks like a hash line: " + line.substr(0, 40));
    }
    out += line;
    out += '\n';
  }
  for (const RecordEntry& e : record.entries) {
    if (e.name.empty() || e.name.front() == ' ' || e.name.find_first_of("\r\n") != std::string::npos) {
      return MakeError("record: invalid entry name '" + e.name + "'");
    }
    out += ToHex(e.digest);
    out += ' ';
    out += e.name;
    out += '\n';
  }
  if (!record.final_newline) out.pop_back();
  return out;
}

Result<Record> ParseRecord(std::string_view text) {
  if (text.empty()) return MakeError("record: empty");
  Record r;
  r.final_newline = text.back() == '\n';
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string where = "record: line " + std::to_string(line_no);
    if (LooksLikeHashLine(line)) {
      std::string_view name = line.substr(65);
      if (name.empty()) return MakeError(where + ": a hash without a name");
      if (name.front() == ' ') {
        return MakeError(where + ": more than one space between the hash and the name");
      }
      if (name.find('\r') != std::string_view::npos) return MakeError(where + ": carriage return");
      RecordEntry e;
      e.digest = *ParseSha256Hex(line.substr(0, 64));
      e.name = std::string(name);
      r.entries.push_back(std::move(e));
      continue;
    }
    if (!r.entries.empty()) {
      return MakeError(where + ": expected '<64 lower-case hex digits> <name>' but found '" +
                       std::string(line.substr(0, 80)) + "'");
    }
    if (line_no == 1 && line.empty()) return MakeError(where + ": the version line is empty");
    r.header.emplace_back(line);
  }
  if (r.header.empty()) return MakeError("record: no version line");
  return r;
}

bool IsKnownRecordName(std::string_view name) {
  for (std::string_view known :
       {kNameBaseimage, kNameRootTarball, kNameCidataDevice, kNameMetaData, kNameUserData, kNameVendorData,
        kNameAttestationPublicKey, kNameDecryptedContract, kNameCertificateExpiry, kNameSbom, kNameContractWorkload,
        kNameContractEnv, kNameContractEnvWorkloadSignature, kNameContractAttestationPublicKey}) {
    if (name == known) return true;
  }
  return false;
}

RecordLint LintRecord(std::string_view text) {
  RecordLint lint;
  auto parsed = ParseRecord(text);
  if (!parsed) {
    lint.problems.push_back(parsed.error().message);
    return lint;
  }
  lint.record = std::move(*parsed);
  const Record& r = lint.record;
  for (std::size_t i = 0; i < r.header.size(); ++i) {
    const std::string& line = r.header[i];
    const std::string where = "record: line " + std::to_string(i + 1);
    if (line.find('\r') != std::string::npos) {
      lint.problems.push_back(where + ": carriage return");
    } else if (HasControl(line)) {
      lint.problems.push_back(where + ": a control character");
    }
    if (line.size() >= 64 && IsHexAnyCase(std::string_view(line).substr(0, 64))) {
      lint.problems.push_back(where + ": almost a hash line (expected '<64 lower-case hex digits> <name>')");
    }
    if (line.rfind(kMachineLinePrefix, 0) == 0) {
      const std::string value = line.substr(kMachineLinePrefix.size());
      std::size_t slashes = 0;
      bool ok = !value.empty() && value.front() != '/' && value.back() != '/';
      for (char c : value) {
        if (c == '/') ++slashes;
        else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) ok = false;
      }
      if (!ok || slashes != 2 || value.find("//") != std::string::npos) {
        lint.problems.push_back(where + ": machine line is not 'Type/Plant/Serial': '" + value + "'");
      } else if (i != 1) {
        lint.problems.push_back(where + ": the machine line must be the second line");
      } else {
        lint.machine = value;
      }
    }
  }
  if (r.entries.empty()) lint.problems.emplace_back("record: no hash lines");
  if (lint.machine.empty()) lint.notes.emplace_back("no machine line");
  std::set<std::string> seen;
  std::string unknown;
  for (const RecordEntry& e : r.entries) {
    if (!seen.insert(e.name).second) lint.problems.push_back("record: '" + e.name + "' appears twice");
    if (HasControl(e.name)) lint.problems.emplace_back("record: a name with a control character");
    if (!IsKnownRecordName(e.name)) unknown += (unknown.empty() ? "" : ", ") + e.name;
  }
  if (!unknown.empty()) lint.notes.push_back("names outside the SPEC: " + unknown);
  if (!r.final_newline) {
    lint.notes.emplace_back("the last line has no final newline (line-by-line readers such as 'while read' miss it)");
  }
  return lint;
}

}  // namespace seattest
