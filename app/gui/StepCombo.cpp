#include "app/gui/StepCombo.h"

#include "app/gui/DialogSize.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QRegularExpression>

#include <cmath>

namespace solarchip {

namespace {
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr int kCustomRole = Qt::UserRole + 1;  // marks the "Custom…" entry
}  // namespace

QString durationText(qint64 ms)
{
    struct Unit {
        qint64 ms;
        const char *name;
    };
    static const Unit units[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "min"}, {kSecond, "s"}};
    for (const Unit &u : units)
        if (std::llabs(ms) >= u.ms || u.ms == kSecond) {
            const double v = double(ms) / double(u.ms);
            return QStringLiteral("%1 %2").arg(QString::number(v, 'g', v >= 100 ? 6 : 3), QLatin1String(u.name));
        }
    return {};
}

qint64 parseDuration(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*([0-9]*\\.?[0-9]+)\\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2).toLower();
    qint64 scale = kSecond;
    if (unit.startsWith(QLatin1Char('m')))
        scale = kMinute;
    else if (unit.startsWith(QLatin1Char('h')))
        scale = kHour;
    else if (unit.startsWith(QLatin1Char('d')))
        scale = kDay;
    const qint64 ms = qint64(std::llround(value * double(scale)));
    return ms > 0 ? ms : -1;
}

QList<qint64> StepCombo::presets()
{
    // 27 d: about one Carrington rotation (27.2753 d synodic), the span that brings a region back.
    return {kMinute, 10 * kMinute, kHour, 6 * kHour, 12 * kHour, kDay, 27 * kDay};
}

StepCombo::StepCombo(QWidget *parent) : QComboBox(parent)
{
    setObjectName(QStringLiteral("stepCombo"));
    setToolTip(tr("Step by cadence (Ctrl+Left/Right) and playback move by this much"));
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    addItem(tr("Step: archive cadence"), qint64(0));
    for (qint64 ms : presets())
        addItem(ms == 27 * kDay ? tr("Step: %1 (Carrington rotation)").arg(durationText(ms))
                                : tr("Step: %1").arg(durationText(ms)),
                ms);
    addItem(tr("Step: custom…"), qint64(-1));
    setItemData(customIndex(), true, kCustomRole);
    connect(this, &QComboBox::activated, this, &StepCombo::onActivated);
}

void StepCombo::setCadenceMs(qint64 ms)
{
    setItemText(0, ms > 0 ? tr("Step: cadence (%1)").arg(durationText(ms)) : tr("Step: archive cadence"));
}

void StepCombo::setStepMs(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    int index = findData(ms);
    if (index < 0) {
        // A custom step (this session's or a saved one): listed before "Custom…".
        insertItem(customIndex(), tr("Step: %1").arg(durationText(ms)), ms);
        index = findData(ms);
    }
    m_lastStep = ms;
    setCurrentIndex(index);
}

qint64 StepCombo::stepMs() const
{
    return std::max<qint64>(0, currentData().toLongLong());
}

void StepCombo::onActivated(int index)
{
    if (!itemData(index, kCustomRole).toBool()) {
        m_lastStep = itemData(index).toLongLong();
        Q_EMIT stepChosen(m_lastStep);
        return;
    }
    // Until a valid span is given the previous step stays.
    setStepMs(m_lastStep);
    QInputDialog ask(this);
    ask.setWindowTitle(tr("Custom step"));
    ask.setLabelText(tr("Step by (e.g. 90 s, 45 min, 1.5 h, 27 d):"));
    ask.setTextValue(m_lastStep > 0 ? durationText(m_lastStep) : QString());
    makeWideEnoughForTitle(&ask);
    if (ask.exec() != QDialog::Accepted)
        return;
    const QString text = ask.textValue();
    const qint64 ms = parseDuration(text);
    if (ms <= 0) {
        QMessageBox::warning(this, tr("Custom step"),
                             tr("“%1” is not a duration: write a number and a unit (s, min, h, d).").arg(text));
        return;
    }
    setStepMs(ms);
    Q_EMIT stepChosen(ms);
}

}  // namespace solarchip
