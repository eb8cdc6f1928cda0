#pragma once
// A circular doubly-linked list of nodes that live inside their owners (coroutine frames, task
// records). Nothing is allocated to wait, and a node unlinks itself in O(1) when its owner is
// cancelled or destroyed — the property every waiter list in the engine relies on.

namespace asynclab::detail {

struct Link {
    Link* prev = nullptr;
    Link* next = nullptr;

    Link() = default;
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    [[nodiscard]] bool linked() const noexcept { return next != nullptr; }

    void unlink() noexcept {
        prev->next = next;
        next->prev = prev;
        prev = next = nullptr;
    }
};

/// FIFO of Node (which derives from Link). The list does not own its nodes.
template <class Node>
class IntrusiveList {
  public:
    IntrusiveList() noexcept { head_.prev = head_.next = &head_; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;
    ~IntrusiveList() { clear(); }

    [[nodiscard]] bool empty() const noexcept { return head_.next == &head_; }

    void push_back(Node* node) noexcept {
        Link* n = node;
        n->prev = head_.prev;
        n->next = &head_;
        head_.prev->next = n;
        head_.prev = n;
    }

    [[nodiscard]] Node* front() const noexcept {
        return empty() ? nullptr : static_cast<Node*>(head_.next);
    }

    Node* pop_front() noexcept {
        Node* node = front();
        if (node != nullptr) static_cast<Link*>(node)->unlink();
        return node;
    }

    /// Unlinks every node (their owners are going away or being woken).
    void clear() noexcept {
        while (!empty()) head_.next->unlink();
    }

    /// Calls f(Node&) on each node; f may unlink the node it is given.
    template <class F>
    void for_each(F&& f) {
        for (Link* l = head_.next; l != &head_;) {
            Link* next = l->next;
            f(*static_cast<Node*>(l));
            l = next;
        }
    }

  private:
    Link head_;
};

/// A FIFO of Node like IntrusiveList, whose head is one pointer instead of a sentinel node: for
/// lists that exist in great numbers — one per task record — where a sentinel's second pointer
/// would cost 8 bytes each. The nodes form a ring among themselves; the price is that a node must
/// leave through its list (remove), which moves the head on when the node was first.
template <class Node>
class CompactList {
  public:
    CompactList() = default;
    CompactList(const CompactList&) = delete;
    CompactList& operator=(const CompactList&) = delete;
    ~CompactList() { clear(); }

    [[nodiscard]] bool empty() const noexcept { return first_ == nullptr; }

    void push_back(Node* node) noexcept {
        Link* n = node;
        if (first_ == nullptr) {
            n->prev = n->next = n;
            first_ = n;
            return;
        }
        n->prev = first_->prev;
        n->next = first_;
        first_->prev->next = n;
        first_->prev = n;
    }

    /// Precondition: `node` is in this list.
    void remove(Node* node) noexcept {
        Link* n = node;
        if (n->next == n) {
            first_ = nullptr;
        } else if (n == first_) {
            first_ = n->next;
        }
        n->unlink();
    }

    Node* pop_front() noexcept {
        if (first_ == nullptr) return nullptr;
        Node* node = static_cast<Node*>(first_);
        remove(node);
        return node;
    }

    /// Moves every node, in order, to the back of `to`.
    void move_to(IntrusiveList<Node>& to) noexcept {
        while (Node* node = pop_front()) to.push_back(node);
    }

    void clear() noexcept {
        while (pop_front() != nullptr) {
        }
    }

  private:
    Link* first_ = nullptr;
};

}  // namespace asynclab::detail
