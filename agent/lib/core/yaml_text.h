// Writing YAML text by hand where yaml-cpp's emitter loses bytes or types (literal block scalars,
// DEL and U+FFFF written raw in double quotes, plain scalars it quotes or not as it sees fit).
#pragma once

#include <optional>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace YAML {
class Node;
}  // namespace YAML

namespace seattest {

// The value part of `key: <value>` as a literal block scalar ("|", "|-", "|+", with an
// indentation indicator when needed) whose content lines are indented by `indent` spaces, ending
// in '\n'; a YAML reader gets `text` back byte for byte. nullopt when a literal block cannot carry
// `text` (control characters, carriage returns, invalid UTF-8, empty text), or `indent` is not
// 1 to 9.
std::optional<std::string> RenderLiteralBlock(std::string_view text, int indent);

// `text` as a double-quoted scalar on one line that every YAML 1.1 and 1.2 reader reads back byte
// for byte: `\"`, `\\`, `\n`, `\t`, `\r`, and `\xXX`, `\uXXXX` or `\UXXXXXXXX` for every other
// character outside YAML's printable set (C0 and C1 controls, DEL, U+FFFE, U+FFFF) and for those
// that also break lines or mark byte order (NEL, U+2028, U+2029, U+FEFF). PyYAML refuses a stream
// with a raw DEL or C1 control, which yaml-cpp's emitter writes. nullopt when `text` is not UTF-8
// (no YAML text carries that).
std::optional<std::string> RenderDoubleQuoted(std::string_view text);

// `key: value` for a string: a literal block when possible, else a double-quoted scalar
// (RenderDoubleQuoted). The key is plain when every reader takes it for that string, else
// double-quoted.
std::string RenderStringEntry(std::string_view key, std::string_view value);

// `node` as block YAML that reads back to the same values and the same types for every YAML 1.1
// and 1.2 reader (yaml-cpp, PyYAML, ...), keys included. A scalar quoted in the source (tag "!")
// stays a string: double-quoted (RenderDoubleQuoted), or a literal block "|" when it ends in one
// line break and needs no indentation indicator. A plain scalar (tag "?", or none for a node made
// in code) stays plain, so that each reader resolves it as it did the source (8080, yes, ~,
// 2001-12-14, 1e3), when plain text carries it unchanged (no control character, tab, leading
// indicator, ": ", " #", white space at either end); else it is double-quoted when every reader
// takes it for a string (see SameTypedYaml), and an error otherwise. Explicit tags are written
// verbatim (`!<tag:yaml.org,2002:set>`); null as `null`; aliases expanded; keys longer than 1000
// characters or collections as explicit `? ` keys. Comments, anchors and flow style are not kept.
// The text is parsed back and compared; an error when it would differ. Throws nothing.
Result<std::string> RenderYamlKeepingTypes(const YAML::Node& node);

// The most nodes a contract (or a section of one) may have, counted with every alias expanded: a
// "billion laughs" document is a few lines that expand to 10^9 nodes when written back out.
inline constexpr std::size_t kMaxYamlNodes = 100000;

// Fails when `node`, with every alias expanded, has more than `max_nodes` nodes. Stops counting
// there, so it costs at most `max_nodes` steps whatever the document.
Status CheckYamlNodeCount(const YAML::Node& node, std::size_t max_nodes = kMaxYamlNodes);

// Exactly one YAML document from `text`, with at most `max_nodes` nodes: counted while the parser
// reads (so a huge flow list stops at the limit, before a tree is built) and again with every
// alias expanded. Errors name the line. Throws nothing.
Result<YAML::Node> LoadOneYamlDocument(const std::string& text, std::size_t max_nodes = kMaxYamlNodes);

// The same structure, order, scalar text and types: tags compared on every node (a quoted "8080"
// is not the plain 8080, `!!set {a}` not `{a}`), a plain scalar that every reader takes for a string
// equal to the same text quoted. What a second YAML reader would take for the same data.
bool SameTypedYaml(const YAML::Node& a, const YAML::Node& b);

// How many documents the YAML stream `text` holds: YAML::LoadAll(text).size(), without building
// them, and within bounds that hold while the parser reads: at most `max_nodes` nodes, and at most
// `max_nodes` of the characters []{}, between two nodes (in strings too). yaml-cpp reads a flow
// collection that could be an implicit key ("[1, 1, ...]" at the start of a line) to its end
// before it reports anything, holding a token for each item (16 MiB: 29 s and 4.4 GB); the
// second bound stops that. Also avoids LoadAll's endless loop in yaml-cpp 0.7 on a stream such
// as "," (an empty document read again and again without consuming anything:
// jbeder/yaml-cpp#1040). Throws YAML::Exception on malformed YAML, as LoadAll does, and a
// YAML::ParserException past a bound or where that loop would start.
std::size_t CountYamlDocuments(const std::string& text, std::size_t max_nodes = kMaxYamlNodes);

}  // namespace seattest
