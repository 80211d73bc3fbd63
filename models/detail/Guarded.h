#pragma once
// The one place where exceptions from LibTorch and the standard library become errors as values.
//
// The public models/ types promise Expected<T>/Status, but torch reports a CUDA out-of-memory, a shape
// mismatch deep inside a network or a refused allocation by throwing c10::Error, and the standard library
// throws std::bad_alloc / std::length_error. Left alone, such an exception aborts the app (and, thrown on a
// loader thread, terminates it whatever the caller catches). Every public entry point of models/ therefore
// runs its body through guarded(), which turns an exception into an Error saying what was being done (which
// model, which modality, which shape, which file) followed by the exception's own first words:
//
//     return detail::guarded(Doing{path, QStringLiteral("encoding hmi images [8, 1, 256, 256] with ...")},
//                            [&]() -> Expected<Embeddings> { ...torch code... });
//
// The context may also be a callable returning a Doing, evaluated only when something was thrown (for a
// context that changes while the body runs, e.g. the training step, or that is costly to format).
// This header is torch-free (plain-C++ units such as the dataset use it too); describeException() lives in
// Guarded.cpp, which knows c10::Error and drops its C++ backtrace from the message.

#include "core/base/Expected.h"

#include <QString>

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

namespace solarchip::detail {

/// What an entry point was doing, for the message of an error caught while doing it.
struct Doing {
    QString file;  ///< the file involved (becomes Error::file), empty when none
    QString what;  ///< "encoding hmi images [8, 1, 256, 256] with the ViT model (hmi,0171; 256 px)"
};

/// One line (or a few) saying what an exception says: a c10::Error without its C++ backtrace, "out of memory"
/// for std::bad_alloc, the text of any other std::exception.
QString describeException(const std::exception &e);

/// Error{doing.file, doing.what + ": " + describeException(e)}.
Error errorFromException(const Doing &doing, const std::exception &e);
/// The same for something thrown that is not a std::exception.
Error errorFromUnknownException(const Doing &doing);

/// Runs `body` (returning Expected<T> or Status) and returns its result; an exception thrown by it comes back
/// as an Error built from `context` (a Doing, or a callable returning one).
template <class Context, class Body>
auto guarded(Context &&context, Body &&body) -> decltype(body())
{
    auto doing = [&]() -> Doing {
        if constexpr (std::is_invocable_v<Context &>)
            return context();
        else
            return Doing(context);
    };
    try {
        return body();
    } catch (const std::exception &e) {  // c10::Error, std::bad_alloc, std::length_error, ...
        return errorFromException(doing(), e);
    } catch (...) {
        return errorFromUnknownException(doing());
    }
}

}  // namespace solarchip::detail
