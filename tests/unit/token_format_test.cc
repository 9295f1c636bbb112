#include "core/token_format.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/base64.h"
#include "test_support.h"

namespace seattest {
namespace {

using test::Fixture;

TEST(TokenFormatTest, ParsesTheCommandLineToken) {
  const std::string text = Fixture("token/cli-token.txt");
  ASSERT_TRUE(LooksLikeToken(text));
  auto parts = ParseToken(text);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->encrypted_password.size(), 512u);  // RSA-4096
  ASSERT_GE(parts->encrypted_message.size(), 32u);
  EXPECT_EQ(std::string(parts->encrypted_message.begin(), parts->encrypted_message.begin() + 8), "Salted__");
  EXPECT_EQ((parts->encrypted_message.size() - 16) % 16, 0u);
  EXPECT_EQ(RenderToken(*parts), text);
}

TEST(TokenFormatTest, OneTrailingNewlineIsTolerated) {
  const std::string text = Fixture("token/trailing-newline.txt");
  EXPECT_TRUE(LooksLikeToken(text));
  auto parts = ParseToken(text);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(RenderToken(*parts), Fixture("token/cli-token.txt"));
  EXPECT_TRUE(ParseToken(Fixture("token/cli-token.txt") + "\r\n").ok());
  EXPECT_FALSE(ParseToken(Fixture("token/cli-token.txt") + "\n\n").ok());
}

TEST(TokenFormatTest, RenderIsPrefixAndTwoUnwrappedBase64Parts) {
  TokenParts parts;
  parts.encrypted_password = Bytes(512, 0xab);
  parts.encrypted_message = ToBytes("Salted__");
  parts.encrypted_message.resize(8 + 8 + 64, 0x5a);
  const std::string token = RenderToken(parts);
  EXPECT_EQ(token.rfind("hyper-protect-basic.", 0), 0u);
  EXPECT_EQ(token.find('\n'), std::string::npos);
  const std::size_t dot = token.find('.', 20);
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(token.substr(20, dot - 20), Base64Encode(parts.encrypted_password));
  EXPECT_EQ(token.substr(dot + 1), Base64Encode(parts.encrypted_message));
  auto back = ParseToken(token);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->encrypted_password, parts.encrypted_password);
  EXPECT_EQ(back->encrypted_message, parts.encrypted_message);
}

TEST(TokenFormatTest, LooksLikeToken) {
  EXPECT_TRUE(LooksLikeToken("hyper-protect-basic.QUFB.QkJC"));
  EXPECT_TRUE(LooksLikeToken("hyper-protect-basic.QUFB.QkJC\n"));
  EXPECT_FALSE(LooksLikeToken(""));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-basic."));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-basic.QUFB"));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-basic.QUFB."));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-basic..QkJC"));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-basic.QU B.QkJC"));
  EXPECT_FALSE(LooksLikeToken("hyper-protect-flex.QUFB.QkJC"));
  EXPECT_FALSE(LooksLikeToken("type: env\n"));
  EXPECT_FALSE(LooksLikeToken("-----BEGIN PUBLIC KEY-----\n"));
}

TEST(TokenFormatTest, BothPrefixesAreReadAndWrittenAsChosen) {
  const std::string hpb = Fixture("token/cli-token.txt");
  const std::string cb = "contract-basic." + hpb.substr(hpb.find('.') + 1);
  for (const auto& [text, prefix] : {std::pair{hpb, TokenPrefix::kHyperProtectBasic}, {cb, TokenPrefix::kContractBasic}}) {
    EXPECT_TRUE(LooksLikeToken(text));
    EXPECT_TRUE(StartsWithTokenPrefix(text));
    auto parts = ParseToken(text);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_EQ(parts->prefix, prefix);
    EXPECT_EQ(RenderToken(*parts), text);  // the prefix read is the prefix written
  }
  auto a = ParseToken(hpb);
  auto b = ParseToken(cb);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->encrypted_password, b->encrypted_password);
  EXPECT_EQ(a->encrypted_message, b->encrypted_message);
}

TEST(TokenFormatTest, AThirdPrefixOrNoneIsNotAToken) {
  const std::string hpb = Fixture("token/cli-token.txt");
  const std::string parts = hpb.substr(hpb.find('.') + 1);
  for (const std::string& text : {"hyper-protect-flex." + parts, "contract-basics." + parts, "contract." + parts,
                                  "Contract-Basic." + parts, "hyper-protect-basic" + parts, "contract-basic" + parts,
                                  parts, "." + parts, " contract-basic." + parts}) {
    EXPECT_FALSE(LooksLikeToken(text)) << text.substr(0, 24);
    auto parsed = ParseToken(text);
    ASSERT_FALSE(parsed.ok()) << text.substr(0, 24);
    EXPECT_EQ(parsed.error().message, "token: does not start with 'hyper-protect-basic.' or 'contract-basic.'");
  }
  EXPECT_FALSE(StartsWithTokenPrefix("contract-basic"));
  EXPECT_TRUE(StartsWithTokenPrefix("contract-basic.QUFB"));  // a malformed token, still not plain YAML
}

TEST(TokenFormatTest, AlmostATokenNamesWhatIsWrong) {
  EXPECT_EQ(AlmostAToken("hyper-protect-basic.QUFB.QkJC"), std::nullopt);
  EXPECT_EQ(AlmostAToken("contract-basic.QUFB.QkJC\n"), std::nullopt);
  EXPECT_EQ(AlmostAToken("type: env\n"), std::nullopt);
  EXPECT_EQ(AlmostAToken("version.1.2"), std::nullopt);  // no '-' in the prefix
  EXPECT_EQ(AlmostAToken("a-b.c d.e"), std::nullopt);
  EXPECT_EQ(AlmostAToken("LS0tLS1CRUdJTi=="), std::nullopt);
  EXPECT_EQ(AlmostAToken(" contract-basic.QUFB.QkJC"), "a token with white space around it");
  EXPECT_EQ(AlmostAToken("hyper-protect-basic.QUFB.QkJC\n\n"), "a token with white space around it");
  EXPECT_EQ(AlmostAToken("hyper-protect-flex.QUFB.QkJC"),
            "a token with the unknown prefix 'hyper-protect-flex' (expected hyper-protect-basic or contract-basic)");
  EXPECT_NE(AlmostAToken("CONTRACT-BASIC.QUFB.QkJC"), std::nullopt);
}

TEST(TokenFormatTest, PrefixNames) {
  EXPECT_EQ(TokenPrefixName(TokenPrefix::kHyperProtectBasic), "hyper-protect-basic");
  EXPECT_EQ(TokenPrefixName(TokenPrefix::kContractBasic), "contract-basic");
  EXPECT_EQ(kDefaultTokenPrefix, TokenPrefix::kHyperProtectBasic);
  for (TokenPrefix p : {TokenPrefix::kHyperProtectBasic, TokenPrefix::kContractBasic}) {
    auto back = ParseTokenPrefix(TokenPrefixName(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
  }
  for (const char* bad : {"", "contract-basic.", "hyper-protect-basic.", "CONTRACT-BASIC", "hyper-protect-flex"}) {
    auto parsed = ParseTokenPrefix(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("expected hyper-protect-basic or contract-basic"), std::string::npos);
  }
}

struct BadCase {
  const char* fixture;
  const char* expected_in_message;
};

class TokenFormatBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(TokenFormatBadTest, IsRejected) {
  auto parts = ParseToken(Fixture(std::string("token/") + GetParam().fixture));
  ASSERT_FALSE(parts.ok()) << GetParam().fixture << " was accepted";
  EXPECT_EQ(parts.error().message.rfind("token: ", 0), 0u) << parts.error().message;
  EXPECT_NE(parts.error().message.find(GetParam().expected_in_message), std::string::npos)
      << parts.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, TokenFormatBadTest,
    ::testing::Values(BadCase{"empty.txt", "hyper-protect-basic."},
                      BadCase{"wrong-prefix.txt", "hyper-protect-basic."},
                      BadCase{"truncated.txt", "second part"},
                      BadCase{"missing-part.txt", "two parts"},
                      BadCase{"three-parts.txt", "more than two parts"},
                      BadCase{"empty-password-part.txt", "first part"},
                      BadCase{"bad-base64.txt", "second part"},
                      BadCase{"wrapped-base64.txt", "second part"},
                      BadCase{"no-salted-header.txt", "Salted__"},
                      BadCase{"not-whole-blocks.txt", "AES blocks"}),
    [](const auto& p) { return test::ParamName(p.param.fixture); });

TEST(TokenFormatTest, MessageTooShortForSaltAndOneBlock) {
  TokenParts parts;
  parts.encrypted_password = Bytes(512, 1);
  parts.encrypted_message = ToBytes("Salted__12345678");  // salt but no block
  EXPECT_FALSE(ParseToken(RenderToken(parts)).ok());
}

}  // namespace
}  // namespace seattest
