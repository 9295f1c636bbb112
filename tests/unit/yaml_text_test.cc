#include "core/yaml_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "test_support.h"

namespace seattest {
namespace {

// What a YAML reader makes of `key: <block>` followed by another key (so that trailing lines are
// really tested against what comes next).
std::string ReadBack(const std::string& block) {
  YAML::Node n = YAML::Load("key: " + block + "next: 1\n");
  if (!n["key"] || !n["key"].IsScalar() || !n["next"]) {
    ADD_FAILURE() << "not read back as a scalar:\nkey: " << block;
    return "<not a scalar>";
  }
  return n["key"].Scalar();
}

TEST(RenderLiteralBlockTest, ExactFormForTheCommonCases) {
  EXPECT_EQ(RenderLiteralBlock("abc\n", 4), "|\n    abc\n");
  EXPECT_EQ(RenderLiteralBlock("abc", 4), "|-\n    abc\n");
  EXPECT_EQ(RenderLiteralBlock("abc\n\n", 4), "|+\n    abc\n\n");
  EXPECT_EQ(RenderLiteralBlock("a\n\nb\n", 2), "|\n  a\n\n  b\n");
  EXPECT_EQ(RenderLiteralBlock("  indented\n", 4), "|4\n      indented\n");
  EXPECT_EQ(RenderLiteralBlock("\nafter an empty line", 4), "|4-\n\n    after an empty line\n");
}

class LiteralRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LiteralRoundTripTest, YamlReadsBackTheSameBytes) {
  const std::string& text = GetParam();
  for (int indent : {2, 4, 8}) {
    auto block = RenderLiteralBlock(text, indent);
    ASSERT_TRUE(block.has_value()) << "indent " << indent;
    EXPECT_EQ(block->back(), '\n');
    EXPECT_EQ(block->front(), '|');
    std::string read;
    try {
      read = ReadBack(*block);
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << "YAML error " << e.what() << " in\nkey: " << *block;
      continue;
    }
    EXPECT_EQ(read, text) << "indent " << indent << ", rendered as\nkey: " << *block;
  }
}

INSTANTIATE_TEST_SUITE_P(
    TrickyStrings, LiteralRoundTripTest,
    ::testing::Values(std::string("one line\n"), std::string("no trailing newline"),
                      std::string("two trailing newlines\n\n"),
                      std::string("several trailing newlines\n\n\n\n"),
                      std::string("  leading spaces\nsecond line\n"),
                      std::string("\n\nleading empty lines\n"),
                      std::string("\n  leading empty line, then spaces"),
                      std::string("inner\n\n\nempty lines\n"),
                      std::string("\ttab first\n"), std::string("tab\tinside\n\t\tand indented\n"),
                      std::string("trailing spaces   \n"),
                      std::string("a\n   \nline of spaces in the middle\n"),
                      std::string("unicode: gr\xc3\xbc\xc3\x9f \xe2\x9c\x93 \xf0\x9f\x98\x80\n"),
                      std::string("# not a comment\n- not a list\nkey: not a map\n"),
                      std::string("---\n...\n"), std::string("'quotes' \"and\" \\ backslash\n"),
                      std::string("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"),
                      std::string("x"), std::string(" "),
                      std::string("type: env\nlogging:\n  syslog:\n    port: 6514\n")),
    [](const auto& p) { return std::to_string(p.index) + "_" + test::ParamName(p.param.substr(0, 24)); });

TEST(RenderLiteralBlockTest, LargeIndentsStillRoundTripOrAreRefused) {
  for (int indent : {9, 10, 12}) {
    auto block = RenderLiteralBlock("  leading spaces\n", indent);
    if (!block) continue;  // refusing is fine; writing YAML that reads back differently is not
    std::string read;
    try {
      read = ReadBack(*block);
    } catch (const YAML::Exception& e) {
      read = std::string("<YAML error: ") + e.what() + ">";
    }
    EXPECT_EQ(read, "  leading spaces\n") << "indent " << indent << ":\nkey: " << *block;
  }
}

TEST(RenderLiteralBlockTest, NulloptWhenALiteralBlockCannotCarryTheText) {
  EXPECT_FALSE(RenderLiteralBlock("", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("carriage\r\nreturn\r\n", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("a\rb", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("bell\x07", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock(std::string("nul\0", 4), 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("del\x7f", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("bad utf-8 \xff\n", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("truncated utf-8 \xc3", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("overlong \xc0\xaf", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("surrogate \xed\xa0\x80", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("\xef\xbb\xbf" "bom", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("nel \xc2\x85", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("line separator \xe2\x80\xa8", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("\n", 4).has_value());
  EXPECT_FALSE(RenderLiteralBlock("\n\n\n", 4).has_value());
}

std::string ReadEntry(const std::string& entry, const std::string& key) {
  YAML::Node n = YAML::Load(entry + "next: 1\n");
  return n[key].Scalar();
}

TEST(RenderStringEntryTest, LiteralBlockIndentedByFour) {
  EXPECT_EQ(RenderStringEntry("env", "type: env\n"), "env: |\n    type: env\n");
}

TEST(RenderStringEntryTest, FallsBackToDoubleQuotedAndStillRoundTrips) {
  for (const std::string& value :
       {std::string("windows\r\nline ends\r\n"), std::string(""), std::string("\n\n"),
        std::string("bell\x07"), std::string("a\rb")}) {
    const std::string entry = RenderStringEntry("env", value);
    EXPECT_EQ(entry.rfind("env: \"", 0), 0u) << entry;
    EXPECT_EQ(entry.back(), '\n');
    EXPECT_EQ(ReadEntry(entry, "env"), value) << entry;
  }
}

TEST(RenderStringEntryTest, KeyThatNeedsQuoting) {
  const std::string entry = RenderStringEntry("a: b", "value\n");
  EXPECT_EQ(ReadEntry(entry, "a: b"), "value\n") << entry;
}

TEST(CheckYamlNodeCountTest, CountsAliasesExpanded) {
  // 1 map + 2 keys + a list of 3 + the list again through its alias: 1 + 2 + 4 + 4 = 11 nodes.
  const YAML::Node doc = YAML::Load("a: &x [1, 2, 3]\nb: *x\n");
  EXPECT_TRUE(CheckYamlNodeCount(doc, 11).ok());
  const Status s = CheckYamlNodeCount(doc, 10);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("more than 10 YAML nodes"), std::string::npos) << s.error().message;
}

TEST(CheckYamlNodeCountTest, BillionLaughsStopsAtTheLimit) {
  const YAML::Node doc = YAML::Load(test::Fixture("contract/billion-laughs.yaml"));
  EXPECT_FALSE(CheckYamlNodeCount(doc).ok());
  EXPECT_TRUE(CheckYamlNodeCount(YAML::Load(test::Fixture("contract/plain.yaml"))).ok());
}

TEST(CountYamlDocumentsTest, CountsAsLoadAllDoes) {
  EXPECT_EQ(CountYamlDocuments(""), 0u);
  EXPECT_EQ(CountYamlDocuments("# only a comment\n"), 0u);
  EXPECT_EQ(CountYamlDocuments("a: 1\n"), 1u);
  EXPECT_EQ(CountYamlDocuments("---\na: 1\n...\n"), 1u);
  EXPECT_EQ(CountYamlDocuments("a: 1\n---\nb: 2\n---\nc\n"), 3u);
  EXPECT_EQ(CountYamlDocuments("---\n---\n"), YAML::LoadAll("---\n---\n").size());
  EXPECT_THROW(CountYamlDocuments("a: [1\n"), YAML::Exception);
}

// Found by tests/fuzz/fuzz_contract: yaml-cpp 0.7's LoadAll loops, allocating, on these streams
// (jbeder/yaml-cpp#1040). CountYamlDocuments throws instead.
TEST(CountYamlDocumentsTest, StreamsThatMakeLoadAllLoopForeverAreMalformed) {
  for (const char* text : {",", ",,", ", x", ",2 -----BEGIN CERTIFICATE----- \n\n\t\n", "- !+(.,.)"}) {
    EXPECT_THROW(CountYamlDocuments(text), YAML::ParserException) << text;
  }
}

TEST(LoadOneYamlDocumentTest, OneDocumentOnly) {
  auto one = LoadOneYamlDocument("a: 1\n");
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ((*one)["a"].Scalar(), "1");
  for (const char* text : {"", "# nothing\n", "a: 1\n---\nb: 2\n", ",", "a: [1\n"}) {
    EXPECT_FALSE(LoadOneYamlDocument(text).ok()) << text;
  }
  EXPECT_EQ(LoadOneYamlDocument("a: 1\n---\nb: 2\n").error().message, "2 YAML documents, expected one");
  EXPECT_EQ(LoadOneYamlDocument("a: [1\n").error().message.rfind("malformed YAML at line ", 0), 0u);
}

// The limit holds while the parser reads: 16 MiB of one flow list stops at node 100,001, long
// before yaml-cpp has built a tree of 8 million nodes (29 s and 4.4 GB before the limit).
TEST(LoadOneYamlDocumentTest, NodeLimitHoldsWhileParsing) {
  std::string list = "[";
  while (list.size() < (16u << 20)) list += "1,";
  list += "1]\n";
  auto loaded = LoadOneYamlDocument(list);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("more than 100000 YAML nodes"), std::string::npos) << loaded.error().message;
  EXPECT_FALSE(LoadOneYamlDocument("[1, 2, 3, 4]\n", 4).ok());
  EXPECT_TRUE(LoadOneYamlDocument("[1, 2, 3, 4]\n", 5).ok());
}

TEST(LoadOneYamlDocumentTest, AliasesCountExpanded) {
  auto loaded = LoadOneYamlDocument(test::Fixture("contract/billion-laughs.yaml"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("with aliases expanded"), std::string::npos) << loaded.error().message;
}

TEST(SameTypedYamlTest, QuotingAndTypesCount) {
  auto same = [](const char* a, const char* b) { return SameTypedYaml(YAML::Load(a), YAML::Load(b)); };
  EXPECT_TRUE(same("a: \"8080\"\n", "a: '8080'\n"));
  EXPECT_TRUE(same("a: |\n  x\n", "a: \"x\\n\"\n"));
  EXPECT_TRUE(same("{a: [1, b]}", "a:\n  - 1\n  - b\n"));
  EXPECT_FALSE(same("a: \"8080\"\n", "a: 8080\n"));
  EXPECT_FALSE(same("a: \"false\"\n", "a: false\n"));
  EXPECT_FALSE(same("a: 1\nb: 2\n", "b: 2\na: 1\n"));
  EXPECT_FALSE(same("a: 1\n", "a: 1\nb: 2\n"));
  EXPECT_FALSE(same("a: !!str 1\n", "a: 1\n"));
  // Tags count on collections too.
  EXPECT_FALSE(same("a: !!set {x}\n", "a: {x}\n"));
  EXPECT_FALSE(same("a: !!python/object/new:os.system {x: 1}\n", "a: {x: 1}\n"));
  EXPECT_FALSE(same("a: !!omap [b: 1]\n", "a: [b: 1]\n"));
  // A plain scalar that every reader takes for a string equals the same text quoted; one that a
  // reader may take for a number, a bool or null does not.
  EXPECT_TRUE(same("a: \"a\\tb\"\n", "a: a\tb\n"));
  EXPECT_TRUE(same("a: \"v1.2\"\n", "a: v1.2\n"));
  for (const char* typed : {"0755", "1_000", "12:30", ".inf", "-1", "+1", "yes", "Off", "N", "~", "NULL", "<<", "="}) {
    EXPECT_FALSE(same(("a: \"" + std::string(typed) + "\"\n").c_str(), ("a: " + std::string(typed) + "\n").c_str()))
        << typed;
  }
}

TEST(RenderYamlKeepingTypesTest, TagsAndPlainStringsSurvive) {
  for (const char* text : {"a: !!set {x, y}\n", "a:\n  v: a\tb\n", "a: !!binary aGVsbG8=\n", "a: [\"8080\", 8080]\n"}) {
    const YAML::Node node = YAML::Load(text);
    auto rendered = RenderYamlKeepingTypes(node);
    ASSERT_TRUE(rendered.ok()) << text << ": " << rendered.error().message;
    EXPECT_TRUE(SameTypedYaml(YAML::Load(*rendered), node)) << text << " -> " << *rendered;
  }
}

}  // namespace
}  // namespace seattest
