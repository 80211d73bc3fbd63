#include "app/gui/CalendarPopup.h"

#include "widgets/TimelineModel.h"

#include <QCalendarWidget>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextCharFormat>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

#include <set>

namespace solarchip {

CalendarPopup::CalendarPopup(const TimelineModel *timeline, QWidget *parent)
    : QFrame(parent, Qt::Popup), m_timeline(timeline)
{
    setFrameStyle(QFrame::StyledPanel | QFrame::Raised);
    auto *layout = new QVBoxLayout(this);
    m_calendar = new QCalendarWidget(this);
    m_calendar->setGridVisible(true);
    m_calendar->setVerticalHeaderFormat(QCalendarWidget::NoVerticalHeader);
    layout->addWidget(m_calendar);

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Time (UTC):"), this));
    m_time = new QTimeEdit(this);
    m_time->setDisplayFormat(QStringLiteral("HH:mm:ss"));
    row->addWidget(m_time, 1);
    auto *go = new QPushButton(tr("Go"), this);
    go->setDefault(true);
    row->addWidget(go);
    layout->addLayout(row);

    connect(go, &QPushButton::clicked, this, &CalendarPopup::accept);
    connect(m_calendar, &QCalendarWidget::activated, this, &CalendarPopup::accept);
    if (m_timeline && !m_timeline->isEmpty()) {
        const QDateTime first = QDateTime::fromMSecsSinceEpoch(m_timeline->first(), QTimeZone::utc());
        const QDateTime last = QDateTime::fromMSecsSinceEpoch(m_timeline->last(), QTimeZone::utc());
        m_calendar->setDateRange(first.date(), last.date());
    }
    markDaysWithData();
}

void CalendarPopup::markDaysWithData()
{
    if (!m_timeline)
        return;
    std::set<qint64> days;
    for (const QString &channel : m_timeline->channels())
        for (qint64 t : m_timeline->times(channel))
            days.insert(t / (24LL * 3600 * 1000));
    QTextCharFormat bold;
    bold.setFontWeight(QFont::Bold);
    bold.setForeground(palette().color(QPalette::Highlight));
    for (qint64 day : days)
        m_calendar->setDateTextFormat(QDateTime::fromMSecsSinceEpoch(day * 24 * 3600 * 1000, QTimeZone::utc()).date(),
                                      bold);
}

void CalendarPopup::setTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return;
    const QDateTime t = utc.toUTC();
    m_calendar->setSelectedDate(t.date());
    m_time->setTime(t.time());
}

QDateTime CalendarPopup::chosenTime() const
{
    return QDateTime(m_calendar->selectedDate(), m_time->time(), QTimeZone::utc());
}

void CalendarPopup::accept()
{
    Q_EMIT timeChosen(chosenTime());
    close();
}

}  // namespace solarchip
