// Writing YAML text by hand where yaml-cpp's emitter loses bytes (literal block scalars).
#pragma once

#include <optional>
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

// `key: value` for a string: a literal block when possible, else a double-quoted scalar.
std::string RenderStringEntry(std::string_view key, std::string_view value);

// `node` as block YAML that reads back to the same values and the same types. yaml-cpp's own
// emitter drops quotes ("6514" would come back as a number, 'yes' as a boolean); here a scalar
// quoted in the source stays quoted and explicit tags are kept. Comments, anchors and flow style
// are not kept. The text is parsed back and compared; an error when it would differ. Throws
// nothing.
Result<std::string> RenderYamlKeepingTypes(const YAML::Node& node);

}  // namespace seattest
