#pragma once
// Errors as values. Core never shows UI: every operation that can fail on user data returns an Expected<T>
// whose error names the file and the problem in words a user can act on ("file.fits: truncated: ...").

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace solarchip {

/// What went wrong, and with which file (empty when no file is involved).
struct Error {
    QString file;
    QString message;

    /// "file: message", or just the message when no file is involved.
    QString toString() const
    {
        return file.isEmpty() ? message : file + QStringLiteral(": ") + message;
    }
};

/// A value or an Error. Minimal std::expected stand-in (g++ 12 in C++20 mode has no <expected>).
template <class T>
class Expected {
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &std::get<0>(m_v); }
    const T *operator->() const { return &std::get<0>(m_v); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_v); }
    QString errorString() const { return ok() ? QString() : error().toString(); }

private:
    std::variant<T, Error> m_v;
};

/// Success or an Error, for operations without a result value.
class Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }
    QString errorString() const { return ok() ? QString() : m_error->toString(); }

private:
    std::optional<Error> m_error;
};

}  // namespace solarchip
