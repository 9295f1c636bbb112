#include "core/token_format.h"

#include <optional>
#include <utility>

#include "core/base64.h"

namespace seattest {
namespace {

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

std::string_view StripOneNewline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

// Two non-empty runs of base64 characters joined by one dot: what follows a token's prefix.
bool IsTwoBase64Parts(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && !IsBase64Char(text[i])) return false;
  }
  return true;
}

// "hyper-protect-basic or contract-basic", for the errors that name the prefixes we read.
std::string ExpectedPrefixes() {
  return std::string(kTokenPrefixHyperProtectBasic) + " or " + std::string(kTokenPrefixContractBasic);
}

constexpr TokenPrefix kTokenPrefixes[] = {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic};

// The prefix `text` starts with (followed by its dot), and `text` past the dot.
std::optional<std::pair<TokenPrefix, std::string_view>> SplitPrefix(std::string_view text) {
  for (TokenPrefix prefix : kTokenPrefixes) {
    const std::string_view name = TokenPrefixName(prefix);
    if (text.size() > name.size() && text.substr(0, name.size()) == name && text[name.size()] == '.') {
      return std::pair{prefix, text.substr(name.size() + 1)};
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view TokenPrefixName(TokenPrefix prefix) {
  return prefix == TokenPrefix::kContractBasic ? kTokenPrefixContractBasic : kTokenPrefixHyperProtectBasic;
}

Result<TokenPrefix> ParseTokenPrefix(std::string_view name) {
  for (TokenPrefix prefix : kTokenPrefixes) {
    if (name == TokenPrefixName(prefix)) return prefix;
  }
  return MakeError("unknown token prefix '" + std::string(name) + "' (expected " + ExpectedPrefixes() + ")");
}

bool StartsWithTokenPrefix(std::string_view text) { return SplitPrefix(text).has_value(); }

std::optional<std::string> AlmostAToken(std::string_view text) {
  if (LooksLikeToken(text)) return std::nullopt;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (LooksLikeToken(text)) return "a token with white space around it";
  const std::size_t first = text.find('.');
  if (first == 0 || first == std::string_view::npos) return std::nullopt;
  const std::string_view prefix = text.substr(0, first);
  bool dash = false;
  for (char c : prefix) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return std::nullopt;
    dash = dash || c == '-';
  }
  if (!dash || !IsTwoBase64Parts(text.substr(first + 1))) return std::nullopt;
  return "a token with the unknown prefix '" + std::string(prefix) + "' (expected " + ExpectedPrefixes() + ")";
}

bool LooksLikeToken(std::string_view text) {
  const auto split = SplitPrefix(StripOneNewline(text));
  return split && IsTwoBase64Parts(split->second);
}

Result<TokenParts> ParseToken(std::string_view text) {
  const auto split = SplitPrefix(StripOneNewline(text));
  if (!split) {
    return MakeError("token: does not start with '" + std::string(kTokenPrefixHyperProtectBasic) + ".' or '" +
                     std::string(kTokenPrefixContractBasic) + ".'");
  }
  text = split->second;
  std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return MakeError("token: expected two parts separated by '.'");
  if (text.find('.', dot + 1) != std::string_view::npos) {
    return MakeError("token: more than two parts after the prefix");
  }
  auto password = Base64Decode(text.substr(0, dot));
  if (!password || password->empty()) {
    return MakeError("token: the encrypted password (first part) is not valid base64");
  }
  auto message = Base64Decode(text.substr(dot + 1));
  if (!message || message->empty()) {
    return MakeError("token: the encrypted message (second part) is not valid base64");
  }
  if (message->size() < 16 + 16 ||
      std::string_view(reinterpret_cast<const char*>(message->data()), 8) != kOpensslSaltMagic) {
    return MakeError("token: the encrypted message does not start with 'Salted__', salt and a block");
  }
  if ((message->size() - 16) % 16 != 0) {
    return MakeError("token: the encrypted message is not a whole number of AES blocks");
  }
  return TokenParts{std::move(*password), std::move(*message), split->first};
}

std::string RenderToken(const TokenParts& parts) {
  return std::string(TokenPrefixName(parts.prefix)) + "." + Base64Encode(parts.encrypted_password) + "." +
         Base64Encode(parts.encrypted_message);
}

}  // namespace seattest
