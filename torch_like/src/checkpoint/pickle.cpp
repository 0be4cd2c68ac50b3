// The restricted unpickler and the state_dict pickler (see pickle.h). Opcode names and values
// are Python's (Lib/pickletools.py); what each may build follows torch/_weights_only_unpickler.py.
#include "checkpoint/pickle.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"

namespace duet::torch::checkpoint {

namespace {

static_assert(std::endian::native == std::endian::little, "pickle integers are little-endian");

constexpr int kMaxDepth = 32;                 // a state_dict nests 4 deep; _metadata a little more
constexpr std::size_t kMaxGlobalLength = 256;  // "torch._utils._rebuild_tensor_v2" is 31

// Storage classes torch.save names (torch/storage.py _LegacyStorage subclasses) and the dtype
// each holds; the first four are the ones Duet reads.
constexpr std::array<std::pair<const char*, const char*>, 4> kReadableStorages = {{
    {"FloatStorage", "float32"}, {"DoubleStorage", "float64"}, {"LongStorage", "int64"}, {"BoolStorage", "bool"}}};
constexpr std::array<std::pair<const char*, const char*>, 12> kOtherStorages = {{{"HalfStorage", "float16"},
                                                                               {"BFloat16Storage", "bfloat16"},
                                                                               {"IntStorage", "int32"},
                                                                               {"ShortStorage", "int16"},
                                                                               {"CharStorage", "int8"},
                                                                               {"ByteStorage", "uint8"},
                                                                               {"ComplexFloatStorage", "complex64"},
                                                                               {"ComplexDoubleStorage", "complex128"},
                                                                               {"QInt8Storage", "qint8"},
                                                                               {"QUInt8Storage", "quint8"},
                                                                               {"QInt32Storage", "qint32"},
                                                                               {"UntypedStorage", "untyped"}}};

// The globals a state_dict needs (a subset of PyTorch's weights-only allow-list).
const std::set<std::string>& allowed_globals() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                               "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
                               "torch._utils._rebuild_parameter_with_state", "torch.nn.parameter.Parameter"};
    for (const auto& [name, dtype] : kReadableStorages) s.insert(std::string("torch.") + name);
    return s;
  }();
  return names;
}

std::string allowed_list() {
  std::string out;
  for (const auto& g : allowed_globals()) out += (out.empty() ? "" : ", ") + g;
  return out;
}

PyRef make(PyValue::Kind kind) {
  auto v = std::make_shared<PyValue>();
  v->kind = kind;
  return v;
}

const char* kind_name(PyValue::Kind k) {
  switch (k) {
    case PyValue::Kind::none: return "None";
    case PyValue::Kind::boolean: return "a bool";
    case PyValue::Kind::integer: return "an int";
    case PyValue::Kind::floating: return "a float";
    case PyValue::Kind::string: return "a str";
    case PyValue::Kind::tuple: return "a tuple";
    case PyValue::Kind::list: return "a list";
    case PyValue::Kind::dict: return "a dict";
    case PyValue::Kind::global: return "a global";
    case PyValue::Kind::storage: return "a storage";
    case PyValue::Kind::tensor: return "a tensor";
  }
  return "a value";
}

class Unpickler {
 public:
  Unpickler(std::string_view bytes, const std::string& where) : in_(bytes), where_(where) {}

  PyRef run() {
    while (true) {
      op_at_ = pos_;
      const auto op = static_cast<unsigned char>(byte("an opcode"));
      if (op == '.') break;  // STOP
      step(op);
    }
    if (stack_.size() != 1 || !marks_.empty()) fail("the stream ends with more than one value on the stack");
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(fmt::format("{}: {} (at byte {})", where_, why, op_at_));
  }
  char byte(const char* what) {
    if (pos_ >= in_.size()) fail(fmt::format("the pickle is truncated: {} is missing", what));
    return in_[pos_++];
  }
  std::string_view take(std::uint64_t n, const char* what) {
    if (n > in_.size() - pos_) fail(fmt::format("the pickle is truncated: {} needs {} bytes, {} are left", what, n, in_.size() - pos_));
    const auto s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  template <typename T>
  T number(const char* what) {
    T v;
    std::memcpy(&v, take(sizeof v, what).data(), sizeof v);
    return v;
  }
  std::string line(const char* what) {
    const auto end = in_.find('\n', pos_);
    if (end == std::string_view::npos || end - pos_ > kMaxGlobalLength) fail(fmt::format("{} is not a short line", what));
    std::string s(in_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef pop(const char* op) {
    if (stack_.size() <= base()) fail(fmt::format("{} finds the stack empty", op));
    auto v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  PyRef& top(const char* op) {
    if (stack_.size() <= base()) fail(fmt::format("{} finds the stack empty", op));
    return stack_.back();
  }
  std::size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<PyRef> pop_mark(const char* op) {
    if (marks_.empty()) fail(fmt::format("{} has no MARK before it", op));
    const std::size_t from = marks_.back();
    marks_.pop_back();
    std::vector<PyRef> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(from)),
                             std::make_move_iterator(stack_.end()));
    stack_.resize(from);
    return items;
  }
  PyRef with_children(PyRef v) {
    int depth = 0;
    for (const auto& c : v->items) {
      depth = std::max(depth, c->depth);
      c->nested = true;
    }
    v->depth = depth + 1;
    if (v->depth > kMaxDepth) fail(fmt::format("values nest more than {} deep", kMaxDepth));
    return v;
  }
  PyRef tuple(std::vector<PyRef> items) {
    auto t = make(PyValue::Kind::tuple);
    t->items = std::move(items);
    return with_children(t);
  }
  // `child` goes into `container`, which must still be changeable.
  void grow(PyValue& container, PyValue& child) {
    if (container.nested) fail("a container is changed after it was put inside another");
    if (&container == &child) fail("a container is put inside itself");
    child.nested = true;
    container.depth = std::max(container.depth, child.depth + 1);
    if (container.depth > kMaxDepth) fail(fmt::format("values nest more than {} deep", kMaxDepth));
  }
  void set_item(PyValue& dict, const PyRef& key, PyRef value) {
    if (dict.kind != PyValue::Kind::dict) fail(fmt::format("SETITEM(S) on {}, not a dict", kind_name(dict.kind)));
    if (key->kind != PyValue::Kind::string) {
      fail(fmt::format("a dict key is {}; a state_dict's keys are strings", kind_name(key->kind)));
    }
    grow(dict, *value);
    for (auto& [k, v] : dict.entries) {
      if (k == key->text) fail(fmt::format("the key '{}' appears twice in one dict", excerpt(k)));
    }
    dict.entries.emplace_back(key->text, std::move(value));
  }
  void memo_put(std::uint64_t index) { memo_[index] = top("PUT"); }
  void memo_get(std::uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail(fmt::format("memo entry {} is read before it is written", index));
    push(it->second);
  }
  std::int64_t integer(const PyRef& v, const char* what) const {
    if (v->kind != PyValue::Kind::integer) fail(fmt::format("{} is {}, expected an int", what, kind_name(v->kind)));
    return v->integer;
  }
  std::vector<std::int64_t> integers(const PyRef& v, const char* what) const {
    if (v->kind != PyValue::Kind::tuple) fail(fmt::format("{} is {}, expected a tuple of ints", what, kind_name(v->kind)));
    std::vector<std::int64_t> out;
    for (const auto& item : v->items) out.push_back(integer(item, what));
    return out;
  }

  void global() {
    const std::string module = line("a GLOBAL's module");
    const std::string name = line("a GLOBAL's name");
    const std::string full = module + "." + name;
    if (module == "torch") {
      for (const auto& [storage, dtype] : kOtherStorages) {
        if (name == storage) {
          fail(fmt::format("storage type '{}' holds {}, a dtype Duet lacks (it reads float32, float64, int64 and bool)",
                           full, dtype));
        }
      }
    }
    if (!allowed_globals().contains(full)) {
      fail(fmt::format("global '{}' is not allowed: a state_dict names only {} (loading never runs code from a file)",
                       excerpt(full), allowed_list()));
    }
    auto g = make(PyValue::Kind::global);
    g->text = full;
    push(g);
  }

  // BINPERSID: ('storage', storage type, key, location, numel) names entry data/<key>.
  void persistent_id() {
    const auto pid = pop("BINPERSID");
    if (pid->kind != PyValue::Kind::tuple || pid->items.size() != 5 || pid->items[0]->kind != PyValue::Kind::string ||
        pid->items[0]->text != "storage") {
      fail("a persistent id is not ('storage', type, key, location, numel)");
    }
    const auto& type = pid->items[1];
    if (type->kind != PyValue::Kind::global || !type->text.starts_with("torch.") || !type->text.ends_with("Storage")) {
      fail("a persistent id's storage type is not a storage class");
    }
    if (pid->items[2]->kind != PyValue::Kind::string) fail("a storage key is not a str");
    auto ref = std::make_shared<StorageRef>();
    ref->type = type->text.substr(6);
    ref->key = pid->items[2]->text;
    ref->numel = integer(pid->items[4], "a storage's element count");
    if (ref->numel < 0) fail(fmt::format("storage '{}' claims {} elements", excerpt(ref->key), ref->numel));
    // Tensors that share a storage name the same key; they must agree on what it is.
    if (const auto it = storages_.find(ref->key); it != storages_.end()) {
      if (it->second->type != ref->type || it->second->numel != ref->numel) {
        fail(fmt::format("storage '{}' is named twice with different types or sizes", excerpt(ref->key)));
      }
      ref = std::const_pointer_cast<StorageRef>(it->second);
    } else {
      storages_.emplace(ref->key, ref);
    }
    auto v = make(PyValue::Kind::storage);
    v->storage = ref;
    push(v);
  }

  PyRef rebuild_tensor(const std::vector<PyRef>& args, const std::string& fn) {
    if (args.size() < 4 || args[0]->kind != PyValue::Kind::storage) {
      fail(fmt::format("{} takes (storage, offset, size, stride, ...)", fn));
    }
    auto t = std::make_shared<TensorRef>();
    t->storage = args[0]->storage;
    t->offset = integer(args[1], "a tensor's storage offset");
    t->sizes = integers(args[2], "a tensor's size");
    t->strides = integers(args[3], "a tensor's stride");
    auto v = make(PyValue::Kind::tensor);
    v->tensor = std::move(t);
    return v;
  }

  void reduce() {
    const auto args = pop("REDUCE");
    const auto fn = pop("REDUCE");
    if (fn->kind != PyValue::Kind::global) fail(fmt::format("REDUCE calls {}, not an allowed global", kind_name(fn->kind)));
    if (args->kind != PyValue::Kind::tuple) fail("REDUCE's arguments are not a tuple");
    const std::string& f = fn->text;
    if (f == "collections.OrderedDict") {
      if (!args->items.empty()) fail("OrderedDict is built with arguments; a state_dict builds it empty");
      push(make(PyValue::Kind::dict));
    } else if (f == "torch._utils._rebuild_tensor_v2" || f == "torch._utils._rebuild_tensor") {
      push(rebuild_tensor(args->items, f));
    } else if (f == "torch._utils._rebuild_parameter" || f == "torch._utils._rebuild_parameter_with_state") {
      if (args->items.empty() || args->items[0]->kind != PyValue::Kind::tensor) fail(fmt::format("{} takes a tensor", f));
      push(args->items[0]);  // a Parameter's values are its tensor's; requires_grad is the model's business
    } else {
      fail(fmt::format("'{}' cannot be called", f));
    }
  }

  void step(unsigned char op) {
    switch (op) {
      case 0x80: {  // PROTO
        const auto v = static_cast<unsigned char>(byte("the protocol"));
        if (v < 2 || v > 5) fail(fmt::format("pickle protocol {} (torch.save writes 2)", v));
        break;
      }
      case 0x95: take(8, "a FRAME length"); break;  // FRAME (protocol 4): framing only
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case 'c': global(); break;
      case 'R': reduce(); break;
      case 0x81: {  // NEWOBJ: only Parameter(tensor, ...)
        const auto args = pop("NEWOBJ");
        const auto cls = pop("NEWOBJ");
        if (cls->kind != PyValue::Kind::global || cls->text != "torch.nn.parameter.Parameter" ||
            args->kind != PyValue::Kind::tuple || args->items.empty() || args->items[0]->kind != PyValue::Kind::tensor) {
          fail("NEWOBJ builds only torch.nn.Parameter(tensor)");
        }
        push(args->items[0]);
        break;
      }
      case 'b': {  // BUILD: an OrderedDict's attributes (a state_dict's _metadata), kept out of the result
        const auto state = pop("BUILD");
        const auto& inst = top("BUILD");
        if (inst->kind != PyValue::Kind::dict && inst->kind != PyValue::Kind::tensor) {
          fail(fmt::format("BUILD on {}; only dicts and tensors take state", kind_name(inst->kind)));
        }
        static_cast<void>(state);
        break;
      }
      case 'Q': persistent_id(); break;
      case ')': push(make(PyValue::Kind::tuple)); break;
      case 't': push(tuple(pop_mark("TUPLE"))); break;
      case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
        const std::size_t n = op - 0x84u;
        if (stack_.size() < base() + n) fail("TUPLE1-3 finds too few values on the stack");
        std::vector<PyRef> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
        stack_.resize(stack_.size() - n);
        push(tuple(std::move(items)));
        break;
      }
      case ']': push(make(PyValue::Kind::list)); break;
      case 'a': {  // APPEND
        auto item = pop("APPEND");
        auto& list = *top("APPEND");
        if (list.kind != PyValue::Kind::list) fail(fmt::format("APPEND to {}, not a list", kind_name(list.kind)));
        grow(list, *item);
        list.items.push_back(std::move(item));
        break;
      }
      case 'e': {  // APPENDS
        auto items = pop_mark("APPENDS");
        auto& list = *top("APPENDS");
        if (list.kind != PyValue::Kind::list) fail(fmt::format("APPENDS to {}, not a list", kind_name(list.kind)));
        for (auto& item : items) {
          grow(list, *item);
          list.items.push_back(std::move(item));
        }
        break;
      }
      case '}': push(make(PyValue::Kind::dict)); break;
      case 's': {  // SETITEM
        auto value = pop("SETITEM");
        auto key = pop("SETITEM");
        set_item(*top("SETITEM"), key, std::move(value));
        break;
      }
      case 'u': {  // SETITEMS
        auto items = pop_mark("SETITEMS");
        if (items.size() % 2 != 0) fail("SETITEMS has an odd number of values");
        auto& dict = *top("SETITEMS");
        for (std::size_t i = 0; i < items.size(); i += 2) set_item(dict, items[i], std::move(items[i + 1]));
        break;
      }
      case 'N': push(make(PyValue::Kind::none)); break;
      case 0x88: case 0x89: {  // NEWTRUE, NEWFALSE
        auto v = make(PyValue::Kind::boolean);
        v->boolean = op == 0x88;
        push(v);
        break;
      }
      case 'J': push_int(number<std::int32_t>("a BININT")); break;
      case 'K': push_int(static_cast<unsigned char>(byte("a BININT1"))); break;
      case 'M': push_int(number<std::uint16_t>("a BININT2")); break;
      case 0x8a: {  // LONG1: little-endian two's complement of n bytes
        const auto n = static_cast<unsigned char>(byte("a LONG1 length"));
        if (n > 8) fail(fmt::format("an integer of {} bytes does not fit 64 bits", n));
        const auto b = take(n, "a LONG1");
        std::uint64_t u = 0;
        for (std::size_t k = 0; k < n; ++k) u |= std::uint64_t{static_cast<unsigned char>(b[k])} << (8 * k);
        if (n > 0 && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80u)) u |= ~std::uint64_t{0} << (8 * n);
        push_int(static_cast<std::int64_t>(u));
        break;
      }
      case 'G': {  // BINFLOAT: big-endian double
        const auto b = take(8, "a BINFLOAT");
        std::uint64_t u = 0;
        for (std::size_t k = 0; k < 8; ++k) u = (u << 8) | static_cast<unsigned char>(b[k]);
        auto v = make(PyValue::Kind::floating);
        v->floating = std::bit_cast<double>(u);
        push(v);
        break;
      }
      case 'X': push_text(take(number<std::uint32_t>("a BINUNICODE length"), "a BINUNICODE")); break;
      case 0x8c: push_text(take(static_cast<unsigned char>(byte("a length")), "a SHORT_BINUNICODE")); break;
      case 'U': push_text(take(static_cast<unsigned char>(byte("a length")), "a SHORT_BINSTRING")); break;
      case 'T': push_text(take(number<std::uint32_t>("a BINSTRING length"), "a BINSTRING")); break;
      case 'q': memo_put(static_cast<unsigned char>(byte("a BINPUT index"))); break;
      case 'r': memo_put(number<std::uint32_t>("a LONG_BINPUT index")); break;
      case 0x94: memo_put(memo_.size()); break;  // MEMOIZE (protocol 4)
      case 'h': memo_get(static_cast<unsigned char>(byte("a BINGET index"))); break;
      case 'j': memo_get(number<std::uint32_t>("a LONG_BINGET index")); break;
      case '0': pop("POP"); break;
      case '1': pop_mark("POP_MARK"); break;
      case '2': push(top("DUP")); break;
      default:
        fail(fmt::format("opcode 0x{:02x} is not one a state_dict uses (a file this reader does not take)", op));
    }
  }
  void push_int(std::int64_t value) {
    auto v = make(PyValue::Kind::integer);
    v->integer = value;
    push(v);
  }
  void push_text(std::string_view text) {
    auto v = make(PyValue::Kind::string);
    v->text = std::string(text);
    push(v);
  }

  std::string_view in_;
  const std::string& where_;
  std::size_t pos_ = 0;
  std::size_t op_at_ = 0;
  std::vector<PyRef> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, PyRef> memo_;
  std::map<std::string, std::shared_ptr<const StorageRef>> storages_;
};

// ---- writing ----

void put_global(std::string& out, const char* module, const char* name) {
  out += 'c';
  out += module;
  out += '\n';
  out += name;
  out += '\n';
}
void put_text(std::string& out, const std::string& s) {
  out += 'X';
  const auto n = static_cast<std::uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += s;
}
void put_int(std::string& out, std::int64_t v) {
  if (v >= 0 && v < 256) {
    out += 'K';
    out += static_cast<char>(v);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    out += 'J';
    const auto w = static_cast<std::int32_t>(v);
    out.append(reinterpret_cast<const char*>(&w), sizeof w);
  } else {
    out += '\x8a';
    out += '\x08';
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
}
void put_int_tuple(std::string& out, const std::vector<std::int64_t>& values) {
  out += '(';
  for (const auto v : values) put_int(out, v);
  out += 't';
}
void put_tensor(std::string& out, const TensorToWrite& t, std::size_t index) {
  std::int64_t numel = 1;
  for (const auto d : t.sizes) numel *= d;
  std::vector<std::int64_t> strides(t.sizes.size(), 1);
  for (std::size_t k = t.sizes.size(); k-- > 1;) strides[k - 1] = strides[k] * t.sizes[k];
  put_global(out, "torch._utils", "_rebuild_tensor_v2");
  out += '(';
  out += '(';  // the persistent id
  put_text(out, "storage");
  put_global(out, "torch", t.storage_type.c_str());
  put_text(out, std::to_string(index));
  put_text(out, "cpu");
  put_int(out, numel);
  out += "tQ";
  put_int(out, 0);
  put_int_tuple(out, t.sizes);
  put_int_tuple(out, strides);
  out += '\x89';  // requires_grad=False
  put_global(out, "collections", "OrderedDict");  // backward_hooks=OrderedDict()
  out += ")R";
  out += "tR";
}

}  // namespace

PyRef unpickle(std::string_view bytes, const std::string& where) { return Unpickler(bytes, where).run(); }

std::string pickle_state_dict(const std::vector<TensorToWrite>& tensors, bool single) {
  std::string out = "\x80\x02";
  if (single) {
    put_tensor(out, tensors.at(0), 0);
  } else {
    put_global(out, "collections", "OrderedDict");
    out += ")R(";
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      put_text(out, tensors[i].name);
      put_tensor(out, tensors[i], i);
    }
    out += 'u';
  }
  out += '.';
  return out;
}

}  // namespace duet::torch::checkpoint
