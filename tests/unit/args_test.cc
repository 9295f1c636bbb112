#include "core/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seattest {
namespace {

using Args = std::vector<std::string>;

const std::vector<OptionSpec>& AgentSpecs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"config", true}, {"output", true}, {"sysinfo", true}, {"json", false}, {"chain", true, true}};
  return kSpecs;
}

TEST(ArgsTest, ValuesInBothForms) {
  auto parsed = ParseArgs(Args{"--config", "/etc/a.yaml", "--output=/run/out"}, AgentSpecs());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->Get("config"), "/etc/a.yaml");
  EXPECT_EQ(parsed->Get("output"), "/run/out");
  EXPECT_FALSE(parsed->Get("sysinfo").has_value());
  EXPECT_TRUE(parsed->Has("config"));
  EXPECT_FALSE(parsed->Has("sysinfo"));
  EXPECT_TRUE(parsed->positional().empty());
}

TEST(ArgsTest, ValueMayContainEquals) {
  auto parsed = ParseArgs(Args{"--config=a=b"}, AgentSpecs());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->Get("config"), "a=b");
}

// An empty value (an unset variable in a script: --reference "$REF") must never turn a check off.
TEST(ArgsTest, EmptyValueIsAnErrorNamingTheOption) {
  for (const Args& args : {Args{"--output="}, Args{"--output", ""}, Args{"--config", "x", "--output", ""}}) {
    auto parsed = ParseArgs(args, AgentSpecs());
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "option '--output' has an empty value");
  }
}

TEST(ArgsTest, FlagsAndPositionalsInAnyOrder) {
  auto parsed = ParseArgs(Args{"dir1", "--json", "-", "dir2"}, AgentSpecs());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->Has("json"));
  EXPECT_EQ(parsed->Get("json"), "");
  EXPECT_EQ(parsed->positional(), (Args{"dir1", "-", "dir2"}));
}

TEST(ArgsTest, DoubleDashEndsOptions) {
  auto parsed = ParseArgs(Args{"--json", "--", "--config", "-x", "file"}, AgentSpecs());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->Has("json"));
  EXPECT_FALSE(parsed->Has("config"));
  EXPECT_EQ(parsed->positional(), (Args{"--config", "-x", "file"}));
}

TEST(ArgsTest, RepeatableOptionKeepsEveryValueInOrder) {
  auto parsed = ParseArgs(Args{"--chain", "a.crt", "--chain=b.crt", "--chain", "c.crt"}, AgentSpecs());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->GetAll("chain"), (Args{"a.crt", "b.crt", "c.crt"}));
  EXPECT_EQ(parsed->Get("chain"), "c.crt");
  EXPECT_TRUE(parsed->GetAll("config").empty());
}

TEST(ArgsTest, EmptyArgumentList) {
  auto parsed = ParseArgs(Args{}, AgentSpecs());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->positional().empty());
  EXPECT_FALSE(parsed->Has("config"));
}

void ExpectErrorNaming(const Args& args, const std::string& name) {
  auto parsed = ParseArgs(args, AgentSpecs());
  ASSERT_FALSE(parsed.ok()) << "accepted: " << ::testing::PrintToString(args);
  EXPECT_NE(parsed.error().message.find(name), std::string::npos) << parsed.error().message;
}

TEST(ArgsTest, UnknownOptionIsAnErrorNamingIt) {
  ExpectErrorNaming({"--confg", "x"}, "--confg");
  ExpectErrorNaming({"--confg=x"}, "--confg");
  ExpectErrorNaming({"-c", "x"}, "-c");
  ExpectErrorNaming({"file", "-v"}, "-v");
}

TEST(ArgsTest, MissingValueIsAnError) {
  ExpectErrorNaming({"--config"}, "--config");
  ExpectErrorNaming({"dir", "--output"}, "--output");
}

TEST(ArgsTest, FlagWithValueIsAnError) { ExpectErrorNaming({"--json=yes"}, "--json"); }

TEST(ArgsTest, NonRepeatableOptionTwiceIsAnError) {
  ExpectErrorNaming({"--config", "a", "--config", "b"}, "--config");
  ExpectErrorNaming({"--json", "--json"}, "--json");
}

}  // namespace
}  // namespace seattest
