// hellocpp: C++ on Kiln with the standard library. A global object built
// before main() and destroyed after it, containers and algorithms, a smart
// pointer, an exception, and an exit status chosen by the configuration or
// by the first argument.
#include <kiln/config.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

class Greeter {
 public:
  explicit Greeter(std::string who) : who_(std::move(who)) {
    std::cout << "constructor: global " << who_ << " ready\n";
  }
  ~Greeter() { std::cout << "destructor: global " << who_ << " gone" << std::endl; }
  const std::string& who() const { return who_; }

 private:
  std::string who_;
};

Greeter global_greeter("greeter");

struct Point {
  int x, y;
};

}  // namespace

int main(int argc, char* argv[]) {
  std::cout << "Hello from C++, " << global_greeter.who() << "!\n";

  std::vector<int> squares(10);
  std::iota(squares.begin(), squares.end(), 1);
  std::transform(squares.begin(), squares.end(), squares.begin(), [](int i) { return i * i; });
  std::cout << "sum of " << squares.size() << " squares = "
            << std::accumulate(squares.begin(), squares.end(), 0) << '\n';

  std::map<std::string, int> words{{"kiln", 4}, {"unikernel", 9}, {"cpp", 3}};
  std::cout << "longest word: "
            << std::max_element(words.begin(), words.end(),
                                [](auto& a, auto& b) { return a.second < b.second; })
                   ->first
            << '\n';

  auto p = std::make_unique<Point>(Point{3, 4});
  std::cout << "point = (" << p->x << ", " << p->y << ")\n";

  try {
    (void)squares.at(99);
  } catch (const std::out_of_range& e) {
    std::cout << "caught out_of_range\n";
  }

  int status = CONFIG_APP_HELLOCPP_STATUS;
  if (argc > 1) status = std::stoi(argv[1]);
  std::cout << "exiting with status " << status << '\n';
  return status;
}
