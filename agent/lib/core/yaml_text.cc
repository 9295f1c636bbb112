#include "core/yaml_text.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
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

// A character every YAML 1.1 and 1.2 reader takes as it stands, in any style: YAML's printable
// set (PyYAML refuses a stream with anything else in it: DEL, C1 controls, U+FFFE) without the
// characters that also break lines (NEL, U+2028, U+2029) and the byte order mark.
bool PlainPrintable(std::uint32_t cp) {
  if (cp < 0x80) return cp >= 0x20 && cp != 0x7f;
  return cp >= 0xa0 && cp != 0x2028 && cp != 0x2029 && cp != 0xfeff && cp != 0xfffe && cp != 0xffff;
}

// Valid UTF-8 of printable characters (PlainPrintable), tab and line feed.
bool LiteralSafe(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char ch = DecodeUtf8(s, i);
    if (ch.length == 0 || !(PlainPrintable(ch.code_point) || ch.code_point == '\t' || ch.code_point == '\n')) {
      return false;
    }
    i += ch.length;
  }
  return true;
}

// A string a literal block ("|": one final line break, content indentation found by the reader)
// carries unchanged: no leading white space or empty first line, no line ending in white space,
// nothing a literal block cannot hold.
bool SimpleLiteral(const std::string& s) {
  return s.size() > 1 && s.find('\n') < s.size() - 1 && s.back() == '\n' && s[s.size() - 2] != '\n' &&
         s.front() != ' ' && s.front() != '\t' && s.front() != '\n' && s.find(" \n") == std::string::npos &&
         s.find("\t\n") == std::string::npos && LiteralSafe(s);
}

// Whether `s` written as a plain scalar in block context reads back as exactly `s` (a plain
// scalar, so that every reader resolves its type as it did in the source): printable characters
// only (no tab: PyYAML ends a plain scalar there), no white space at either end, no indicator
// first (but "-" before a non-space, as in -1), no ": " or " #", no ':' last, no document marker ("---" or "..." alone or before a space).
bool PlainSafe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (std::string_view("?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return false;
  if (s.front() == '-' && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  if ((s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) && (s.size() == 3 || s[3] == ' ')) return false;
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char ch = DecodeUtf8(s, i);
    if (ch.length == 0 || !PlainPrintable(ch.code_point)) return false;
    i += ch.length;
  }
  return true;
}

// A node made in code has no tag; read from text, a plain scalar has "?".
std::string_view PlainTag(const std::string& tag) { return tag.empty() ? std::string_view("?") : tag; }

// A tag written in the source ("!!set", "!!python/object"): not "?" (plain) or "!" (quoted).
bool HasSpecificTag(const YAML::Node& node) { return PlainTag(node.Tag()) != "?" && node.Tag() != "!"; }

// `!<tag> ` (verbatim: the same tag for every reader, whatever its %TAG directives), or an error
// when the tag has a character outside the URI characters that every reader takes there.
Result<std::string> TagPrefix(const YAML::Node& node) {
  if (!HasSpecificTag(node)) return std::string();
  for (char c : node.Tag()) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-;/?:@&=+$,_.!~*'()[]%").find(c) != std::string_view::npos;
    if (!ok) return MakeError("a tag that cannot be written back: it has a character outside -;/?:@&=+$,_.!~*'()[]%");
  }
  return "!<" + node.Tag() + "> ";
}

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

constexpr const char* kPlainMeaningType =
    "a plain scalar that cannot be written back plain, and that a YAML reader may take for a number, a bool or null";

// Writes the YAML text of a collection or a scalar in block style, every scalar in a form that
// reads back to the same bytes and the same type for any YAML 1.1 or 1.2 reader (PyYAML,
// yaml-cpp, ...): plain only when the source was plain and plain text carries it (PlainSafe),
// quoted scalars double-quoted with YAML's escapes (or as a literal block), tags verbatim.
class BlockWriter {
 public:
  explicit BlockWriter(bool literals) : literals_(literals) {}

  Status Document(const YAML::Node& node) {
    if (IsNonEmptyCollection(node)) {
      SEA_ASSIGN_OR_RETURN(std::string tag, TagPrefix(node));
      if (!tag.empty()) out_ += tag.substr(0, tag.size() - 1) + "\n";
      return Collection(node, 0);
    }
    SEA_ASSIGN_OR_RETURN(std::string text, Inline(node, 0, /*key=*/false));
    out_ += text;
    if (out_.back() != '\n') out_ += '\n';
    return {};
  }

  std::string& result() { return out_; }

 private:
  static bool IsNonEmptyCollection(const YAML::Node& node) {
    return (node.IsMap() || node.IsSequence()) && node.size() > 0;
  }

  // A scalar, a null or an empty collection on the current line, with its tag. A literal block
  // (only for a value) ends in '\n' and has its content lines indented by `column` + 2.
  Result<std::string> Inline(const YAML::Node& node, int column, bool key) const {
    SEA_ASSIGN_OR_RETURN(std::string text, TagPrefix(node));
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return text + "{}";
      case YAML::NodeType::Sequence:
        return text + "[]";
      case YAML::NodeType::Scalar:
        break;
      default:
        return text + "null";
    }
    const std::string& s = node.Scalar();
    const bool quoted = node.Tag() == "!";
    if (quoted && literals_ && !key && SimpleLiteral(s)) {
      text += "|\n";
      const std::string pad(static_cast<std::size_t>(column) + 2, ' ');
      for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t end = s.find('\n', pos);
        text += pad + s.substr(pos, end - pos) + "\n";
        pos = end + 1;
      }
      return text;
    }
    // A specific tag decides the type whatever the style; without one, a plain scalar stays plain.
    if (!quoted && PlainSafe(s)) return text + s;
    if (!quoted && !HasSpecificTag(node) && !PlainMeansString(s)) return MakeError(kPlainMeaningType);
    auto escaped = RenderDoubleQuoted(s);
    if (!escaped) return MakeError("a string that is not valid UTF-8");
    return text + *escaped;
  }

  // The entries of a non-empty map or the items of a non-empty sequence, each on its own line at
  // `column`.
  Status Collection(const YAML::Node& node, int column) {
    const std::string pad(static_cast<std::size_t>(column), ' ');
    if (node.IsSequence()) {
      for (const auto& item : node) {
        out_ += pad + "-";
        SEA_RETURN_IF_ERROR(Entry(item, column, /*compact=*/true));
      }
      return {};
    }
    for (const auto& kv : node) {
      const bool simple_key = !IsNonEmptyCollection(kv.first);
      std::string key;
      if (simple_key) {
        SEA_ASSIGN_OR_RETURN(key, Inline(kv.first, column, /*key=*/true));
      }
      // Every reader takes an implicit key of up to 1024 characters on one line; a longer one or a
      // collection is an explicit "? key".
      if (simple_key && key.size() <= 1000) {
        out_ += pad + key + ":";
      } else {
        out_ += pad + "?";
        SEA_RETURN_IF_ERROR(Entry(kv.first, column, /*compact=*/true));
        out_ += pad + ":";
      }
      SEA_RETURN_IF_ERROR(Entry(kv.second, column, /*compact=*/false));
    }
    return {};
  }

  // What follows "key:", "- " or "? " for a node of the collection at `column`: a scalar on the
  // same line, or a collection below it, indented by two (a sequence item's map or sequence
  // starts on the dash's line when it has no tag).
  Status Entry(const YAML::Node& node, int column, bool compact) {
    if (!IsNonEmptyCollection(node)) {
      SEA_ASSIGN_OR_RETURN(std::string text, Inline(node, column, /*key=*/false));
      out_ += " " + text;
      if (out_.back() != '\n') out_ += '\n';
      return {};
    }
    SEA_ASSIGN_OR_RETURN(std::string tag, TagPrefix(node));
    if (compact && tag.empty()) {
      const std::size_t at = out_.size();
      SEA_RETURN_IF_ERROR(Collection(node, column + 2));
      out_.replace(at, static_cast<std::size_t>(column) + 2, " ");  // the first line goes after the indicator
      return {};
    }
    if (!tag.empty()) out_ += " " + tag.substr(0, tag.size() - 1);
    out_ += "\n";
    return Collection(node, column + 2);
  }

  bool literals_;
  std::string out_;
};


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
  std::string error = "cannot be written back as YAML unchanged";
  try {
    for (bool literals : {true, false}) {
      BlockWriter writer(literals);
      if (auto s = writer.Document(node); !s) return MakeError("cannot be written as YAML: " + s.error().message);
      if (SameTypedYaml(YAML::Load(writer.result()), node)) return std::move(writer.result());
    }
  } catch (const std::exception& e) {
    error = std::string("cannot be written as YAML: ") + e.what();
  }
  return MakeError(error);
}

std::optional<std::string> RenderDoubleQuoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char ch = DecodeUtf8(text, i);
    if (ch.length == 0) return std::nullopt;
    const std::uint32_t cp = ch.code_point;
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (PlainPrintable(cp)) {
      out.append(text.substr(i, ch.length));
    } else {
      // \xXX, \uXXXX or \UXXXXXXXX: the escapes every reader knows.
      const int digits = cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8;
      out += cp <= 0xff ? "\\x" : cp <= 0xffff ? "\\u" : "\\U";
      for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xfu];
    }
    i += ch.length;
  }
  return out + "\"";
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
  const std::string k(key);
  std::string out = (PlainSafe(k) && PlainMeansString(k) ? k : RenderDoubleQuoted(k).value_or("\"\\ufffd\"")) + ": ";
  if (auto block = RenderLiteralBlock(value, 4)) return out + *block;
  // Not UTF-8: no YAML text carries it, and what is written reads back to something else, which
  // the caller sees.
  return out + RenderDoubleQuoted(value).value_or("\"\\ufffd\"") + "\n";
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
