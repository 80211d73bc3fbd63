#pragma once
// The label-efficiency figure of `solarchip label-efficiency` as a PNG: TSS against the percentage of training
// labels (log axis), one line per curve with its 95% interval as error bars. Drawn with OpenCV's imgproc
// (lines and its built-in Hershey font) and written through QImage, so the Qt-Core CLI needs no GUI session or
// QCustomPlot (widgets/ is not linked into the CLI).

#include "core/base/Expected.h"

#include <QString>
#include <QVector>

namespace solarchip::cli {

struct EfficiencyPoint {
    double budget = 0;        ///< percent of training labels
    double tss = 0, lo = 0, hi = 0;
};
struct EfficiencyCurve {
    QString name;
    QVector<EfficiencyPoint> points;
};

Status writeLabelEfficiencyPng(const QString &path, const QVector<EfficiencyCurve> &curves, const QString &title);

}  // namespace solarchip::cli
