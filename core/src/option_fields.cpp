#include "duet/core/option_fields.h"

namespace duet::options {

std::string python_repr(const Value& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "True" : "False";
  if (const auto* p = std::get_if<std::pair<float, float>>(&value)) return fmt::format("({:g}, {:g})", p->first, p->second);
  return fmt::format("{:g}", std::get<float>(value));
}

std::string constructor_text(const std::string& class_name, const std::vector<FieldInfo>& fields,
                             const Values& effective) {
  std::string args;
  for (const auto& f : fields) {
    const Value* v = find(effective, f.key);
    if (!v) continue;
    if (f.show == Show::when_changed && *v == f.default_value) continue;
    args += fmt::format("{}{}={}", args.empty() ? "" : ", ", f.key, python_repr(*v));
  }
  return class_name + "(" + args + ")";
}

}  // namespace duet::options
