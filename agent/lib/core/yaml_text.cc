#include "core/yaml_text.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "core/utf8.h"

namespace seattest {
namespace {

// Keeps where the last document started; ignores everything else.
class DocumentStart : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { mark_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  const YAML::Mark& mark() const { return mark_; }

 private:
  YAML::Mark mark_;
};

// Valid UTF-8 with no C0/C1 controls except tab and line feed, and no BOM or DEL.
bool LiteralSafe(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    const Utf8Char ch = DecodeUtf8(s, i);
    const std::uint32_t cp = ch.code_point;
    if (ch.length == 0) return false;
    if ((cp >= 0x80 && cp <= 0x9f) || cp == 0xfeff || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
      return false;  // C1 controls, BOM, and characters YAML treats as line breaks
    }
    i += ch.length;
  }
  return true;
}

// A string yaml-cpp's literal block style carries unchanged: one final line break, no leading
// white space, nothing a literal block cannot hold.
bool SimpleLiteral(const std::string& s) {
  return s.size() > 1 && s.find('\n') < s.size() - 1 && s.back() == '\n' && s[s.size() - 2] != '\n' &&
         s.front() != ' ' && s.front() != '\t' && s.find(" \n") == std::string::npos && LiteralSafe(s);
}

void EmitKeepingTypes(YAML::Emitter& out, const YAML::Node& node, bool literals) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : node) {
        out << YAML::Key;
        EmitKeepingTypes(out, kv.first, literals);
        out << YAML::Value;
        EmitKeepingTypes(out, kv.second, literals);
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) EmitKeepingTypes(out, item, literals);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") {  // quoted (or a block scalar) in the source: a string
        out << (literals && SimpleLiteral(node.Scalar()) ? YAML::Literal : YAML::DoubleQuoted) << node.Scalar();
        return;
      }
      if (!node.Tag().empty() && node.Tag() != "?") out << YAML::VerbatimTag(node.Tag());
      out << node.Scalar();
      return;
    default:
      out << YAML::Null;
  }
}

// A node made in code has no tag; read from text, a plain scalar has "?".
std::string_view PlainTag(const std::string& tag) { return tag.empty() ? std::string_view("?") : tag; }

// Same structure, order, values and tags (quoted vs plain).
bool SameYaml(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar() && PlainTag(a.Tag()) == PlainTag(b.Tag());
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
      if (a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (a.IsMap() ? !SameYaml(i->first, j->first) || !SameYaml(i->second, j->second) : !SameYaml(*i, *j)) {
          return false;
        }
      }
      return true;
    }
    default:
      return true;
  }
}

}  // namespace

Result<std::string> RenderYamlKeepingTypes(const YAML::Node& node) {
  try {
    for (bool literals : {true, false}) {
      YAML::Emitter out;
      out.SetIndent(2);
      EmitKeepingTypes(out, node, literals);
      if (!out.good()) continue;
      std::string text = std::string(out.c_str()) + "\n";
      if (SameYaml(YAML::Load(text), node)) return text;
    }
  } catch (const std::exception& e) {
    return MakeError(std::string("cannot be written as YAML: ") + e.what());
  }
  return MakeError("cannot be written back as YAML unchanged");
}

std::optional<std::string> RenderLiteralBlock(std::string_view text, int indent) {
  // YAML's indentation indicator is one digit.
  if (indent < 1 || indent > 9 || text.empty() || !LiteralSafe(text)) return std::nullopt;
  std::size_t trailing = 0;
  while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing == text.size()) return std::nullopt;  // only line breaks
  std::string_view body = text.substr(0, text.size() - trailing);

  std::string header = "|";
  // An explicit indentation indicator when the content itself starts with white space, or with
  // empty lines (the reader would otherwise guess the indentation from them).
  std::size_t first = body.find_first_not_of('\n');
  if (first != 0 || body[first] == ' ' || body[first] == '\t') header += std::to_string(indent);
  if (trailing == 0) header += '-';
  if (trailing > 1) header += '+';

  std::string out = header + "\n";
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t pos = 0;
  std::string_view all = text.substr(0, trailing > 1 ? text.size() - 1 : body.size());
  while (pos <= all.size()) {
    std::size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) end = all.size();
    std::string_view line = all.substr(pos, end - pos);
    if (!line.empty()) out += pad;
    out += line;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

std::string RenderStringEntry(std::string_view key, std::string_view value) {
  YAML::Emitter key_out;
  key_out << std::string(key);
  std::string out = std::string(key_out.c_str()) + ": ";
  if (auto block = RenderLiteralBlock(value, 4)) return out + *block;
  YAML::Emitter v;
  v << YAML::DoubleQuoted << std::string(value);
  return out + v.c_str() + "\n";
}

Status CheckYamlNodeCount(const YAML::Node& node, std::size_t max_nodes) {
  std::vector<YAML::Node> pending{node};
  std::size_t count = 0;
  while (!pending.empty()) {
    YAML::Node n = pending.back();
    pending.pop_back();
    if (++count > max_nodes) {
      return MakeError("more than " + std::to_string(max_nodes) + " YAML nodes with aliases expanded (line " +
                       std::to_string(n.Mark().line + 1) + ")");
    }
    if (n.IsSequence()) {
      for (const auto& item : n) pending.push_back(item);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        pending.push_back(kv.first);
        pending.push_back(kv.second);
      }
    }
  }
  return {};
}

std::size_t CountYamlDocuments(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStart start;
  std::size_t count = 0;
  int previous = -1;
  while (parser.HandleNextDocument(start)) {
    // Every document consumes what it starts with; one that starts where the last one did has
    // consumed nothing, and neither will the next.
    if (start.mark().pos == previous) throw YAML::ParserException(start.mark(), "no YAML document can be read here");
    previous = start.mark().pos;
    ++count;
  }
  return count;
}

}  // namespace seattest
