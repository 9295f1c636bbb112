// The output folder (SPEC "Output folder"), written so that a record exists only complete and
// signed: every file atomic, the record itself last, and nothing of this run left on failure.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/output_layout.h"
#include "core/result.h"

namespace seattest {

struct OutputFile {
  std::string name;  // relative to the folder, at most one level deep ("cidata/user-data")
  std::string content;
  mode_t mode = 0400;
};

// `content` as the file of the output folder's `item`, named and with the mode of its row of
// kOutputLayout.
OutputFile MakeOutputFile(OutputItem item, std::string content);

// Every name the agent writes (kOutputLayout), the record first: a run removes them all first,
// so an older record can never be mistaken for this run's.
const std::vector<std::string>& OutputFileNames();

// Both never follow a symbolic link in `dir` nor `dir` itself (which is then an error; its
// parents may be links): every name is the agent's, so a link planted at one (at `cidata`, at
// a file's or a temporary's name) is removed or replaced, and what it points to is untouched.

// Removes every file the agent writes from `dir` (the record first). Missing files are fine.
Status ClearOutputFolder(const std::string& dir);

// Writes `files` in order (the caller puts the record last); on failure removes what it wrote.
Status WriteOutputFolder(const std::string& dir, const std::vector<OutputFile>& files);

// The README placed in the folder for whoever finds it.
// `with`: which of the optional files the folder has (hpcr-2026's certificate_expiry_date.json, sbom).
struct ReadmeFiles {
  bool certificate_expiry = false;
  bool sbom = false;
};
std::string OutputReadme(bool encrypted, ReadmeFiles with = {});

}  // namespace seattest
