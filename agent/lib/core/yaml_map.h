// Strict reading of YAML mappings for the files se-attest writes and reads back (agent.yaml,
// reference.yaml): a misspelt key must never turn a check off, and a key given twice must never
// leave the reader to pick one.
#pragma once

#include <initializer_list>
#include <string_view>

#include "core/result.h"

namespace YAML {
class Node;
}  // namespace YAML

namespace seattest {

// Fails unless `map` is a mapping whose keys are all strings among `allowed`, each given once.
// Errors read "<prefix><key>: unknown key (line N)" or "<prefix><key>: given twice (line N)";
// `prefix` is "" at the top level and "measurements." below it.
Status CheckMapKeys(const YAML::Node& map, std::string_view prefix, std::initializer_list<std::string_view> allowed);

}  // namespace seattest
