#include "core/yaml_text.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <istream>
#include <sstream>
#include <streambuf>

#include "core/utf8.h"

namespace seattest {
namespace {

// Hands yaml-cpp the text a few KiB at a time and counts the flow indicators ([ ] { } ,) it has
// handed out since the parser last reported a node. yaml-cpp reads a flow collection that could
// be an implicit key ("[1, 1, ...]" at the start of a line) to its end before it reports anything,
// holding a token for every item: 16 MiB of one flow list took 29 s and 4.4 GB. Past the limit
// the text ends early for the parser, and `stopped()` says so.
class CountingText : public std::streambuf {
 public:
  CountingText(std::string_view text, std::size_t max_pending) : text_(text), max_pending_(max_pending) {}
  void NodeSeen() { pending_ = 0; }
  bool stopped() const { return stopped_; }

 protected:
  int_type underflow() override {
    if (gptr() != nullptr && gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (stopped_ || offset_ >= text_.size()) return traits_type::eof();
    const std::size_t n = std::min<std::size_t>(kChunk, text_.size() - offset_);
    char* begin = const_cast<char*>(text_.data() + offset_);  // NOLINT: read only, never written through
    for (std::size_t i = 0; i < n; ++i) {
      const char c = begin[i];
      if (c == '[' || c == ']' || c == '{' || c == '}' || c == ',') ++pending_;
    }
    if (pending_ > max_pending_) {
      stopped_ = true;
      return traits_type::eof();
    }
    offset_ += n;
    setg(begin, begin, begin + n);
    return traits_type::to_int_type(*begin);
  }

 private:
  static constexpr std::size_t kChunk = 4096;
  std::string_view text_;
  std::size_t offset_ = 0, pending_ = 0, max_pending_;
  bool stopped_ = false;
};

// Counts the nodes of a stream as the parser reads them, and stops it (an exception, caught in
// LoadOneYamlDocument) past the limit: the limit holds while parsing, before any tree is built.
class NodeCounter : public YAML::EventHandler {
 public:
  NodeCounter(std::size_t max_nodes, CountingText& text) : max_nodes_(max_nodes), text_(text) {}
  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Count(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Count(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { Count(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Count(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Count(mark);
  }
  void OnMapEnd() override {}
  const YAML::Mark& start() const { return start_; }
  const YAML::Mark& last() const { return last_; }

 private:
  void Count(const YAML::Mark& mark) {
    last_ = mark;
    text_.NodeSeen();
    if (++count_ > max_nodes_) {
      throw YAML::ParserException(mark, "more than " + std::to_string(max_nodes_) + " YAML nodes");
    }
  }
  std::size_t max_nodes_, count_ = 0;
  CountingText& text_;
  YAML::Mark start_, last_;
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

// A tag written in the source ("!!set", "!!python/object"): not "?" (plain) or "!" (quoted).
bool HasSpecificTag(const YAML::Node& node) { return !node.Tag().empty() && node.Tag() != "?" && node.Tag() != "!"; }

void EmitKeepingTypes(YAML::Emitter& out, const YAML::Node& node, bool literals) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      if (HasSpecificTag(node)) out << YAML::VerbatimTag(node.Tag());
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
      if (HasSpecificTag(node)) out << YAML::VerbatimTag(node.Tag());
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

// Whether every YAML reader takes this plain scalar for a string, as if it were quoted. The
// implicit types of YAML 1.1 and 1.2 (int, float, timestamp, sexagesimal) all start with a digit,
// a sign or a dot; null and bool are a few words; "<<" and "=" are 1.1's merge and value keys.
bool PlainMeansString(const std::string& s) {
  if (s.empty() || std::string_view("0123456789+-.~").find(s.front()) != std::string_view::npos) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (std::string_view word : {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "="}) {
    if (lower == word) return false;
  }
  return true;
}

// The same type: the same tag, or a plain scalar that means a string beside a quoted one.
bool SameScalarType(const YAML::Node& a, const YAML::Node& b) {
  const std::string_view ta = PlainTag(a.Tag()), tb = PlainTag(b.Tag());
  if (ta == tb) return true;
  return ((ta == "?" && tb == "!") || (ta == "!" && tb == "?")) && PlainMeansString(a.Scalar());
}

}  // namespace

bool SameTypedYaml(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar() && SameScalarType(a, b);
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map: {
      if (PlainTag(a.Tag()) != PlainTag(b.Tag()) || a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (a.IsMap() ? !SameTypedYaml(i->first, j->first) || !SameTypedYaml(i->second, j->second)
                      : !SameTypedYaml(*i, *j)) {
          return false;
        }
      }
      return true;
    }
    default:  // null: yaml-cpp gives it no tag (an empty value tagged "!!str" is a scalar)
      return true;
  }
}

Result<std::string> RenderYamlKeepingTypes(const YAML::Node& node) {
  try {
    for (bool literals : {true, false}) {
      YAML::Emitter out;
      out.SetIndent(2);
      EmitKeepingTypes(out, node, literals);
      if (!out.good()) continue;
      std::string text = std::string(out.c_str()) + "\n";
      if (SameTypedYaml(YAML::Load(text), node)) return text;
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

Result<YAML::Node> LoadOneYamlDocument(const std::string& text, std::size_t max_nodes) {
  try {
    // First the documents and the nodes as written, counted while the parser reads and stopped
    // at the limit; no tree is built.
    const std::size_t documents = CountYamlDocuments(text, max_nodes);
    if (documents == 0) return MakeError("no YAML document");
    if (documents > 1) return MakeError(std::to_string(documents) + " YAML documents, expected one");
    YAML::Node node = YAML::Load(text);
    // Then the nodes with every alias expanded (a few aliases can stand for 10^9 nodes).
    SEA_RETURN_IF_ERROR(CheckYamlNodeCount(node, max_nodes));
    return node;
  } catch (const YAML::Exception& e) {
    return MakeError("malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return MakeError(std::string("YAML cannot be read: ") + e.what());
  }
}

std::size_t CountYamlDocuments(const std::string& text, std::size_t max_nodes) {
  CountingText buffer(text, max_nodes);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  NodeCounter counter(max_nodes, buffer);
  std::size_t count = 0;
  try {
    int previous = -1;
    while (parser.HandleNextDocument(counter)) {
      // Every document consumes what it starts with; one that starts where the last one did has
      // consumed nothing, and neither will the next.
      if (counter.start().pos == previous) throw YAML::ParserException(counter.start(), "no YAML document can be read here");
      previous = counter.start().pos;
      ++count;
    }
  } catch (const YAML::Exception&) {
    if (!buffer.stopped()) throw;
  }
  // The parser saw only part of the text (it looked too far ahead for a node): whatever it made
  // of that part, the whole was not read.
  if (buffer.stopped()) {
    throw YAML::ParserException(counter.last(), "more than " + std::to_string(max_nodes) +
                                                    " YAML nodes, or flow indicators ([]{},) between two of them");
  }
  return count;
}

}  // namespace seattest
