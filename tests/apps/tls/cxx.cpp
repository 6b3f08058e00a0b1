// The C++ half of the tls test: thread_local from a global constructor
// and thread_local objects with constructors and destructors.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

extern "C" void tls_check(int ok, const char* what);

thread_local int tl_counter = 1;

namespace {
struct Writer {
  Writer() { tl_counter = 7; }  // a global constructor writing a thread_local
} writer;

// What ran, in order, per thread: "C1 C2 D2 D1" (constructed, destroyed).
pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
char logs[8][64];

void note(int slot, const char* what) {
  pthread_mutex_lock(&log_lock);
  if (slot >= 0 && slot < 8) {
    strncat(logs[slot], what, sizeof logs[slot] - strlen(logs[slot]) - 1);
  }
  pthread_mutex_unlock(&log_lock);
}

thread_local int my_slot = -1;

struct Tracked {
  char tag;
  int value;
  explicit Tracked(char c) : tag(c), value(c == '1' ? 11 : 22) {
    char s[4] = {'C', c, ' ', 0};
    note(my_slot, s);
  }
  ~Tracked() {
    char s[4] = {'D', tag, ' ', 0};
    note(my_slot, s);
    if (my_slot == 7) printf("tls: main thread's thread_local destructor %c ran at exit\n", tag);
  }
};

thread_local Tracked first('1');   // constructed on first use, in use order
thread_local Tracked second('2');
}  // namespace

extern "C" int cxx_ctor_value(void) { return tl_counter; }

// In thread id (0..3): use both objects, first then second.
extern "C" int cxx_thread_part(int id) {
  my_slot = id;
  int ok = tl_counter == 1;  // not main's 7
  ok = ok && first.value == 11 && second.value == 22;
  first.value = 100 + id;
  ok = ok && first.value == 100 + id;
  return ok;
}

extern "C" void cxx_main_part(void) {
  my_slot = 7;
  tls_check(first.value == 11 && second.value == 22, "main's thread_local objects constructed on first use");
}

// The threads have been joined: their destructors must have run, reversed.
extern "C" void cxx_report(void) {
  int ok = 1;
  for (int i = 0; i < 4; i++) {
    if (strcmp(logs[i], "C1 C2 D2 D1 ") != 0) {
      char what[96];
      snprintf(what, sizeof what, "thread %d thread_local log \"%s\" (want \"C1 C2 D2 D1 \")", i, logs[i]);
      tls_check(0, what);
      ok = 0;
    }
  }
  tls_check(ok, "thread_local destructors ran at thread exit, in reverse order");
  if (ok) printf("tls: thread_local constructors and destructors ok\n");
}
