#include "core/token_format.h"

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

}  // namespace

bool LooksLikeToken(std::string_view text) {
  text = StripOneNewline(text);
  if (text.substr(0, kTokenPrefix.size()) != kTokenPrefix) return false;
  text.remove_prefix(kTokenPrefix.size());
  std::size_t dot = text.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && !IsBase64Char(text[i])) return false;
  }
  return true;
}

Result<TokenParts> ParseToken(std::string_view text) {
  text = StripOneNewline(text);
  if (text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return MakeError("token: does not start with 'hyper-protect-basic.'");
  }
  text.remove_prefix(kTokenPrefix.size());
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
  return TokenParts{std::move(*password), std::move(*message)};
}

std::string RenderToken(const TokenParts& parts) {
  return std::string(kTokenPrefix) + Base64Encode(parts.encrypted_password) + "." +
         Base64Encode(parts.encrypted_message);
}

}  // namespace seattest
