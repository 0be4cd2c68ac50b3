/// @file
/// torch::OrderedDict: items in insertion order, reachable by key or by position. What
/// Module::named_parameters() returns, so `params["fc1.weight"]`, `item.key()` / `item.value()`
/// and `for (auto& [name, p] : params)` all work.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/error.h"

namespace duet::torch {

template <typename Key, typename Value>
class OrderedDict {
 public:
  /// One entry. `first` / `second` are public so structured bindings and pair-style code work;
  /// key() / value() are libtorch's accessors.
  struct Item {
    Key first;
    Value second;
    const Key& key() const { return first; }
    Value& value() { return second; }
    const Value& value() const { return second; }
    std::pair<Key, Value> pair() const { return {first, second}; }
  };

  OrderedDict() = default;

  /// Adds an entry; an existing key is an error, as in libtorch ("Key '...' already defined").
  Value& insert(Key key, Value value) {
    if (find(key)) throw Error(fmt::format("OrderedDict: Key '{}' already defined", key));
    items_.push_back(Item{std::move(key), std::move(value)});
    return items_.back().second;
  }

  /// The value under `key`; a missing key is an error naming it.
  Value& operator[](const Key& key) { return at(key); }
  const Value& operator[](const Key& key) const { return at(key); }
  Value& at(const Key& key) {
    if (Value* v = find(key)) return *v;
    throw Error(fmt::format("OrderedDict: Key '{}' is not defined", key));
  }
  const Value& at(const Key& key) const { return const_cast<OrderedDict*>(this)->at(key); }
  /// The entry at `index` in insertion order.
  Item& operator[](std::size_t index) { return items_.at(index); }
  const Item& operator[](std::size_t index) const { return items_.at(index); }

  Value* find(const Key& key) {
    for (auto& item : items_)
      if (item.first == key) return &item.second;
    return nullptr;
  }
  const Value* find(const Key& key) const { return const_cast<OrderedDict*>(this)->find(key); }
  bool contains(const Key& key) const { return find(key) != nullptr; }

  std::size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  std::vector<Key> keys() const {
    std::vector<Key> out;
    for (const auto& item : items_) out.push_back(item.first);
    return out;
  }
  std::vector<Value> values() const {
    std::vector<Value> out;
    for (const auto& item : items_) out.push_back(item.second);
    return out;
  }
  const std::vector<Item>& items() const { return items_; }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<Item> items_;
};

}  // namespace duet::torch
