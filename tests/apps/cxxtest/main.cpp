// cxxtest: the C++ standard library on Kiln, checked from inside an image.
// Prints "cxx: <name> ok" per check and "cxx: N passed, N failed".
//   cxxtest            library checks (and threads when built with pthreads)
//   cxxtest uncaught   throws an exception nobody catches
#include <algorithm>
#include <cstring>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>
#if defined(_POSIX_THREADS)
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace {

int passed, failed;
void check(const char* name, bool ok) {
  std::cout << "cxx: " << name << (ok ? " ok" : " FAILED") << '\n';
  (ok ? passed : failed)++;
}

std::string order;  // global constructor/destructor order
struct Tracer {
  explicit Tracer(char c) : c_(c) { order += c; }
  ~Tracer() { std::printf("cxx: destructor %c\n", c_); }
  char c_;
};
Tracer first('a');
Tracer second('b');

struct Guard {
  explicit Guard(int* n) : n_(n) {}
  ~Guard() { ++*n_; }
  int* n_;
};
int thrower(int depth, int* destroyed) {
  Guard g(destroyed);
  if (depth == 0) throw std::runtime_error("deep failure");
  return thrower(depth - 1, destroyed) + 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc > 1 && std::strcmp(argv[1], "uncaught") == 0) {
    std::cout << "cxx: throwing an exception nobody catches" << std::endl;
    throw std::logic_error("nobody catches this");
  }

  check("global constructors in order", order == "ab");

  std::vector<int> v{5, 3, 9, 1, 7};
  std::sort(v.begin(), v.end());
  check("vector + sort", (v == std::vector<int>{1, 3, 5, 7, 9}));
  check("accumulate", std::accumulate(v.begin(), v.end(), 0) == 25);

  std::map<std::string, int> m{{"b", 2}, {"a", 1}};
  std::unordered_map<int, std::string> um{{1, "one"}, {2, "two"}};
  check("map and unordered_map", m.begin()->first == "a" && um.at(2) == "two");

  std::function<int(int)> twice = [](int x) { return 2 * x; };
  std::function<int(int)> composed = [&](int x) { return twice(twice(x)); };
  check("std::function", composed(5) == 20);

  auto up = std::make_unique<std::string>("owned");
  std::shared_ptr<int> sp = std::make_shared<int>(7);
  std::shared_ptr<int> sp2 = sp;
  check("unique_ptr and shared_ptr", *up == "owned" && sp.use_count() == 2);

  int destroyed = 0;
  bool caught = false;
  try {
    thrower(5, &destroyed);
  } catch (const std::exception& e) {
    caught = std::strcmp(e.what(), "deep failure") == 0;
  }
  check("exception caught, destructors ran while unwinding", caught && destroyed == 6);

  bool range = false;
  try {
    (void)v.at(42);
  } catch (const std::out_of_range&) {
    range = true;
  }
  check("out_of_range from at()", range);

  std::ostringstream os;
  os << "pi=" << std::fixed << std::setprecision(3) << 3.14159 << " n=" << 42;
  check("ostringstream", os.str() == "pi=3.142 n=42");
  std::istringstream is("10 20 x");
  int a = 0, b = 0;
  std::string w;
  is >> a >> b >> w;
  check("istringstream", a == 10 && b == 20 && w == "x");

  std::cout << "cxx: a double on cout: " << 2.5 * 1.5 << '\n';

#if defined(_POSIX_THREADS)
  std::mutex mu;
  std::condition_variable cv;
  long counter = 0;
  int done = 0;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        std::lock_guard<std::mutex> lk(mu);
        ++counter;
      }
      std::lock_guard<std::mutex> lk(mu);
      ++done;
      cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return done == 4; });
  }
  for (auto& t : ts) t.join();
  check("std::thread + mutex + condition_variable count", counter == 80000);
#endif

  std::cout << "cxx: " << passed << " passed, " << failed << " failed" << std::endl;
  return failed ? 1 : 0;
}
