#include "core/extents.h"

#include <algorithm>

#include "core/decimal.h"

namespace seattest {

Status CheckExtents(const std::vector<Extent>& extents, std::uint64_t file_size,
                    std::uint64_t partition_size, std::string_view what) {
  const std::string where(what);
  if (extents.empty()) return MakeError(where + ": no extents");
  if (extents.size() > kMaxExtents) {
    return MakeError(where + ": " + std::to_string(extents.size()) + " extents, more than " +
                     std::to_string(kMaxExtents));
  }
  std::uint64_t end_of_previous = 0;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < extents.size(); ++i) {
    const Extent& e = extents[i];
    const std::string item = where + ": extent " + std::to_string(i) + " (" + std::to_string(e.physical) + "+" +
                             std::to_string(e.length) + ")";
    if (e.length == 0) return MakeError(item + ": empty");
    if (e.physical > partition_size || e.length > partition_size - e.physical) {
      return MakeError(item + ": ends after the partition's " + std::to_string(partition_size) + " bytes");
    }
    if (i > 0 && e.physical < end_of_previous) {
      return MakeError(item + ": starts before the end of the extent before it (" + std::to_string(end_of_previous) +
                       "): the extents must ascend");
    }
    end_of_previous = e.physical + e.length;
    total += e.length;  // no overflow: the extents ascend inside the partition
  }
  if (total != file_size) {
    return MakeError(where + ": the extents hold " + std::to_string(total) + " bytes, the file " +
                     std::to_string(file_size));
  }
  return {};
}

std::string RenderExtents(const std::vector<Extent>& extents) {
  std::string out;
  for (const Extent& e : extents) {
    if (!out.empty()) out += ' ';
    out += std::to_string(e.physical) + "+" + std::to_string(e.length);
  }
  return out;
}

Result<std::vector<Extent>> ParseExtents(std::string_view text, std::string_view what) {
  std::vector<Extent> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t space = std::min(text.find(' ', at), text.size());
    const std::string_view item = text.substr(at, space - at);
    const std::size_t plus = item.find('+');
    const auto physical = plus == std::string_view::npos ? std::nullopt : ParseDecimal(item.substr(0, plus));
    const auto length = plus == std::string_view::npos ? std::nullopt : ParseDecimal(item.substr(plus + 1));
    if (!physical || !length) {
      return MakeError(std::string(what) + ": item " + std::to_string(out.size()) +
                       ": expected PHYSICAL+LENGTH (decimal bytes), found '" +
                       std::string(item.substr(0, 40)) + "'");
    }
    if (out.size() == kMaxExtents) {
      return MakeError(std::string(what) + ": more than " + std::to_string(kMaxExtents) + " extents");
    }
    out.push_back(Extent{*physical, *length});
    at = space + 1;
  }
  return out;
}

Status ExtentPicker::Feed(std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
  const std::uint64_t end = offset + size;
  while (next_ < extents_.size()) {
    Extent& e = extents_[next_];  // shrinks from the front as its bytes are picked
    if (e.physical >= end) return {};  // in a later chunk
    if (e.physical < offset) return MakeError("extent bytes skipped: chunks out of order");
    const std::uint64_t take = std::min(e.length, end - e.physical);
    SEA_RETURN_IF_ERROR(sink_(data + (e.physical - offset), static_cast<std::size_t>(take)));
    picked_ += take;
    e.physical += take;
    e.length -= take;
    if (e.length > 0) return {};  // continues in the next chunk
    ++next_;
  }
  return {};
}

}  // namespace seattest
