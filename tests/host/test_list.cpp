#include <kiln/list.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>
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

// The range-for body may remove the element it is given (the iterator
// has already read the next node), here every second one...
TEST(IntrusiveList, RangeForMayRemoveCurrent) {
  Item items[6];
  List l;
  for (int i = 0; i < 6; ++i) {
    items[i].v = i;
    l.push_back(items[i]);
  }
  int seen = 0;
  for (Item& i : l) {
    ++seen;
    if (i.v % 2) List::remove(i);
  }
  EXPECT_EQ(seen, 6);
  EXPECT_EQ(values(l), (std::vector<int>{0, 2, 4}));
  EXPECT_FALSE(List::is_linked(items[1]));
}

// ... or all of them, or move each to another list on the same node.
TEST(IntrusiveList, RangeForMayEmptyTheListOrMoveElements) {
  Item items[4];
  List l, moved;
  for (int i = 0; i < 4; ++i) {
    items[i].v = i;
    l.push_back(items[i]);
  }
  std::vector<int> order;
  for (Item& i : l) {
    order.push_back(i.v);
    List::remove(i);
    moved.push_front(i);
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(values(moved), (std::vector<int>{3, 2, 1, 0}));
  for (Item& i : moved) List::remove(i);
  EXPECT_TRUE(moved.empty());
}

// owner() finds the element from its node for members at any offset,
// including a node that is not the first member and a derived class.
struct Base {
  long pad[3];
};
struct Deep : Base {
  char c;
  kiln::ListNode a;
  int x;
  kiln::ListNode b;
};
static_assert(std::is_standard_layout_v<Item>);

TEST(IntrusiveList, OwnerOfNodesAtAnyOffset) {
  Deep d1{}, d2{};
  d1.x = 1;
  d2.x = 2;
  kiln::IntrusiveList<Deep, &Deep::a> la;
  kiln::IntrusiveList<Deep, &Deep::b> lb;
  la.push_back(d1);
  la.push_back(d2);
  lb.push_back(d2);
  EXPECT_EQ(la.front(), &d1);
  EXPECT_EQ(la.back(), &d2);
  EXPECT_EQ(lb.front(), &d2);
  EXPECT_EQ(lb.front()->x, 2);
  Other o;
  Item it{9};
  o.push_back(it);
  EXPECT_EQ(o.front(), &it);
  EXPECT_EQ(reinterpret_cast<char*>(&it.other) - reinterpret_cast<char*>(&it), offsetof(Item, other));
}

// Linking an element that is already on a list would corrupt both lists;
// removing one that is on none would write through null. Both are checked.
TEST(IntrusiveListDeathTest, DoublePushBack) {
  Item a{1};
  List l;
  l.push_back(a);
  EXPECT_DEATH(l.push_back(a), "IntrusiveList: element is already on a list");
}

TEST(IntrusiveListDeathTest, InsertOnSecondListWithSameNode) {
  Item a{1};
  List l1, l2;
  l1.push_back(a);
  EXPECT_DEATH(l2.push_front(a), "IntrusiveList: element is already on a list");
}

TEST(IntrusiveListDeathTest, InsertBeforeLinkedElement) {
  Item a{1}, b{2};
  List l;
  l.push_back(a);
  l.push_back(b);
  EXPECT_DEATH(l.insert_before(a, b), "already on a list");
}

TEST(IntrusiveListDeathTest, InsertBeforeUnlinkedPosition) {
  Item a{1}, b{2};
  List l;
  EXPECT_DEATH(l.insert_before(a, b), "position is not on a list");
}

TEST(IntrusiveListDeathTest, RemoveUnlinked) {
  Item a{1};
  EXPECT_DEATH(List::remove(a), "IntrusiveList::remove: element is not on a list");
}

TEST(IntrusiveListDeathTest, RemoveTwice) {
  Item a{1};
  List l;
  l.push_back(a);
  List::remove(a);
  EXPECT_DEATH(List::remove(a), "element is not on a list");
}

}  // namespace
