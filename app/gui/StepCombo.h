#pragma once
// The Step box of the time toolbar: how far "step by cadence" (Ctrl+Left/Right) and playback move. Durations in
// the units a solar physicist reads them in ("12 s", "12 min", "12 h", "27 d"), the archive's own cadence
// first, a Carrington rotation (27 d) among the presets, and "Custom…" for any other span (typed as "90 s",
// "1.5 h", "27 d"...). The cadence of a large archive is a median over millions of times: the window works it
// out on the thread budget and hands it over with setCadenceMs().

#include <QComboBox>

namespace solarchip {

/// "12 s", "12 min", "1.5 h", "27 d": the largest unit the duration reaches, up to three significant digits.
QString durationText(qint64 ms);
/// A duration typed as a number and a unit (s, sec, m, min, h, hr, d, day(s); no unit: seconds); -1 when it is
/// not one, or not positive.
qint64 parseDuration(const QString &text);

class StepCombo : public QComboBox {
    Q_OBJECT
public:
    explicit StepCombo(QWidget *parent = nullptr);

    /// The anchor channel's cadence (0: unknown), shown in the first entry.
    void setCadenceMs(qint64 ms);
    /// Selects the entry of this step (0: the cadence), adding it when it is a custom one.
    void setStepMs(qint64 ms);
    qint64 stepMs() const;
    /// The presets after the cadence entry (ms).
    static QList<qint64> presets();

Q_SIGNALS:
    /// The user chose a step (0: the archive's cadence).
    void stepChosen(qint64 ms);

private:
    void onActivated(int index);
    int customIndex() const { return count() - 1; }

    qint64 m_lastStep = 0;
};

}  // namespace solarchip
