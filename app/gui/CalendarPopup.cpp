#include "app/gui/CalendarPopup.h"

#include "widgets/TimelineModel.h"

#include <QCalendarWidget>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QTextCharFormat>
#include <QTimeEdit>
#include <QTimeZone>
#include <QTimer>
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
    m_time->setObjectName(QStringLiteral("timeEdit"));
    m_time->setDisplayFormat(QStringLiteral("HH:mm:ss"));
    // A click into a section puts the cursor inside its full-width digits, where QDateTimeEdit refuses
    // whatever is typed: the section under the cursor is selected instead, so typing replaces it.
    if (auto *edit = m_time->findChild<QLineEdit *>())
        edit->installEventFilter(this);
    row->addWidget(m_time, 1);
    layout->addLayout(row);

    auto *isoRow = new QHBoxLayout;
    isoRow->addWidget(new QLabel(tr("ISO:"), this));
    m_iso = new QLineEdit(this);
    m_iso->setObjectName(QStringLiteral("isoEdit"));
    m_iso->setPlaceholderText(QStringLiteral("2022-04-02T12:34:56"));
    m_iso->setToolTip(tr("A UTC time as text, e.g. 2022-04-02T12:34:56 or 2022-04-02 12:34; Enter goes there"));
    m_iso->setClearButtonEnabled(true);
    isoRow->addWidget(m_iso, 1);
    auto *go = new QPushButton(tr("Go"), this);
    go->setObjectName(QStringLiteral("goButton"));
    go->setDefault(true);
    isoRow->addWidget(go);
    layout->addLayout(isoRow);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problemLabel"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_problem->hide();
    layout->addWidget(m_problem);

    connect(go, &QPushButton::clicked, this, &CalendarPopup::accept);
    connect(m_calendar, &QCalendarWidget::activated, this, &CalendarPopup::accept);
    connect(m_calendar, &QCalendarWidget::selectionChanged, this, &CalendarPopup::syncTextFromPickers);
    connect(m_time, &QTimeEdit::timeChanged, this, &CalendarPopup::syncTextFromPickers);
    connect(m_iso, &QLineEdit::textEdited, this, &CalendarPopup::syncPickersFromText);
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
    syncTextFromPickers();
}

QDateTime CalendarPopup::parseUtc(const QString &text)
{
    QString t = text.trimmed();
    if (t.isEmpty())
        return {};
    if (t.endsWith(QLatin1Char('Z'), Qt::CaseInsensitive))
        t.chop(1);
    // "2022-04-02 12:34" and "2022/04/02" are read as the ISO forms they stand for.
    t.replace(QRegularExpression(QStringLiteral("^(\\d{4})/(\\d{2})/(\\d{2})")), QStringLiteral("\\1-\\2-\\3"));
    t.replace(QRegularExpression(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})[ _]+")), QStringLiteral("\\1T"));
    if (!t.contains(QLatin1Char('T'))) {
        const QDate date = QDate::fromString(t, Qt::ISODate);
        return date.isValid() ? QDateTime(date, QTime(0, 0), QTimeZone::utc()) : QDateTime();
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        return {};
    dt.setTimeZone(QTimeZone::utc());  // written without a zone: UTC, as SDO times are
    return dt;
}

QDateTime CalendarPopup::chosenTime() const
{
    if (!m_iso->text().trimmed().isEmpty())
        return parseUtc(m_iso->text());
    return QDateTime(m_calendar->selectedDate(), m_time->time(), QTimeZone::utc());
}

void CalendarPopup::syncTextFromPickers()
{
    const QDateTime t(m_calendar->selectedDate(), m_time->time(), QTimeZone::utc());
    if (t.isValid() && parseUtc(m_iso->text()) != t)
        m_iso->setText(t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")));
    m_problem->hide();
}

void CalendarPopup::syncPickersFromText()
{
    const QDateTime t = parseUtc(m_iso->text());
    if (!t.isValid())
        return;  // half typed: the pickers wait for a whole date
    const QSignalBlocker a(m_calendar), b(m_time);
    m_calendar->setSelectedDate(t.date());
    m_time->setTime(t.time());
    m_problem->hide();
}

bool CalendarPopup::accept()
{
    const QDateTime t = chosenTime();
    if (!t.isValid()) {
        m_problem->setText(tr("“%1” is not a date: write it as 2022-04-02T12:34:56 (UTC)").arg(m_iso->text().trimmed()));
        m_problem->show();
        adjustSize();
        return false;
    }
    Q_EMIT timeChosen(t);
    close();
    return true;
}

bool CalendarPopup::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonRelease || event->type() == QEvent::FocusIn) {
        // After the line edit has placed the cursor (and unless the user dragged a selection).
        auto *edit = qobject_cast<QLineEdit *>(watched);
        QTimer::singleShot(0, this, [this, edit = QPointer<QLineEdit>(edit)] {
            if (edit && !edit->hasSelectedText() && m_time->currentSection() != QDateTimeEdit::NoSection)
                m_time->setSelectedSection(m_time->currentSection());
        });
    }
    return QFrame::eventFilter(watched, event);
}

void CalendarPopup::keyPressEvent(QKeyEvent *event)
{
    // Enter in the time or text field reaches here (they ignore it): it presses Go.
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        accept();
        event->accept();
        return;
    }
    QFrame::keyPressEvent(event);
}

}  // namespace solarchip
