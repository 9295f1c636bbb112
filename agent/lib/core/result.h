// Result<T>: a value or an error message, for code that must not throw across module borders.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace seattest {

// What went wrong, in one line that names the thing and the place ("config agent.yaml: root.sha256:
// expected 64 hex digits"). Library code returns it; only the top level logs it.
struct Error {
  enum class Kind { kGeneric, kNotFound };
  std::string message;
  // kNotFound: the thing may still appear (a device during boot).
  Kind kind = Kind::kGeneric;
  // Set when `message` is "<path>: <detail>" (PathError): the file or device, and what is wrong
  // with it, apart, for a caller that names the file its own way ("cidata/user-data on /dev/vdb").
  std::string path;
  std::string detail;
  // The errno behind the error, when a system call failed (0 otherwise).
  int sys_errno = 0;
};

// A value or an error of type E. Result<T> (E = Error) is what library code returns; the boot
// flow uses the same shape with its own error type (boot/failure.h Outcome<T>).
template <class T, class E>
class [[nodiscard]] BasicResult {
 public:
  // Implicit by design, so that "return value;" and "return MakeError(...);" both work.
  // cppcheck-suppress noExplicitConstructor ; implicit by design
  BasicResult(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor,hicpp-explicit-conversions)
  // cppcheck-suppress noExplicitConstructor ; implicit by design
  BasicResult(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor,hicpp-explicit-conversions)

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<E>(v_); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] BasicResult<void, E> {
 public:
  BasicResult() = default;
  // cppcheck-suppress noExplicitConstructor ; implicit by design, as above
  BasicResult(E error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor,hicpp-explicit-conversions)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const { return error_; }

 private:
  E error_;
  bool ok_ = true;
};

template <class T>
using Result = BasicResult<T, Error>;
using Status = Result<void>;

inline Error MakeError(std::string message) {
  Error e;
  e.message = std::move(message);
  return e;
}

// An error of Kind::kNotFound: the thing may still appear.
inline Error NotFoundError(Error e) {
  e.kind = Error::Kind::kNotFound;
  return e;
}

// "<path>: <detail>", with both kept apart (Error::path, Error::detail).
inline Error PathError(std::string path, std::string detail, int sys_errno = 0) {
  Error e = MakeError(path + ": " + detail);
  e.path = std::move(path);
  e.detail = std::move(detail);
  e.sys_errno = sys_errno;
  return e;
}

// Prefixes an error with where it happened: Context("config x.yaml", e) -> "config x.yaml: <e>".
// The path, detail and errno stay as they were: `path` names what the error is about, not where.
inline Error WithContext(const std::string& where, const Error& e) {
  Error out = e;
  out.message = where + ": " + e.message;
  return out;
}

}  // namespace seattest

// Returns the error of a Result/Status expression from the enclosing function.
#define SEA_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    auto sea_status_ = (expr);                    \
    if (!sea_status_.ok()) return sea_status_.error(); \
  } while (0)

#define SEA_CONCAT_INNER(a, b) a##b
#define SEA_CONCAT(a, b) SEA_CONCAT_INNER(a, b)
// NOLINTBEGIN(bugprone-macro-parentheses): `tmp` is a name and `lhs` a declaration ("auto x"),
// neither of which can be put in parentheses.
#define SEA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.error();              \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
// SEA_ASSIGN_OR_RETURN(auto x, F()); declares x from F()'s value or returns F()'s error.
#define SEA_ASSIGN_OR_RETURN(lhs, expr) \
  SEA_ASSIGN_OR_RETURN_IMPL(SEA_CONCAT(sea_result_, __LINE__), lhs, expr)
