#include "asynclab/lessons/prose.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <vector>

namespace asynclab::lessons {

namespace {

[[noreturn]] void fail(std::string_view piece, std::string_view what) {
    throw ProseError(fmt::format("in {{{}}}: {}", piece, what));
}

std::string format_value(const Value& value, bool seconds) {
    struct Visitor {
        bool seconds;
        std::string operator()(std::monostate) const { return "none"; }
        std::string operator()(bool b) const { return b ? "yes" : "no"; }
        std::string operator()(std::int64_t i) const { return fmt::format("{}", i); }
        std::string operator()(double d) const {
            return seconds ? fmt::format("{:.3f}", d) : fmt::format("{:g}", d);
        }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const ValueList& items) const {
            std::string out;
            for (const Value& v : items) {
                out += (out.empty() ? "" : ", ") + std::visit(*this, v.data());
            }
            return out.empty() ? "none" : out;
        }
        std::string operator()(const ValueRecord& fields) const {
            std::string out;
            for (const auto& [name, v] : fields) {
                out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", name,
                                   std::visit(*this, v.data()));
            }
            return out;
        }
    };
    return std::visit(Visitor{seconds}, value.data());
}

std::string format_number(double d) {
    if (std::isfinite(d) && d == std::round(d) && std::abs(d) < 1e15) {
        return fmt::format("{}", static_cast<std::int64_t>(d));
    }
    return fmt::format("{:g}", d);
}

/// Evaluates one expression by recursive descent as it reads it.
class Expression {
  public:
    Expression(std::string_view source, std::string_view piece, const ProseLookup& lookup)
        : src_(source), piece_(piece), lookup_(lookup) {}

    /// The value of the whole expression; `bare` is set when it is a single name.
    double evaluate() {
        const double v = disjunction();
        skip_space();
        if (at_ < src_.size()) fail(piece_, fmt::format("unexpected '{}'", src_.substr(at_)));
        return v;
    }

    [[nodiscard]] const ProseValue* bare() const {
        return names_ == 1 && ops_ == 0 ? &last_ : nullptr;
    }

  private:
    void skip_space() {
        while (at_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[at_]))) ++at_;
    }
    bool eat(std::string_view token) {
        skip_space();
        if (src_.substr(at_).starts_with(token)) {
            // A word operator must not be the start of a longer name ("order" is not "or").
            const std::size_t end = at_ + token.size();
            const bool word = std::isalpha(static_cast<unsigned char>(token.front())) != 0;
            if (word && end < src_.size() &&
                (std::isalnum(static_cast<unsigned char>(src_[end])) != 0 || src_[end] == '_')) {
                return false;
            }
            at_ = end;
            return true;
        }
        return false;
    }
    double op(double v) {
        ++ops_;
        return v;
    }

    double disjunction() {
        double v = conjunction();
        while (eat("or")) v = op((v != 0) | (conjunction() != 0) ? 1 : 0);
        return v;
    }
    double conjunction() {
        double v = negation();
        while (eat("and")) v = op((v != 0) & (negation() != 0) ? 1 : 0);
        return v;
    }
    double negation() {
        if (eat("not")) return op(negation() == 0 ? 1 : 0);
        return comparison();
    }
    double comparison() {
        const double a = sum();
        // Two-character operators first, so "<=" is not read as "<".
        if (eat("==")) return op(a == sum() ? 1 : 0);
        if (eat("!=")) return op(a != sum() ? 1 : 0);
        if (eat("<=")) return op(a <= sum() ? 1 : 0);
        if (eat(">=")) return op(a >= sum() ? 1 : 0);
        if (eat("<")) return op(a < sum() ? 1 : 0);
        if (eat(">")) return op(a > sum() ? 1 : 0);
        return a;
    }
    double sum() {
        double v = product();
        for (;;) {
            if (eat("+")) {
                v = op(v + product());
            } else if (eat("-")) {
                v = op(v - product());
            } else {
                return v;
            }
        }
    }
    double product() {
        double v = unary();
        for (;;) {
            if (eat("*")) {
                v = op(v * unary());
            } else if (eat("/")) {
                v = op(v / unary());
            } else if (eat("%")) {
                v = op(std::fmod(v, unary()));
            } else {
                return v;
            }
        }
    }
    double unary() {
        if (eat("-")) return op(-unary());
        return primary();
    }
    double primary() {
        skip_space();
        if (eat("(")) {
            const double v = disjunction();
            if (!eat(")")) fail(piece_, "missing ')'");
            return op(v);
        }
        if (at_ < src_.size() &&
            (std::isdigit(static_cast<unsigned char>(src_[at_])) != 0 || src_[at_] == '.')) {
            std::size_t used = 0;
            const std::string digits(src_.substr(at_));
            const double v = std::stod(digits, &used);
            at_ += used;
            return op(v);
        }
        const std::size_t begin = at_;
        // A dot inside a name reaches into a figure: {handled_by.w0}, {attempts.3}.
        while (at_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[at_])) != 0 ||
                                     src_[at_] == '_' || (src_[at_] == '.' && at_ > begin))) {
            ++at_;
        }
        const std::string_view name = src_.substr(begin, at_ - begin);
        if (name.empty()) {
            fail(piece_, at_ < src_.size() ? fmt::format("unexpected '{}'", src_.substr(at_))
                                           : std::string("an expression ends too soon"));
        }
        if (eat("(")) return op(name == "len" ? length() : call(name));
        return variable(name);
    }
    /// len(name): how many items a list figure holds (or fields a record has).
    double length() {
        skip_space();
        const std::size_t begin = at_;
        while (at_ < src_.size() &&
               (std::isalnum(static_cast<unsigned char>(src_[at_])) != 0 || src_[at_] == '_')) {
            ++at_;
        }
        const std::string_view name = src_.substr(begin, at_ - begin);
        if (name.empty() || !eat(")")) fail(piece_, "write len(name)");
        const std::optional<ProseValue> found = lookup_(name);
        if (!found) fail(piece_, fmt::format("the run has no figure or knob '{}'", name));
        if (const auto* items = found->value.get_if<ValueList>()) {
            return static_cast<double>(items->size());
        }
        if (const auto* fields = found->value.get_if<ValueRecord>()) {
            return static_cast<double>(fields->size());
        }
        fail(piece_, fmt::format("len() needs a list, and '{}' is not one", name));
    }
    double call(std::string_view fn) {
        std::vector<double> args{disjunction()};
        while (eat(",")) args.push_back(disjunction());
        if (!eat(")")) fail(piece_, "missing ')'");
        const auto one = [&](double (*f)(double)) {
            if (args.size() != 1) fail(piece_, fmt::format("{}() takes one argument", fn));
            return f(args[0]);
        };
        const auto two = [&](auto f) {
            if (args.size() != 2) fail(piece_, fmt::format("{}() takes two arguments", fn));
            return f(args[0], args[1]);
        };
        if (fn == "ceil") return one([](double x) { return std::ceil(x); });
        if (fn == "floor") return one([](double x) { return std::floor(x); });
        if (fn == "round") return one([](double x) { return std::round(x); });
        if (fn == "abs") return one([](double x) { return std::abs(x); });
        if (fn == "min") return two([](double a, double b) { return std::min(a, b); });
        if (fn == "max") return two([](double a, double b) { return std::max(a, b); });
        if (fn == "pow") return two([](double a, double b) { return std::pow(a, b); });
        fail(piece_, fmt::format("unknown function '{}'", fn));
    }
    double variable(std::string_view name) {
        std::optional<ProseValue> found = lookup_(name);
        if (!found) fail(piece_, fmt::format("the run has no figure or knob '{}'", name));
        ++names_;
        last_ = std::move(*found);
        const Value& v = last_.value;
        if (const auto* i = v.get_if<std::int64_t>()) return static_cast<double>(*i);
        if (const auto* d = v.get_if<double>()) return *d;
        if (const auto* b = v.get_if<bool>()) return *b ? 1 : 0;
        // Not a number: fine printed bare, an error in arithmetic (checked by the caller).
        return std::nan("");
    }

    std::string_view src_;
    std::string_view piece_;
    const ProseLookup& lookup_;
    std::size_t at_ = 0;
    int names_ = 0;
    int ops_ = 0;
    ProseValue last_;
};

/// What one `{...}` holds, split at its top-level '|' and ':' (an expression has neither).
struct Piece {
    std::string_view expression;
    std::string_view spec;                 ///< After ':', for a number.
    std::vector<std::string_view> plural;  ///< After '|': one, many.
};

Piece split_piece(std::string_view inside) {
    Piece p;
    const std::size_t bar = inside.find('|');
    std::string_view head = inside.substr(0, bar);
    if (bar != std::string_view::npos) {
        std::string_view rest = inside.substr(bar + 1);
        for (std::size_t next; (next = rest.find('|')) != std::string_view::npos;) {
            p.plural.push_back(rest.substr(0, next));
            rest.remove_prefix(next + 1);
        }
        p.plural.push_back(rest);
        if (p.plural.size() != 2) fail(inside, "write {count|one|many}");
    }
    const std::size_t colon = head.find(':');
    p.expression = head.substr(0, colon);
    if (colon != std::string_view::npos) p.spec = head.substr(colon + 1);
    return p;
}

std::string fill_piece(std::string_view inside, const ProseLookup& lookup) {
    const Piece p = split_piece(inside);
    Expression e(p.expression, inside, lookup);
    const double v = e.evaluate();
    if (!p.plural.empty()) {
        if (std::isnan(v)) fail(inside, "a count must be a number");
        return std::string(v == 1 ? p.plural[0] : p.plural[1]);
    }
    if (p.spec.empty()) {
        if (const ProseValue* bare = e.bare()) return format_value(bare->value, bare->seconds);
    }
    if (std::isnan(v)) fail(inside, "arithmetic needs numbers");
    if (p.spec.empty()) return format_number(v);
    try {
        return fmt::format(fmt::runtime(fmt::format("{{:{}}}", p.spec)), v);
    } catch (const fmt::format_error& err) {
        fail(inside, fmt::format("bad format '{}': {}", p.spec, err.what()));
    }
}

/// One open {if}: whether the text around it is shown, and whether a branch was taken.
struct Branch {
    bool outer_shown;
    bool taken;
    bool shown;
};

bool truth(std::string_view condition, std::string_view piece, const ProseLookup& lookup) {
    Expression e(condition, piece, lookup);
    const double v = e.evaluate();
    if (std::isnan(v)) fail(piece, "a condition must be a number or yes/no");
    return v != 0;
}

}  // namespace

std::string fill_prose(std::string_view text, const ProseLookup& lookup) {
    std::string out;
    std::vector<Branch> open;
    const auto shown = [&] { return open.empty() || open.back().shown; };
    std::size_t at = 0;
    while (at < text.size()) {
        const char c = text[at];
        if ((c == '{' || c == '}') && at + 1 < text.size() && text[at + 1] == c) {
            if (shown()) out += c;
            at += 2;
            continue;
        }
        if (c == '}') throw ProseError("a '}' without its '{' (write '}}' for a brace)");
        if (c != '{') {
            if (shown()) out += c;
            ++at;
            continue;
        }
        const std::size_t close = text.find('}', at);
        if (close == std::string_view::npos) throw ProseError("a '{' without its '}'");
        const std::string_view inside = text.substr(at + 1, close - at - 1);
        at = close + 1;
        if (inside.starts_with("if ")) {
            const bool outer = shown();
            const bool yes = outer && truth(inside.substr(3), inside, lookup);
            open.push_back({outer, yes, yes});
        } else if (inside.starts_with("elif ")) {
            if (open.empty()) fail(inside, "an {elif} without its {if}");
            Branch& b = open.back();
            b.shown = b.outer_shown && !b.taken && truth(inside.substr(5), inside, lookup);
            b.taken = b.taken || b.shown;
        } else if (inside == "else") {
            if (open.empty()) fail(inside, "an {else} without its {if}");
            Branch& b = open.back();
            b.shown = b.outer_shown && !b.taken;
            b.taken = true;
        } else if (inside == "end") {
            if (open.empty()) fail(inside, "an {end} without its {if}");
            open.pop_back();
        } else if (shown()) {
            out += fill_piece(inside, lookup);
        }
    }
    if (!open.empty()) throw ProseError("an {if} without its {end}");
    return out;
}

}  // namespace asynclab::lessons
