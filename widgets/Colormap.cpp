#include "widgets/Colormap.h"

#include "widgets/detail/ColormapData.h"

#include <QHash>
#include <QMutex>
#include <QtDebug>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

using Entry = Colormap::Entry;
using Table = std::array<Entry, Colormap::kSize>;
using Ramp = std::array<double, Colormap::kSize>;  // one channel, 0..255

const QStringList &aiaWavelengths()
{
    static const QStringList w{QStringLiteral("94"),  QStringLiteral("131"), QStringLiteral("171"),
                               QStringLiteral("193"), QStringLiteral("211"), QStringLiteral("304"),
                               QStringLiteral("335"), QStringLiteral("1600"), QStringLiteral("1700"),
                               QStringLiteral("4500")};
    return w;
}

// IDL colour table 3 ("Red Temperature") is three piecewise-linear ramps truncated to integers: red reaches
// 255 at index 176, green starts at 120 and blue at 190, both reaching 255 at 255. (Checked entry by entry
// against the table sunpy ships, tests/widgets/tst_colormap.)
Ramp idl3Red()
{
    Ramp r{};
    for (int i = 0; i < 256; ++i)
        r[i] = std::min(255, (255 * i) / 176);
    return r;
}
Ramp idl3Green()
{
    Ramp g{};
    for (int i = 0; i < 256; ++i)
        g[i] = i <= 120 ? 0 : (255 * (i - 120)) / 135;
    return g;
}
Ramp idl3Blue()
{
    Ramp b{};
    for (int i = 0; i < 256; ++i)
        b[i] = i <= 190 ? 0 : (255 * (i - 190)) / 65;
    return b;
}

// The gamma curves of aia_lct.pro (K. Schrijver, SSW): identity, square root, square, and a blend of the
// two scaled back to 0..255. sunpy holds them as float32; doubles here differ by < 1e-4 of a level.
struct AiaRamps {
    Ramp c0{}, c1{}, c2{}, c3{};
    AiaRamps()
    {
        double c1max = 0, c2max = 0;
        for (int i = 0; i < 256; ++i) {
            c0[i] = i;
            c1[i] = std::sqrt(double(i)) * std::sqrt(255.0);
            c2[i] = double(i) * double(i) / 255.0;
            c1max = std::max(c1max, c1[i]);
            c2max = std::max(c2max, c2[i]);
        }
        for (int i = 0; i < 256; ++i)
            c3[i] = (c1[i] + c2[i] / 2.0) * 255.0 / (c1max + c2max / 2.0);
    }
};

Table fromRamps(const Ramp &r, const Ramp &g, const Ramp &b)
{
    Table t{};
    for (int i = 0; i < 256; ++i)
        t[i] = {float(r[i] / 255.0), float(g[i] / 255.0), float(b[i] / 255.0)};
    return t;
}

Table aiaTable(const QString &wl)
{
    static const AiaRamps a;
    const Ramp r0 = idl3Red(), g0 = idl3Green(), b0 = idl3Blue();
    if (wl == QLatin1String("1600"))
        return fromRamps(a.c3, a.c3, a.c2);
    if (wl == QLatin1String("1700"))
        return fromRamps(a.c1, a.c0, a.c0);
    if (wl == QLatin1String("4500")) {
        Ramp half{};
        for (int i = 0; i < 256; ++i)
            half[i] = b0[i] / 2.0;
        return fromRamps(a.c0, a.c0, half);
    }
    if (wl == QLatin1String("94"))
        return fromRamps(a.c2, a.c3, a.c0);
    if (wl == QLatin1String("131"))
        return fromRamps(g0, r0, r0);
    if (wl == QLatin1String("171"))
        return fromRamps(r0, a.c0, b0);
    if (wl == QLatin1String("193"))
        return fromRamps(a.c1, a.c0, a.c2);
    if (wl == QLatin1String("211"))
        return fromRamps(a.c1, a.c0, a.c3);
    if (wl == QLatin1String("304"))
        return fromRamps(r0, g0, b0);
    // 335
    return fromRamps(a.c2, a.c0, a.c1);
}

Table greyTable()
{
    Table t{};
    for (int i = 0; i < 256; ++i)
        t[i] = {float(i / 255.0), float(i / 255.0), float(i / 255.0)};
    return t;
}

Table fromFloatData(const float (*data)[3])
{
    Table t{};
    for (int i = 0; i < 256; ++i)
        t[i] = {data[i][0], data[i][1], data[i][2]};
    return t;
}

Table fromByteData(const unsigned char (*data)[3])
{
    Table t{};
    for (int i = 0; i < 256; ++i)
        t[i] = {float(data[i][0] / 255.0), float(data[i][1] / 255.0), float(data[i][2] / 255.0)};
    return t;
}

// Canonical spelling of a base name (without "_r"), or empty when unknown.
QString canonicalBase(const QString &lower)
{
    if (lower == QLatin1String("grey") || lower == QLatin1String("gray") || lower == QLatin1String("greyscale")
        || lower == QLatin1String("grayscale"))
        return QStringLiteral("grey");
    if (lower == QLatin1String("hmimag"))
        return QStringLiteral("hmimag");
    for (const char *n : {"viridis", "inferno", "magma", "cividis"})
        if (lower == QLatin1String(n))
            return QString::fromLatin1(n);
    if (lower == QLatin1String("rdbu"))
        return QStringLiteral("RdBu");
    if (lower.startsWith(QLatin1String("sdoaia")) && aiaWavelengths().contains(lower.mid(6)))
        return lower;
    return {};
}

std::shared_ptr<const Table> buildBase(const QString &base)
{
    auto t = std::make_shared<Table>();
    if (base == QLatin1String("grey"))
        *t = greyTable();
    else if (base == QLatin1String("hmimag"))
        *t = fromByteData(detail::kHmiMagTable);
    else if (base == QLatin1String("viridis"))
        *t = fromFloatData(detail::kViridisTable);
    else if (base == QLatin1String("inferno"))
        *t = fromFloatData(detail::kInfernoTable);
    else if (base == QLatin1String("magma"))
        *t = fromFloatData(detail::kMagmaTable);
    else if (base == QLatin1String("cividis"))
        *t = fromFloatData(detail::kCividisTable);
    else if (base == QLatin1String("RdBu")) {
        // Stored reversed (RdBu_r, blue for negative): flip back for the plain name.
        const Table r = fromFloatData(detail::kRdbuRTable);
        for (int i = 0; i < 256; ++i)
            (*t)[i] = r[255 - i];
    } else
        *t = aiaTable(base.mid(6));
    return t;
}

}  // namespace

Colormap::Colormap() : Colormap(byName(QStringLiteral("grey"))) {}

Colormap::Colormap(QString name, std::shared_ptr<const Table> table) : m_name(std::move(name)), m_table(std::move(table))
{
    m_rgb.resize(kSize);
    for (int i = 0; i < kSize; ++i) {
        const Entry &e = (*m_table)[i];
        m_rgb[i] = qRgb(int(std::lround(e[0] * 255.0f)), int(std::lround(e[1] * 255.0f)),
                        int(std::lround(e[2] * 255.0f)));
    }
}

QStringList Colormap::names()
{
    QStringList n;
    for (const QString &w : aiaWavelengths())
        n << QStringLiteral("sdoaia") + w;
    n << QStringLiteral("hmimag") << QStringLiteral("grey") << QStringLiteral("viridis")
      << QStringLiteral("inferno") << QStringLiteral("magma") << QStringLiteral("cividis")
      << QStringLiteral("RdBu_r");
    return n;
}

bool Colormap::exists(const QString &name)
{
    QString lower = name.trimmed().toLower();
    if (lower.endsWith(QLatin1String("_r")))
        lower.chop(2);
    return !canonicalBase(lower).isEmpty();
}

Colormap Colormap::byName(const QString &name)
{
    // Never destroyed: renders on pool threads may still ask for a table at exit (MapRenderer's colourCrossings).
    static auto &mutex = *new QMutex;
    static auto &cache = *new QHash<QString, Colormap>;
    QString lower = name.trimmed().toLower();
    bool reverse = false;
    if (lower.endsWith(QLatin1String("_r"))) {
        lower.chop(2);
        reverse = true;
    }
    QString base = canonicalBase(lower);
    if (base.isEmpty()) {
        qWarning("unknown colormap '%s', using grey", qPrintable(name));
        base = QStringLiteral("grey");
        reverse = false;
    }
    const QString key = reverse ? base + QStringLiteral("_r") : base;
    QMutexLocker lock(&mutex);
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    std::shared_ptr<const Table> table = buildBase(base);
    if (reverse) {
        auto r = std::make_shared<Table>();
        for (int i = 0; i < kSize; ++i)
            (*r)[i] = (*table)[kSize - 1 - i];
        table = r;
    }
    Colormap cm(key, table);
    cache.insert(key, cm);
    return cm;
}

QColor Colormap::channelColour(const QString &channel)
{
    static const QHash<QString, QColor> colors = {
        {QStringLiteral("94"), QColor(0x62, 0xa6, 0x9e)},   {QStringLiteral("131"), QColor(0x47, 0xe4, 0xe4)},
        {QStringLiteral("171"), QColor(0xe4, 0x9e, 0x00)},  {QStringLiteral("193"), QColor(0xc9, 0x9e, 0x62)},
        {QStringLiteral("211"), QColor(0xc9, 0x9e, 0xa6)},  {QStringLiteral("304"), QColor(0xe4, 0x47, 0x00)},
        {QStringLiteral("335"), QColor(0x62, 0x9e, 0xc9)},  {QStringLiteral("1600"), QColor(0xa6, 0xa6, 0x62)},
        {QStringLiteral("1700"), QColor(0xc9, 0x9e, 0x9e)}, {QStringLiteral("4500"), QColor(0x9e, 0x9e, 0x00)},
    };
    return colors.value(channel, QColor(0x8c, 0x8c, 0x8c));
}

Colormap Colormap::forChannel(const QString &channel)
{
    if (aiaWavelengths().contains(channel))
        return byName(QStringLiteral("sdoaia") + channel);
    if (channel == QLatin1String("hmi") || channel == QLatin1String("hmi_br"))
        return byName(QStringLiteral("hmimag"));
    return byName(QStringLiteral("grey"));
}

QString Colormap::label(const QString &name)
{
    QString lower = name.toLower();
    QString suffix;
    if (lower.endsWith(QLatin1String("_r")) && lower != QLatin1String("rdbu_r")) {
        lower.chop(2);
        suffix = QStringLiteral(" (reversed)");
    }
    if (lower.startsWith(QLatin1String("sdoaia")))
        return QStringLiteral("SDO AIA %1 Å").arg(lower.mid(6)) + suffix;
    if (lower == QLatin1String("hmimag"))
        return QStringLiteral("HMI magnetogram") + suffix;
    if (lower == QLatin1String("rdbu_r"))
        return QStringLiteral("RdBu_r (diverging)");
    if (lower == QLatin1String("gray"))
        return QStringLiteral("grey") + suffix;
    return lower + suffix;
}

bool Colormap::isDiverging() const
{
    const QString l = m_name.toLower();
    return l.startsWith(QLatin1String("rdbu")) || l.startsWith(QLatin1String("hmimag"));
}

Colormap Colormap::reversed() const
{
    if (m_name.endsWith(QLatin1String("_r")))
        return byName(m_name.left(m_name.size() - 2));
    return byName(m_name + QStringLiteral("_r"));
}

int Colormap::indexOf(double t)
{
    if (std::isnan(t))
        return -1;
    if (t <= 0.0)
        return 0;
    if (t >= 1.0)
        return kSize - 1;
    // matplotlib: xa = X * N, xa[xa == N] = N - 1, truncation toward zero.
    return std::min(kSize - 1, static_cast<int>(t * kSize));
}

QRgb Colormap::map(double t) const
{
    const int i = indexOf(t);
    return i < 0 ? qRgba(0, 0, 0, 0) : m_rgb[i];
}

}  // namespace solarchip
