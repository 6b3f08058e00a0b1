#include <kiln/list.h>
#include <gtest/gtest.h>

#include <vector>

namespace {

struct Item {
  int v;
  kiln::ListNode node;
  kiln::ListNode other;  // one element, two lists
};
using List = kiln::IntrusiveList<Item, &Item::node>;
using Other = kiln::IntrusiveList<Item, &Item::other>;

std::vector<int> values(List& l) {
  std::vector<int> out;
  for (Item& i : l) out.push_back(i.v);
  return out;
}

TEST(IntrusiveList, PushPopOrder) {
  Item a{1}, b{2}, c{3};
  List l;
  EXPECT_TRUE(l.empty());
  l.push_back(a);
  l.push_back(b);
  l.push_front(c);
  EXPECT_EQ(values(l), (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(l.front(), &c);
  EXPECT_EQ(l.back(), &b);
  EXPECT_EQ(l.pop_front(), &c);
  EXPECT_EQ(l.pop_back(), &b);
  EXPECT_EQ(l.pop_front(), &a);
  EXPECT_EQ(l.pop_front(), nullptr);
  EXPECT_FALSE(List::is_linked(a));
}

TEST(IntrusiveList, RemoveFromMiddleAndInsertBefore) {
  Item a{1}, b{2}, c{3}, d{4};
  List l;
  l.push_back(a);
  l.push_back(b);
  l.push_back(c);
  List::remove(b);
  EXPECT_EQ(values(l), (std::vector<int>{1, 3}));
  l.insert_before(c, d);
  EXPECT_EQ(values(l), (std::vector<int>{1, 4, 3}));
}

TEST(IntrusiveList, ElementOnTwoLists) {
  Item a{1}, b{2};
  List l;
  Other o;
  l.push_back(a);
  l.push_back(b);
  o.push_back(b);
  o.push_back(a);
  EXPECT_EQ(values(l), (std::vector<int>{1, 2}));
  EXPECT_EQ(o.front()->v, 2);
  Other::remove(b);
  EXPECT_EQ(values(l), (std::vector<int>{1, 2}));
  EXPECT_EQ(o.size(), 1u);
}

TEST(IntrusiveList, ForEachSafeMayRemove) {
  Item items[6];
  List l;
  for (int i = 0; i < 6; ++i) {
    items[i].v = i;
    l.push_back(items[i]);
  }
  l.for_each_safe([](Item& i) {
    if (i.v % 2) List::remove(i);
  });
  EXPECT_EQ(values(l), (std::vector<int>{0, 2, 4}));
}

}  // namespace
