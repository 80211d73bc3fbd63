#include "models/detail/Guarded.h"

#include <c10/util/Exception.h>

#include <QRegularExpression>

#include <stdexcept>

namespace solarchip::detail {

namespace {

// c10 messages may end in newlines or carry several lines of notes; keep them, minus trailing whitespace.
QString cleaned(const char *text) { return QString::fromUtf8(text).trimmed(); }

// A failed CAFFE_ENFORCE (e.g. torch's CPU allocator) starts with where and what it checked:
// "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: ...". The user
// needs the sentence after it.
QString withoutEnforcePrefix(QString text)
{
    static const QRegularExpression prefix(QStringLiteral("^\\[enforce fail at [^\\]]*\\]\\s*(?:[^.]*==[^.]*\\.\\s*)?"));
    return text.remove(prefix);
}

}  // namespace

QString describeException(const std::exception &e)
{
    // what() of a c10::Error appends the C++ stack of the throw ("Exception raised from ... frame #0 ...").
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return withoutEnforcePrefix(cleaned(c10->what_without_backtrace()));
    if (dynamic_cast<const std::bad_alloc *>(&e))
        return QStringLiteral("out of memory (%1)").arg(cleaned(e.what()));
    if (dynamic_cast<const std::length_error *>(&e))
        return QStringLiteral("size beyond what can be allocated (%1)").arg(cleaned(e.what()));
    return cleaned(e.what());
}

Error errorFromException(const Doing &doing, const std::exception &e)
{
    return Error{doing.file, doing.what + QStringLiteral(": ") + describeException(e)};
}

Error errorFromUnknownException(const Doing &doing)
{
    return Error{doing.file, doing.what + QStringLiteral(": an unknown exception was thrown")};
}

}  // namespace solarchip::detail
