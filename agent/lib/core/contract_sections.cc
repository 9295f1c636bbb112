#include "core/contract_sections.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <utility>

#include "core/contract.h"
#include "core/record.h"
#include "core/yaml_text.h"

namespace seattest {
namespace {

// The order of the record's contract:* lines.
constexpr std::array<std::string_view, 4> kSectionOrder = {"workload", "env", "envWorkloadSignature",
                                                           "attestationPublicKey"};

// The section a line of user-data.decrypted starts, or empty: "<key>:" at column 0, then a space
// or the end of the line.
std::string_view SectionStartedBy(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  for (std::string_view key : kSectionOrder) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':' &&
        (line.size() == key.size() + 1 || line[key.size() + 1] == ' ')) {
      return key;
    }
  }
  return {};
}

struct RawSection {
  std::string_view key;
  std::string_view text;  // its lines, byte for byte
  std::size_t line = 0;   // where it starts (1-based)
};

// user-data.decrypted cut at the lines that start a section; nothing may come before the first.
Result<std::vector<RawSection>> CutSections(std::string_view text) {
  std::vector<RawSection> out;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    if (const std::string_view key = SectionStartedBy(line); !key.empty()) {
      out.push_back({key, text.substr(pos, end - pos), line_no});
    } else if (out.empty()) {
      return MakeError("user-data.decrypted: line " + std::to_string(line_no) +
                       ": expected a section ('workload:', 'env:', 'envWorkloadSignature:' or 'attestationPublicKey:' "
                       "at the start of the line)");
    } else {
      // A line of the section above: extend its text to the end of this line.
      RawSection& last = out.back();
      last.text = std::string_view(last.text.data(), static_cast<std::size_t>(text.data() + end - last.text.data()));
    }
    pos = end;
  }
  if (out.empty()) return MakeError("user-data.decrypted: empty");
  return out;
}

// Whether `raw` is exactly how the agent writes section `key` with `value`: a token's plaintext
// (RenderStringEntry) or a plain section (RenderYamlKeepingTypes, as core/contract.cc writes it).
bool WrittenByTheAgent(std::string_view key, const YAML::Node& value, std::string_view raw) {
  if (raw == RenderStringEntry(key, value.Scalar())) return true;
  YAML::Node entry(YAML::NodeType::Map);
  entry[std::string(key)] = value;
  auto plain = RenderYamlKeepingTypes(entry);
  return plain && *plain == raw;
}

}  // namespace

Result<std::vector<MeasuredSection>> MeasureContractSections(std::string_view decrypted) {
  SEA_ASSIGN_OR_RETURN(std::vector<RawSection> raw, CutSections(decrypted));
  auto document = LoadOneYamlDocument(std::string(decrypted));
  if (!document) return WithContext("user-data.decrypted", document.error());
  if (!document->IsMap()) return MakeError("user-data.decrypted: not a mapping of contract sections");
  // What a YAML reader sees must be what the lines say: the same sections in the same order, so
  // that no section hides in another's lines.
  if (document->size() != raw.size()) {
    return MakeError("user-data.decrypted: " + std::to_string(raw.size()) + " lines start a section, a YAML reader finds " +
                     std::to_string(document->size()) + " sections");
  }
  std::size_t i = 0;
  for (const auto& kv : *document) {
    const RawSection& r = raw[i++];
    if (!kv.first.IsScalar() || kv.first.Scalar() != r.key) {
      return MakeError("user-data.decrypted: line " + std::to_string(r.line) + " starts section '" + std::string(r.key) +
                       "', a YAML reader finds another key there");
    }
    for (std::size_t j = 0; j + 1 < i; ++j) {
      if (raw[j].key == r.key) return MakeError("user-data.decrypted: section '" + std::string(r.key) + "' twice");
    }
  }
  std::vector<MeasuredSection> out;
  for (std::string_view key : kSectionOrder) {
    const RawSection* r = nullptr;
    for (const RawSection& s : raw) r = s.key == key ? &s : r;
    if (r == nullptr) continue;
    const YAML::Node value = (*document)[std::string(key)];
    MeasuredSection m{std::string(key), std::string(kContractLinePrefix) + std::string(key), {}};
    if (key == "attestationPublicKey") {
      // Hashed by value (its PEM): then its bytes must be the agent's own, or a second key, a
      // comment that only some readers end, or a tag could hide in them.
      if (!value.IsScalar() || (value.Tag() != "!" && value.Tag() != "?")) {
        return MakeError("user-data.decrypted: attestationPublicKey (line " + std::to_string(r->line) +
                         "): expected a string");
      }
      if (!WrittenByTheAgent(key, value, r->text)) {
        return MakeError("user-data.decrypted: attestationPublicKey (line " + std::to_string(r->line) +
                         "): not written as the agent writes it");
      }
      auto pem = EffectiveAttestationPublicKeyPem(value.Scalar());
      if (!pem) return MakeError("user-data.decrypted: attestationPublicKey: " + pem.error().message);
      m.text = std::move(*pem);
    } else {
      m.text = std::string(r->text);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace seattest
