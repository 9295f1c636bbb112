#include "core/yaml_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>
#include <string>

#include "core/utf8.h"

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

// What every YAML reader accepts as it stands (PyYAML refuses a stream with DEL or a C1
// control in it): printable UTF-8, tab and line feed only; no NEL, U+2028, U+2029 or BOM either.
bool ReadableByEveryReader(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char ch = DecodeUtf8(text, i);
    const std::uint32_t cp = ch.code_point;
    if (ch.length == 0) return false;
    const bool ok = cp == '\t' || cp == '\n' || (cp >= 0x20 && cp < 0x7f) ||
                    (cp >= 0xa0 && cp != 0x2028 && cp != 0x2029 && cp != 0xfeff && cp != 0xfffe && cp != 0xffff);
    if (!ok) return false;
    i += ch.length;
  }
  return true;
}

TEST(RenderDoubleQuotedTest, EscapesWhatReadersRefuseFoldOrMisread) {
  EXPECT_EQ(RenderDoubleQuoted("8080"), "\"8080\"");
  EXPECT_EQ(RenderDoubleQuoted(""), "\"\"");
  EXPECT_EQ(RenderDoubleQuoted("\r"), "\"\\r\"");
  EXPECT_EQ(RenderDoubleQuoted("a\"b\\c\n\t"), "\"a\\\"b\\\\c\\n\\t\"");
  EXPECT_EQ(RenderDoubleQuoted(std::string("nul\0", 4)), "\"nul\\x00\"");
  EXPECT_EQ(RenderDoubleQuoted("del\x7f"), "\"del\\x7f\"");
  EXPECT_EQ(RenderDoubleQuoted("c1 \xc2\x85\xc2\x9b"), "\"c1 \\x85\\x9b\"");
  EXPECT_EQ(RenderDoubleQuoted("\xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf\xef\xbf\xbe\xef\xbf\xbf"),
            "\"\\u2028\\u2029\\ufeff\\ufffe\\uffff\"");
  EXPECT_EQ(RenderDoubleQuoted("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  EXPECT_FALSE(RenderDoubleQuoted("bad \xff").has_value());
  // yaml-cpp reads every one of them back byte for byte.
  for (const std::string& text : {std::string("del\x7f"), std::string("c1 \xc2\x85\xc2\x9b\x1b[31m"), std::string("\r"),
                                  std::string("\xe2\x80\xa8 x \xef\xbf\xbf"), std::string(" a \n b \n")}) {
    const std::string entry = "k: " + *RenderDoubleQuoted(text) + "\n";
    EXPECT_TRUE(ReadableByEveryReader(entry)) << entry;
    const YAML::Node back = YAML::Load(entry)["k"];
    EXPECT_EQ(back.Scalar(), text) << entry;
    EXPECT_EQ(back.Tag(), "!") << entry;
  }
}

// Issue 13 item 6: a plain env of quoted values, and plain ones, written back for user-data.decrypted.
TEST(RenderYamlKeepingTypesTest, EveryScalarKeepsItsTypeAndBytes) {
  const YAML::Node env = YAML::Load(
      "port: \"8080\"\ndebug: \"false\"\nmode: \"0755\"\ncr: \"\\r\"\nyes: \"yes\"\n\"on\": 'on'\n"
      "date: \"2001-12-14\"\ntilde: \"~\"\nempty: \"\"\nexp: '1e3'\nhex: \"0x1F\"\noct: \"0o17\"\ninf: \".inf\"\n"
      "\"1\": one\n1: plain one\ndel: \"a\\x7fb\\x85c\\u2028d\\uffff\"\nraw del: \"x\x7fy\"\nmerge: \"<<\"\n"
      "plain: [8080, false, 0755, yes, on, 2001-12-14, ~, 1e3, 0x1F, 0o17, .inf, -1, v1.2, a b]\n"
      "tabbed: a\tb\nnull: ~\nmultiline: \"line 1\\nline 2\\n\"\nlead: \"  x\"\n");
  auto rendered = RenderYamlKeepingTypes(env);
  ASSERT_TRUE(rendered.ok()) << rendered.error().message;
  const std::string& text = *rendered;
  EXPECT_TRUE(ReadableByEveryReader(text)) << text;
  for (const char* line : {"port: \"8080\"\n", "debug: \"false\"\n", "mode: \"0755\"\n", "cr: \"\\r\"\n",
                           "yes: \"yes\"\n", "\"on\": \"on\"\n", "date: \"2001-12-14\"\n", "tilde: \"~\"\n",
                           "empty: \"\"\n", "exp: \"1e3\"\n", "\"1\": one\n", "1: plain one\n",
                           "del: \"a\\x7fb\\x85c\\u2028d\\uffff\"\n", "raw del: \"x\\x7fy\"\n", "merge: \"<<\"\n",
                           "  - 8080\n  - false\n  - 0755\n  - yes\n  - on\n  - 2001-12-14\n  - null\n  - 1e3\n",
                           "tabbed: \"a\\tb\"\n", "null: null\n", "multiline: |\n  line 1\n  line 2\n",
                           "lead: \"  x\"\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
  const YAML::Node back = YAML::Load(text);
  EXPECT_TRUE(SameTypedYaml(back, env)) << text;
  EXPECT_EQ(back["cr"].Scalar(), "\r");
  EXPECT_EQ(back["raw del"].Scalar(), "x\x7fy");
  EXPECT_EQ(back["del"].Scalar(), "a\x7f" "b\xc2\x85" "c\xe2\x80\xa8" "d\xef\xbf\xbf");
  for (const auto& kv : back) {
    const std::string key = kv.first.Scalar();
    if (kv.second.IsScalar() && key != "tabbed") {
      EXPECT_EQ(kv.second.Tag(), env[key].Tag()) << key;
    }
  }
  EXPECT_EQ(back["plain"][0].Tag(), "?");
  EXPECT_EQ(back["tabbed"].Tag(), "!");  // a plain string that plain text cannot carry
}

// A plain scalar that plain text cannot carry and that a reader may take for something other
// than a string cannot be written back: an error, never a quoted string.
TEST(RenderYamlKeepingTypesTest, PlainNonStringThatPlainTextCannotCarryIsAnError) {
  for (const char* text : {"a: 2001-12-14\t10:00:00\n", "a: 1\t2\n"}) {
    const YAML::Node node = YAML::Load(text);
    EXPECT_FALSE(RenderYamlKeepingTypes(node).ok()) << text;
  }
}

TEST(RenderYamlKeepingTypesTest, LongKeysCollectionKeysTagsAndNesting) {
  const std::string long_key(1100, 'k');
  YAML::Node node = YAML::Load("? [1, \"2\"]\n: !!set {a, b}\nseq:\n- - x\n  - \"y\"\n- m: |\n    z\n"
                               "empty: [[], {}]\n");
  node[long_key] = "v";
  node[long_key].SetTag("!");
  auto rendered = RenderYamlKeepingTypes(node);
  ASSERT_TRUE(rendered.ok()) << rendered.error().message;
  EXPECT_NE(rendered->find("? " + long_key + "\n: \"v\"\n"), std::string::npos) << *rendered;
  EXPECT_NE(rendered->find("!<tag:yaml.org,2002:set>"), std::string::npos) << *rendered;
  EXPECT_TRUE(SameTypedYaml(YAML::Load(*rendered), node)) << *rendered;
}

// Random scalars, quoted or plain, as keys and values: rendered, parsed back by yaml-cpp, the same
// bytes and types (or an error, only for a plain scalar that plain text cannot carry and that may
// not be a string), and text that every reader accepts.
TEST(RenderYamlKeepingTypesTest, RandomScalarsRoundTrip) {
  const std::vector<std::string> pieces = {"a", "Z", "0", "1", "8080", " ", "  ", "\t", "\n", "\r", "\x7f", "\x1b",
                                           std::string(1, '\0'), "\xc2\x85", "\xc2\x9b", "\xc2\xa0", "\xe2\x80\xa8",
                                           "\xef\xbb\xbf", "\xef\xbf\xbf", "\xc3\xa9", "\xf0\x9f\x98\x80", ":", ": ",
                                           "#", " #", "-", "- ", "?", "'", "\"", "\\", "|", ">", "!", "&", "*", "%",
                                           "@", "`", "{", "}", "[", "]", ",", "yes", "on", "~", "null", "true", ".inf",
                                           "0x1F", "1e3", "0o17", "2001-12-14", "<<", "=", "---", "..."};
  std::mt19937 rng(13);  // NOLINT(cert-msc32-c,cert-msc51-cpp): reproducible on purpose
  int rendered_count = 0;
  for (int round = 0; round < 3000; ++round) {
    YAML::Node map(YAML::NodeType::Map);
    std::vector<std::pair<std::string, bool>> made;
    for (int k = 0; k < 2; ++k) {
      std::string s;
      const int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
      const bool quoted = rng() % 2 == 0;
      made.emplace_back(s, quoted);
    }
    // yaml-cpp never makes a plain scalar that means null (it makes a null node).
    bool skip = false;
    for (const auto& [s, quoted] : made) {
      skip = skip || (!quoted && (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"));
    }
    if (skip || made[0].first == "<<") continue;
    YAML::Node key(made[0].first), value(made[1].first);
    key.SetTag(made[0].second ? "!" : "?");
    value.SetTag(made[1].second ? "!" : "?");
    map[key] = value;
    auto rendered = RenderYamlKeepingTypes(map);
    if (!rendered.ok()) {
      EXPECT_TRUE(!made[0].second || !made[1].second) << made[0].first << " / " << made[1].first;
      continue;
    }
    ++rendered_count;
    EXPECT_TRUE(ReadableByEveryReader(*rendered)) << *rendered;
    YAML::Node back;
    ASSERT_NO_THROW(back = YAML::Load(*rendered)) << *rendered;
    ASSERT_TRUE(back.IsMap() && back.size() == 1) << *rendered;
    EXPECT_TRUE(SameTypedYaml(back, map)) << *rendered;
    const auto kv = *back.begin();
    EXPECT_EQ(kv.first.Scalar(), made[0].first) << *rendered;
    EXPECT_EQ(kv.second.Scalar(), made[1].first) << *rendered;
    if (made[1].second) {
      EXPECT_EQ(kv.second.Tag(), "!") << *rendered;
    }
  }
  EXPECT_GT(rendered_count, 1000);
}

TEST(RenderStringEntryTest, DelAndC1InAPlaintextAreEscaped) {
  const std::string plaintext = "a: \"\x7f\"\nb: 1\x7f\xc2\x9b\n";
  const std::string entry = RenderStringEntry("env", plaintext);
  EXPECT_EQ(entry, "env: \"a: \\\"\\x7f\\\"\\nb: 1\\x7f\\x9b\\n\"\n");
  EXPECT_TRUE(ReadableByEveryReader(entry));
  EXPECT_EQ(ReadEntry(entry, "env"), plaintext);
  EXPECT_FALSE(RenderLiteralBlock("non-character \xef\xbf\xbf\n", 4).has_value());
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
