#include "asynclab/errors.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

namespace asynclab {

namespace {

std::string join_descriptions(const std::vector<std::exception_ptr>& errors) {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty()) out += "; ";
        out += describe(e);
    }
    return out;
}

std::string demangled(const std::type_info& type) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? name.get() : type.name();
}

}  // namespace

ExceptionGroup::ExceptionGroup(const std::string& message, std::vector<std::exception_ptr> errors)
    : Error(fmt::format("{} ({} sub-exception{}: {})", message, errors.size(),
                        errors.size() == 1 ? "" : "s", join_descriptions(errors))),
      errors_(std::move(errors)) {
}

std::string describe(const std::exception_ptr& error) {
    if (!error) return "no error";
    try {
        std::rethrow_exception(error);
    } catch (const Cancelled&) {
        return "Cancelled";
    } catch (const Error& e) {
        return fmt::format("{}: {}", e.kind(), e.what());
    } catch (const std::exception& e) {
        return fmt::format("{}: {}", demangled(typeid(e)), e.what());
    } catch (...) {
        return "unknown exception";
    }
}

std::string error_kind(const std::exception_ptr& error) {
    if (!error) return {};
    try {
        std::rethrow_exception(error);
    } catch (const Cancelled&) {
        return "Cancelled";
    } catch (const Error& e) {
        return std::string(e.kind());
    } catch (const std::exception& e) {
        return demangled(typeid(e));
    } catch (...) {
        return "unknown exception";
    }
}

bool is_cancelled(const std::exception_ptr& error) {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const Cancelled&) {
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace asynclab
