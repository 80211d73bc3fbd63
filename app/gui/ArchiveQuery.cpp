#include "app/gui/ArchiveQuery.h"

#include "core/archive/Catalog.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTimeZone>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace solarchip {

namespace {
QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}
}  // namespace

ArchiveQuery ArchiveQuery::forCatalog(std::shared_ptr<const Catalog> catalog, const QString &archiveDir,
                                      QHash<QString, QVector<qint64>> times)
{
    ArchiveQuery q;
    q.m_catalog = std::move(catalog);
    q.m_dir = archiveDir;
    q.m_times = std::move(times);
    bool any = false;
    for (auto it = q.m_times.cbegin(); it != q.m_times.cend(); ++it) {
        if (it->isEmpty())
            continue;
        q.m_first = any ? std::min(q.m_first, it->front()) : it->front();
        q.m_last = any ? std::max(q.m_last, it->back()) : it->back();
        any = true;
    }
    q.m_hasData = any;
    return q;
}

ArchiveQuery ArchiveQuery::forFiles(ObservationSet set)
{
    ArchiveQuery q;
    q.m_files = true;
    q.m_fileSet = std::move(set);
    return q;
}

Error ArchiveQuery::failure(const char *what, const Error &error) const
{
    return Error{QDir::toNativeSeparators(m_dir),
                 QCoreApplication::translate("solarchip::ArchiveQuery", "the catalogue could not answer (%1): %2")
                     .arg(QString::fromLatin1(what), error.toString())};
}

Expected<ObservationSet> ArchiveQuery::nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const
{
    if (m_files)
        return m_fileSet;
    if (!m_catalog)
        return ObservationSet{};
    auto set = m_catalog->nearestSet(utc(timeMs), channels, toleranceMs);
    if (!set)
        return failure("nearest set", set.error());
    return set;
}

Expected<Observation> ArchiveQuery::next(qint64 timeMs, const QString &channel) const
{
    if (!m_catalog)
        return Observation{};
    auto o = m_catalog->next(utc(timeMs), channel);
    if (!o)
        return failure("next", o.error());
    return o;
}

Expected<Observation> ArchiveQuery::previous(qint64 timeMs, const QString &channel) const
{
    if (!m_catalog)
        return Observation{};
    auto o = m_catalog->previous(utc(timeMs), channel);
    if (!o)
        return failure("previous", o.error());
    return o;
}

Expected<Observation> ArchiveQuery::nearest(qint64 timeMs, const QString &channel) const
{
    auto before = previous(timeMs + 1, channel);  // at or before
    if (!before)
        return before;
    auto after = next(timeMs, channel);
    if (!after)
        return after;
    if (!before->isValid())
        return after;
    if (!after->isValid())
        return before;
    return std::llabs(after->timeMs - timeMs) < std::llabs(timeMs - before->timeMs) ? after : before;
}

Expected<Observation> ArchiveQuery::first(const QString &channel) const
{
    if (!m_catalog || !m_hasData)
        return Observation{};
    const QVector<qint64> t = m_times.value(channel);
    return next((channel.isEmpty() || t.isEmpty() ? m_first : t.front()) - 1, channel);
}

Expected<Observation> ArchiveQuery::last(const QString &channel) const
{
    if (!m_catalog || !m_hasData)
        return Observation{};
    const QVector<qint64> t = m_times.value(channel);
    return previous((channel.isEmpty() || t.isEmpty() ? m_last : t.back()) + 1, channel);
}

qint64 ArchiveQuery::cadenceMs(const QString &channel) const
{
    return medianSpacing(m_times.value(channel));
}

qint64 ArchiveQuery::medianSpacing(const QVector<qint64> &t)
{
    if (t.size() < 2)
        return 0;
    std::vector<qint64> gaps;
    gaps.reserve(t.size() - 1);
    for (int i = 1; i < t.size(); ++i)
        if (t[i] > t[i - 1])
            gaps.push_back(t[i] - t[i - 1]);
    if (gaps.empty())
        return 0;
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    return gaps[gaps.size() / 2];
}

}  // namespace solarchip
