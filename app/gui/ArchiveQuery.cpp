#include "app/gui/ArchiveQuery.h"

#include <QCoreApplication>
#include <QDir>

#include <cstdlib>

namespace solarchip {

ArchiveQuery::ArchiveQuery(std::shared_ptr<const ObservationSource> source, TimeIndex index)
    : m_source(std::move(source)), m_index(std::move(index))
{
}

Error ArchiveQuery::failure(const char *what, const Error &error) const
{
    const QString where = m_source ? m_source->folder() : QString();
    return Error{QDir::toNativeSeparators(where.isEmpty() ? error.file : where),
                 QCoreApplication::translate("solarchip::ArchiveQuery", "the catalogue could not answer (%1): %2")
                     .arg(QString::fromLatin1(what), error.toString())};
}

Expected<ObservationSet> ArchiveQuery::nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const
{
    if (!m_source)
        return ObservationSet{};
    auto set = m_source->nearestSet(timeMs, channels, toleranceMs);
    if (!set)
        return failure("nearest set", set.error());
    return set;
}

Expected<QVector<Observation>> ArchiveQuery::observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const
{
    if (!m_source)
        return QVector<Observation>{};
    auto list = m_source->observationsIn(channel, fromMs, toMs);
    if (!list)
        return failure("observations", list.error());
    return list;
}

Expected<Observation> ArchiveQuery::next(qint64 timeMs, const QString &channel) const
{
    if (!m_source)
        return Observation{};
    auto o = m_source->next(timeMs, channel);
    if (!o)
        return failure("next", o.error());
    return o;
}

Expected<Observation> ArchiveQuery::previous(qint64 timeMs, const QString &channel) const
{
    if (!m_source)
        return Observation{};
    auto o = m_source->previous(timeMs, channel);
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
    if (!hasTimeAxis() || m_index.isEmpty())
        return Observation{};
    const QVector<qint64> &t = m_index.times(channel);
    return next((channel.isEmpty() || t.isEmpty() ? m_index.first() : t.front()) - 1, channel);
}

Expected<Observation> ArchiveQuery::last(const QString &channel) const
{
    if (!hasTimeAxis() || m_index.isEmpty())
        return Observation{};
    const QVector<qint64> &t = m_index.times(channel);
    return previous((channel.isEmpty() || t.isEmpty() ? m_index.last() : t.back()) + 1, channel);
}

}  // namespace solarchip
