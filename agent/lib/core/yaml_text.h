// Writing YAML text by hand where yaml-cpp's emitter loses bytes (literal block scalars).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace seattest {

// The value part of `key: <value>` as a literal block scalar ("|", "|-", "|+", with an
// indentation indicator when needed) whose content lines are indented by `indent` spaces, ending
// in '\n'; a YAML reader gets `text` back byte for byte. nullopt when a literal block cannot carry
// `text` (control characters, carriage returns, invalid UTF-8, empty text), or `indent` is not
// 1 to 9.
std::optional<std::string> RenderLiteralBlock(std::string_view text, int indent);

// `key: value` for a string: a literal block when possible, else a double-quoted scalar.
std::string RenderStringEntry(std::string_view key, std::string_view value);

}  // namespace seattest
