#pragma once
// The popup of Time > Go to date: a calendar limited to the archive's span with the days that have data in
// bold, a UTC time field, and Go. Enter or a double click on a day goes there.

#include <QDateTime>
#include <QFrame>

class QCalendarWidget;
class QTimeEdit;

namespace solarchip {

class TimelineModel;

class CalendarPopup : public QFrame {
    Q_OBJECT
public:
    explicit CalendarPopup(const TimelineModel *timeline, QWidget *parent = nullptr);

    void setTime(const QDateTime &utc);
    QDateTime chosenTime() const;
    QCalendarWidget *calendar() const { return m_calendar; }

Q_SIGNALS:
    void timeChosen(const QDateTime &utc);

private:
    void markDaysWithData();
    void accept();

    const TimelineModel *m_timeline;
    QCalendarWidget *m_calendar;
    QTimeEdit *m_time;
};

}  // namespace solarchip
