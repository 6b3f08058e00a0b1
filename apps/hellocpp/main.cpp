// hellocpp: C++ on Kiln. A global object built before main() and destroyed
// after it, new/delete, a template container, and an exit status chosen
// by the configuration or by the first argument.
#include <kiln/config.h>
#include <stdio.h>
#include <stdlib.h>
#include <new>
#include <utility>

namespace {

class Greeter {
 public:
  explicit Greeter(const char* who) : who_(who) { printf("constructor: global %s ready\n", who_); }
  ~Greeter() { printf("destructor: global %s gone\n", who_); }
  const char* who() const { return who_; }

 private:
  const char* who_;
};

Greeter global_greeter("greeter");

// A growable array: a template container built on new[]/delete[].
template <typename T>
class Vec {
 public:
  Vec() = default;
  Vec(const Vec&) = delete;
  ~Vec() { delete[] data_; }
  bool push(T v) {
    if (size_ == cap_) {
      size_t ncap = cap_ ? cap_ * 2 : 4;
      T* n = new (std::nothrow) T[ncap];
      if (!n) return false;
      for (size_t i = 0; i < size_; ++i) n[i] = std::move(data_[i]);
      delete[] data_;
      data_ = n;
      cap_ = ncap;
    }
    data_[size_++] = std::move(v);
    return true;
  }
  size_t size() const { return size_; }
  const T& operator[](size_t i) const { return data_[i]; }
  template <typename F>
  T fold(T init, F f) const {
    for (size_t i = 0; i < size_; ++i) init = f(init, data_[i]);
    return init;
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

struct Point {
  int x, y;
};

}  // namespace

int main(int argc, char* argv[]) {
  printf("Hello from C++, %s!\n", global_greeter.who());
  Vec<int> squares;
  for (int i = 1; i <= 10; ++i) squares.push(i * i);
  int sum = squares.fold(0, [](int a, int b) { return a + b; });
  printf("sum of %zu squares = %d\n", squares.size(), sum);

  Point* p = new Point{3, 4};
  printf("point = (%d, %d)\n", p->x, p->y);
  delete p;

  int status = CONFIG_APP_HELLOCPP_STATUS;
  if (argc > 1) status = atoi(argv[1]);
  printf("exiting with status %d\n", status);
  return status;
}
