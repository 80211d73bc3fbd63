#include "app/gui/TimelineFlareController.h"

#include "app/gui/ArchiveDocument.h"
#include "core/archive/FlareLabels.h"
#include "core/archive/FlareList.h"
#include "core/archive/FlareListCache.h"
#include "core/base/ThreadBudget.h"
#include "widgets/TimelineView.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QTimeZone>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr int kMaxFlaresInState = 2000;

qint64 msOrZero(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

}  // namespace

TimelineFlareController::TimelineFlareController(ArchiveDocument *archive, TimelineView *view, QObject *parent)
    : QObject(parent), m_archive(archive), m_view(view)
{
    connect(m_archive, &ArchiveDocument::opened, this, &TimelineFlareController::reload);
    connect(m_archive, &ArchiveDocument::indexingFinished, this, &TimelineFlareController::reload);
}

void TimelineFlareController::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    reload();
}

void TimelineFlareController::setMinFlux(double flux)
{
    if (!std::isfinite(flux) || flux <= 0)
        flux = kGoesC;  // an unreadable setting
    if (flux == m_minFlux)
        return;
    m_minFlux = flux;
    m_view->setFlareMinFlux(flux);
    reload();
}

void TimelineFlareController::reload()
{
    const quint64 ticket = ++m_ticket;
    const QString folder = m_archive->archiveDir();
    if (!m_enabled || folder.isEmpty()) {
        // Off, or loose files (no archive folder, so no list of the archive's).
        const bool shown = m_view->hasFlareRow();
        m_view->clearFlares();
        if (shown)
            Q_EMIT rowShownChanged();
        m_list.reset();
        m_path.clear();
        m_error.clear();
        m_loading = false;
        Q_EMIT changed();
        return;
    }
    m_loading = true;
    struct Found {
        QString path, error;
        std::shared_ptr<const FlareList> list;
        QVector<TimelineFlare> flares;
    };
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (ticket != m_ticket)
            return;  // another archive, or the switch moved, meanwhile
        const Found f = watcher->result();
        m_loading = false;
        m_path = f.path;
        m_error = f.error;
        m_list = f.error.isEmpty() ? f.list : nullptr;
        const bool shown = m_view->hasFlareRow();
        if (f.path.isEmpty() || !f.error.isEmpty())
            m_view->clearFlares();
        else
            m_view->setFlares(f.flares, QFileInfo(f.path).fileName());
        if (shown != m_view->hasFlareRow())
            Q_EMIT rowShownChanged();
        Q_EMIT changed();
    });
    const double minFlux = m_minFlux;
    watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [folder, minFlux] {
        Found f;
        auto path = findFlareList(folder);
        if (!path) {
            // No list is the common case for a folder of real files: no row, and nothing to complain about unless
            // there are several.
            if (path.error().message.startsWith(QStringLiteral("several")))
                f.error = path.error().toString();
            return f;
        }
        f.path = *path;
        auto list = loadFlareListShared(f.path);
        if (!list) {
            f.error = list.error().toString();
            return f;
        }
        f.list = *list;
        for (const FlareEvent &e : (*list)->events()) {
            if (e.peakFlux < minFlux)
                continue;
            TimelineFlare t;
            t.startMs = msOrZero(e.start);
            t.peakMs = msOrZero(e.labelTime());
            t.endMs = msOrZero(e.end);
            t.peakFlux = e.peakFlux;
            t.goesClass = e.goesClass;
            t.noaa = e.noaaAr;
            f.flares << t;
        }
        return f;
    }));
}

QVector<FlareEvent> TimelineFlareController::inProgressAt(qint64 utcMs) const
{
    QVector<FlareEvent> out;
    if (!m_list)
        return out;
    // A flare lasts well under a day: only those peaking within a day either side can be on.
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
    for (const FlareEvent &e : m_list->between(t.addDays(-1), t.addDays(1), m_minFlux))
        if (e.inProgressAt(t))
            out << e;
    std::stable_sort(out.begin(), out.end(), [](const FlareEvent &a, const FlareEvent &b) { return a.peakFlux > b.peakFlux; });
    return out;
}

QString TimelineFlareController::inProgressText(const QVector<FlareEvent> &inProgress)
{
    if (inProgress.isEmpty())
        return {};
    const FlareEvent &f = inProgress.front();
    QString text = tr("GOES %1 in progress, peak %2 UTC").arg(f.goesClass, f.labelTime().toUTC().toString(QStringLiteral("HH:mm")));
    if (f.noaaAr > 0)
        text += tr(", NOAA %1").arg(f.noaaAr);
    if (inProgress.size() > 1)
        text += tr(" (+%n more)", nullptr, int(inProgress.size()) - 1);
    return text;
}

QJsonObject TimelineFlareController::state() const
{
    const QRect row = m_view->flareRowRect();
    int counts[4] = {0, 0, 0, 0};
    QJsonArray flares;
    for (const TimelineFlare &f : m_view->flares()) {
        ++counts[std::clamp(flareClassIndex(f.peakFlux), 0, 3)];
        if (flares.size() < kMaxFlaresInState)
            flares.append(QJsonObject{
                {QStringLiteral("class"), f.goesClass},
                {QStringLiteral("peak"), QDateTime::fromMSecsSinceEpoch(f.peakMs, QTimeZone::utc()).toString(Qt::ISODate)},
                {QStringLiteral("x"), m_view->xAtTime(f.peakMs)}});
    }
    return QJsonObject{
        {QStringLiteral("enabled"), m_enabled},
        {QStringLiteral("loading"), m_loading},
        {QStringLiteral("list"), m_path.isEmpty() ? QJsonValue() : QJsonValue(m_path)},
        {QStringLiteral("error"), m_error.isEmpty() ? QJsonValue() : QJsonValue(m_error)},
        {QStringLiteral("min_flux"), m_minFlux},
        {QStringLiteral("in_progress"), [this] {
             QJsonArray classes;
             if (m_view->currentTime().isValid())
                 for (const FlareEvent &f : inProgressAt(m_view->currentTime().toMSecsSinceEpoch()))
                     classes.append(f.goesClass);
             return classes;
         }()},
        {QStringLiteral("row"), QJsonObject{{QStringLiteral("visible"), m_view->hasFlareRow() && m_view->isVisible()},
                                            {QStringLiteral("x"), row.x()},
                                            {QStringLiteral("y"), row.y()},
                                            {QStringLiteral("width"), row.width()},
                                            {QStringLiteral("height"), row.height()}}},
        {QStringLiteral("flares"), static_cast<int>(m_view->flares().size())},
        {QStringLiteral("c"), counts[1]},
        {QStringLiteral("m"), counts[2]},
        {QStringLiteral("x"), counts[3]},
        {QStringLiteral("listed"), flares},
    };
}

}  // namespace solarchip
