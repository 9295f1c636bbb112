// libFuzzer target: the hyper-protect-basic token, ParseToken / LooksLikeToken (core/token_format.h)
// and DecryptToken (crypto/token.h) with the committed test contract key. RSA-4096 decryption is
// slow, so DecryptToken only sees inputs ParseToken accepts. No exception is caught here.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "core/token_format.h"
#include "crypto/keys.h"
#include "crypto/token.h"

#ifndef SE_ATTEST_FUZZ_CONTRACT_KEY
#error "SE_ATTEST_FUZZ_CONTRACT_KEY: the path of tests/fixtures/keys/contract.key"
#endif

namespace {

EVP_PKEY* ContractKey() {
  static const seattest::EvpPkeyPtr key = [] {
    std::ifstream in(SE_ATTEST_FUZZ_CONTRACT_KEY, std::ios::binary);
    std::stringstream pem;
    pem << in.rdbuf();
    auto k = seattest::PrivateKeyFromPem(pem.str(), SE_ATTEST_FUZZ_CONTRACT_KEY);
    if (!k) {
      (void)std::fprintf(stderr, "fuzz_token: %s\n", k.error().message.c_str());
      __builtin_trap();
    }
    return std::move(*k);
  }();
  return key.get();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ContractKey();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool looks = seattest::LooksLikeToken(text);
  auto parts = seattest::ParseToken(text);
  if (!parts.ok()) return 0;
  // The contract parser decides "token or plain YAML" with LooksLikeToken: every token ParseToken
  // accepts must look like one, or a valid token would be taken for plain text.
  if (!looks) __builtin_trap();
  // A token is never also "almost a token" (the contract would refuse a valid one).
  if (seattest::AlmostAToken(text).has_value()) __builtin_trap();
  // Rendering what was read gives a token that reads back to the same parts.
  auto again = seattest::ParseToken(seattest::RenderToken(*parts));
  if (!again.ok() || again->encrypted_password != parts->encrypted_password ||
      again->encrypted_message != parts->encrypted_message || again->prefix != parts->prefix) {
    __builtin_trap();
  }
  auto plain = seattest::DecryptToken(ContractKey(), text);
  if (!plain.ok() && plain.error().message.empty()) __builtin_trap();
  return 0;
}
