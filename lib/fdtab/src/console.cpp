// The console as a file: fds 0, 1, 2.
#include <kiln/file.h>
#include <kiln/plat/console.h>

namespace kiln {
namespace {

class Console final : public File {
 public:
  constexpr Console() = default;
  Result<size_t> read(void* buf, size_t n) override {
    kiln_plat_console_flush();  // show the prompt before waiting
    long r = kiln_plat_console_read(static_cast<char*>(buf), n);
    if (r < 0) return Error(static_cast<int>(-r));
    return Ok(static_cast<size_t>(r));
  }
  Result<size_t> write(const void* buf, size_t n) override {
    kiln_plat_console_write(static_cast<const char*>(buf), n);
    return Ok(n);
  }
  bool isatty() const override { return true; }
  Result<void> release() override { return {}; }  // static: never freed
};

constinit Console console;

}  // namespace

File& console_file() { return console; }

}  // namespace kiln
