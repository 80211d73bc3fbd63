#pragma once
// Helpers shared by tst_prep*.cpp: the Python geometry reference (tests/reference/prep_geometry.py) and
// writing maps. Header-only; each test executable includes it once.
#include "TestSupport.h"

#include "core/map/FitsWriter.h"
#include "core/map/SdoMap.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

namespace prep_test {

using namespace solarchip;


inline QString json(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }

// Runs a prep_geometry.py command that writes a file (no output expected).
inline bool make(const QStringList &args)
{
    const auto r = test::runPython(QStringLiteral("prep_geometry.py"), args);
    if (r.exitCode != 0)
        qWarning("prep_geometry.py %s failed: %s", qPrintable(args.value(0)), r.err.constData());
    return r.exitCode == 0;
}

inline QJsonDocument python(const QStringList &args)
{
    const auto r = test::runPython(QStringLiteral("prep_geometry.py"), args);
    if (r.exitCode != 0) {
        qWarning("prep_geometry.py %s failed: %s", qPrintable(args.value(0)), r.err.constData());
        return {};
    }
    return test::parseJson(r.out);
}

inline bool write(const SdoMap &map, const QString &path)
{
    const Status s = FitsWriter::write(path, map.header, map.image);
    if (!s)
        qWarning("%s", qPrintable(s.errorString()));
    return s.ok();
}

inline QJsonObject patternSpec(int w, int h, double cdelt, double crota, double crpix1, double crpix2, double crval1,
                        double crval2, const QString &instrument = QStringLiteral("AIA"))
{
    return QJsonObject{{QStringLiteral("width"), w},
                       {QStringLiteral("height"), h},
                       {QStringLiteral("cdelt"), cdelt},
                       {QStringLiteral("crota2"), crota},
                       {QStringLiteral("crpix"), QJsonArray{crpix1, crpix2}},
                       {QStringLiteral("crval"), QJsonArray{crval1, crval2}},
                       {QStringLiteral("instrument"), instrument}};
}

}  // namespace prep_test
