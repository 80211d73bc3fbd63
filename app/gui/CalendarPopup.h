#pragma once
// The popup of Time > Go to date: a calendar limited to the archive's span with the days that have data in
// bold, a UTC time field, a free-text ISO 8601 field (paste "2022-04-02T12:34:56" from a paper or a header:
// "T" or a space, seconds, fractions and a trailing Z optional), and Go. The three stay in step; Enter in any
// of them (or a double click on a day) presses Go. Text that is not a date says so and keeps the popup open.

#include <QDateTime>
#include <QFrame>

class QCalendarWidget;
class QLabel;
class QLineEdit;
class QTimeEdit;

namespace solarchip {

class TimelineModel;

class CalendarPopup : public QFrame {
    Q_OBJECT
public:
    explicit CalendarPopup(const TimelineModel *timeline, QWidget *parent = nullptr);

    void setTime(const QDateTime &utc);
    /// The time Go would go to (invalid when the text field holds no date).
    QDateTime chosenTime() const;
    QCalendarWidget *calendar() const { return m_calendar; }
    QTimeEdit *timeEdit() const { return m_time; }
    QLineEdit *isoEdit() const { return m_iso; }
    /// The UTC time in ISO text ("2022-04-02T12:34:56", "2022-04-02 12:34", "2022-04-02", "...Z", ".123");
    /// invalid when it is none of these.
    static QDateTime parseUtc(const QString &text);
    /// Goes to chosenTime() (Go): false, with the problem shown, when the text is not a date.
    bool accept();

Q_SIGNALS:
    void timeChosen(const QDateTime &utc);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void markDaysWithData();
    void syncTextFromPickers();
    void syncPickersFromText();

    const TimelineModel *m_timeline;
    QCalendarWidget *m_calendar;
    QTimeEdit *m_time;
    QLineEdit *m_iso;
    QLabel *m_problem;
};

}  // namespace solarchip
