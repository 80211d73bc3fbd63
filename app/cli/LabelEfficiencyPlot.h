#pragma once
// The label-efficiency figure of `solarchip label-efficiency` as a PNG: TSS against the percentage of training
// labels (log axis), one line per curve (frozen, finetune, scratch, ...) with its 95% interval as a shaded band
// and error bars, and the no-skill line TSS = 0 (chance, climatology). Drawn with QCustomPlot, the plotting
// library of the app's timelines, rendered off screen.
//
// QCustomPlot is a QWidget, so it needs a QApplication: main() makes one (instead of the plain
// QCoreApplication) only for the commands that draw (cli::commandDrawsWidgets), on the offscreen platform
// unless QT_QPA_PLATFORM says otherwise, so the CLI keeps running without a display. When the CLI is built
// without the GUI libraries (SOLARCHIP_BUILD_GUI off) the PNG is drawn with OpenCV's imgproc instead.

#include "core/base/Expected.h"

#include <QString>
#include <QVector>

#include <cmath>
#include <limits>

namespace solarchip::cli {

struct EfficiencyPoint {
    double budget = 0;        ///< percent of training labels
    double tss = std::numeric_limits<double>::quiet_NaN();
    double lo = std::numeric_limits<double>::quiet_NaN(), hi = std::numeric_limits<double>::quiet_NaN();
};
struct EfficiencyCurve {
    QString name;
    QVector<EfficiencyPoint> points;
};

/// True for the subcommands that draw with QCustomPlot (label-efficiency): main() gives them a QApplication.
bool commandDrawsWidgets(const QString &command);

/// Writes the figure atomically. Points with a non-finite TSS (skipped budgets) are left out of their curve.
/// `yLabel`: what the TSS was measured on.
Status writeLabelEfficiencyPng(const QString &path, const QVector<EfficiencyCurve> &curves, const QString &title,
                               const QString &yLabel = QStringLiteral("TSS on the test block"));

/// The x positions (budget percent) with a curve point, sorted; for tests and the axis ticks.
QVector<double> efficiencyBudgets(const QVector<EfficiencyCurve> &curves);

}  // namespace solarchip::cli
