#include "core/archive/CatalogImpl.h"

#include "core/map/MapMeta.h"

#include <algorithm>
#include <cstdlib>

namespace solarchip {

const QString kObservationColumns = QStringLiteral(
    "id, path, instrument, detector, channel, t_ms, wavelength, exptime, naxis1, naxis2, bitpix, hdu, compression,"
    " unit, level, quality, cdelt1, cdelt2, crota2, rsun_obs, size, mtime_ms");

Observation Catalog::Impl::observationFromRow(const QSqlQuery &q) const
{
    Observation o;
    o.id = q.value(0).toLongLong();
    o.relativePath = q.value(1).toString();
    o.path = absolute(o.relativePath);
    o.instrument = q.value(2).toString();
    o.detector = q.value(3).toString();
    o.channel = q.value(4).toString();
    o.timeMs = q.value(5).toLongLong();
    o.wavelength = q.value(6).toDouble();
    o.exptime = q.value(7).toDouble();
    o.naxis1 = q.value(8).toInt();
    o.naxis2 = q.value(9).toInt();
    o.bitpix = q.value(10).toInt();
    o.hdu = q.value(11).toInt();
    o.compression = q.value(12).toString();
    o.unit = q.value(13).toString();
    o.level = q.value(14).toDouble();
    o.quality = q.value(15).toLongLong();
    o.cdelt1 = q.value(16).toDouble();
    o.cdelt2 = q.value(17).toDouble();
    o.crota2 = q.value(18).toDouble();
    o.rsunObs = q.value(19).toDouble();
    o.fileSize = q.value(20).toLongLong();
    o.mtimeMs = q.value(21).toLongLong();
    return o;
}

Observation Catalog::Impl::observationFromStatement(const detail::SqliteStatement &s, RepeatedTexts &texts) const
{
    auto repeated = [&](int slot, int column) {
        const QByteArray raw = s.rawText(column);
        if (raw != texts.bytes[slot] || texts.value[slot].isNull()) {
            texts.bytes[slot] = QByteArray(raw.constData(), raw.size());  // deep copy: raw dies at the next step
            texts.value[slot] = QString::fromUtf8(raw);
        }
        return texts.value[slot];
    };
    Observation o;
    o.id = s.int64(0);
    o.relativePath = s.text(1);
    o.path = absolute(o.relativePath);
    o.instrument = repeated(0, 2);
    o.detector = repeated(1, 3);
    o.channel = repeated(2, 4);
    o.timeMs = s.int64(5);
    o.wavelength = s.real(6);
    o.exptime = s.real(7);
    o.naxis1 = static_cast<int>(s.int64(8));
    o.naxis2 = static_cast<int>(s.int64(9));
    o.bitpix = static_cast<int>(s.int64(10));
    o.hdu = static_cast<int>(s.int64(11));
    o.compression = repeated(3, 12);
    o.unit = repeated(4, 13);
    o.level = s.real(14);
    o.quality = s.int64(15);
    o.cdelt1 = s.real(16);
    o.cdelt2 = s.real(17);
    o.crota2 = s.real(18);
    o.rsunObs = s.real(19);
    o.fileSize = s.int64(20);
    o.mtimeMs = s.int64(21);
    return o;
}

Expected<Observation> Catalog::Impl::nearest(QSqlQuery &q, const QString &channel, qint64 t, qint64 tol) const
{
    // Two index probes (at or before t, after t), each bounded by the tolerance.
    Observation before, after;
    if (Status s = db->exec(q, QStringLiteral("SELECT %1 FROM files WHERE channel = ? AND t_ms <= ? AND t_ms >= ? "
                                              "ORDER BY t_ms DESC LIMIT 1")
                                   .arg(kObservationColumns),
                            {channel, t, t - tol});
        !s)
        return s.error();
    if (q.next())
        before = observationFromRow(q);
    if (Status s = db->exec(q, QStringLiteral("SELECT %1 FROM files WHERE channel = ? AND t_ms > ? AND t_ms <= ? "
                                              "ORDER BY t_ms ASC LIMIT 1")
                                   .arg(kObservationColumns),
                            {channel, t, t + tol});
        !s)
        return s.error();
    if (q.next())
        after = observationFromRow(q);
    q.finish();
    if (!before.isValid())
        return after;
    if (!after.isValid())
        return before;
    return (after.timeMs - t) < (t - before.timeMs) ? after : before;
}

Expected<QStringList> canonicalChannels(const QStringList &channels)
{
    QStringList out;
    for (const QString &text : channels) {
        if (text.trimmed().isEmpty())
            continue;
        const QString c = canonicalChannel(text);
        if (c.isEmpty())
            return Error{{}, QStringLiteral("unknown channel '%1' (known: %2)")
                                 .arg(text, knownChannels().join(QStringLiteral(", ")))};
        if (!out.contains(c))
            out << c;
    }
    return out;
}

QStringList sortChannels(QStringList channels)
{
    const QStringList known = knownChannels();
    std::sort(channels.begin(), channels.end(), [&](const QString &a, const QString &b) {
        const qsizetype ia = known.indexOf(a), ib = known.indexOf(b);
        if (ia >= 0 && ib >= 0)
            return ia < ib;
        if ((ia >= 0) != (ib >= 0))
            return ia >= 0;
        return a < b;
    });
    return channels;
}

QString placeholders(int n)
{
    QString s;
    for (int i = 0; i < n; ++i)
        s += i ? QStringLiteral(", ?") : QStringLiteral("?");
    return s;
}

}  // namespace solarchip
