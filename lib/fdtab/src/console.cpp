// The console as a file: fds 0, 1, 2. Readable when the platform says a
// byte (or the end of input) is there; always writable (output is
// buffered and never blocks for long).
#include <kiln/file.h>
#include <kiln/plat/console.h>
#include <kiln/sigpoint.h>  // kiln/config.h when there is one

namespace kiln {
namespace {

class Console final : public File {
 public:
  constexpr Console() = default;
  Result<size_t> read(void* buf, size_t n) override {
    kiln_plat_console_flush();  // show the prompt before waiting
    if (n && !kiln_plat_console_readable()) {
      if (nonblocking()) return Error(EAGAIN);
#if defined(CONFIG_LIBSIGNAL) && CONFIG_LIBSIGNAL
      // With signals, wait as every descriptor does, so a signal to handle
      // ends the wait (EINTR); the platform's read then finds the input.
      // Without them the platform's read blocks by itself (smaller image).
      while (!kiln_plat_console_readable())
        if (wait_for(*this, kPollIn, 0) == kWaitInterrupted) return Error(EINTR);
#endif
    }
    long r = kiln_plat_console_read(static_cast<char*>(buf), n);
    if (r < 0) return Error(static_cast<int>(-r));
    return Ok(static_cast<size_t>(r));
  }
  Result<size_t> write(const void* buf, size_t n) override {
    kiln_plat_console_write(static_cast<const char*>(buf), n);
    return Ok(n);
  }
  unsigned poll(unsigned events) override {
    unsigned r = events & (kPollOut | kPollWrNorm);
    if (events & (kPollIn | kPollRdNorm)) {
      kiln_plat_console_flush();  // a prompt shows before the poller sleeps
      if (kiln_plat_console_readable()) r |= events & (kPollIn | kPollRdNorm);
    }
    return r;
  }
  bool arm() override { return kiln_plat_console_arm() == 0; }
  bool isatty() const override { return true; }
  Result<void> release() override { return {}; }  // static: never freed
};

constinit Console console;

}  // namespace

File& console_file() { return console; }

}  // namespace kiln
