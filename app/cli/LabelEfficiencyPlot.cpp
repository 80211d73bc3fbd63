#include "app/cli/LabelEfficiencyPlot.h"

#include "core/base/AtomicFile.h"

#include <QBuffer>
#include <QImage>

#ifdef SOLARCHIP_CLI_QCUSTOMPLOT
#include <QApplication>
#include <qcustomplot.h>
#else
#include <opencv2/imgproc.hpp>
#endif

#include <algorithm>
#include <cmath>

namespace solarchip::cli {

namespace {

// Skipped budgets carry no TSS: they are gaps, not points at 0.
QVector<EfficiencyCurve> finiteCurves(const QVector<EfficiencyCurve> &curves)
{
    QVector<EfficiencyCurve> out;
    for (const EfficiencyCurve &c : curves) {
        EfficiencyCurve k{c.name, {}};
        for (const EfficiencyPoint &p : c.points)
            if (std::isfinite(p.tss) && p.budget > 0)
                k.points << p;
        out << k;
    }
    return out;
}

Status writePng(const QString &path, const QImage &image)
{
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buf, "PNG"))
        return Error{path, QStringLiteral("PNG encoding failed")};
    AtomicWriteOptions ao;
    ao.createFolder = true;
    return writeFileAtomically(path, bytes, ao);
}

}  // namespace

bool commandDrawsWidgets(const QString &command)
{
#ifdef SOLARCHIP_CLI_QCUSTOMPLOT
    return command == QLatin1String("label-efficiency");
#else
    Q_UNUSED(command);
    return false;
#endif
}

QVector<double> efficiencyBudgets(const QVector<EfficiencyCurve> &curves)
{
    QVector<double> b;
    for (const EfficiencyCurve &c : finiteCurves(curves))
        for (const EfficiencyPoint &p : c.points)
            if (!b.contains(p.budget))
                b << p.budget;
    std::sort(b.begin(), b.end());
    return b;
}

#ifdef SOLARCHIP_CLI_QCUSTOMPLOT

Status writeLabelEfficiencyPng(const QString &path, const QVector<EfficiencyCurve> &curvesIn, const QString &title,
                               const QString &yLabel)
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return Error{path, QStringLiteral("the plot needs a QApplication (solarchip's main makes one for label-efficiency)")};
    const QVector<EfficiencyCurve> curves = finiteCurves(curvesIn);
    const QVector<double> budgets = efficiencyBudgets(curves);
    const int w = 960, h = 600;
    QCustomPlot plot;
    plot.resize(w, h);
    plot.plotLayout()->insertRow(0);
    plot.plotLayout()->addElement(0, 0, new QCPTextElement(&plot, title, QFont(QStringLiteral("Sans"), 11, QFont::Bold)));

    QCPAxis *x = plot.xAxis, *y = plot.yAxis;
    x->setScaleType(QCPAxis::stLogarithmic);
    // Ticks at the budgets measured (1, 2, 5, 10, 25, 100 %), written as they were asked for.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (double b : budgets)
        ticker->addTick(b, QString::number(b));
    x->setTicker(ticker);
    x->setLabel(QStringLiteral("training labels (% of the training block, log scale)"));
    y->setLabel(yLabel);
    double bMin = budgets.isEmpty() ? 1 : budgets.front(), bMax = budgets.isEmpty() ? 100 : budgets.back();
    if (!(bMin < bMax)) {
        bMin /= 2;
        bMax *= 2;
    }
    const double pad = std::pow(bMax / bMin, 0.06);
    x->setRange(bMin / pad, bMax * pad);
    double yMin = 0, yMax = 0.5;
    for (const EfficiencyCurve &c : curves)
        for (const EfficiencyPoint &p : c.points) {
            yMin = std::min(yMin, std::isfinite(p.lo) ? p.lo : p.tss);
            yMax = std::max(yMax, std::isfinite(p.hi) ? p.hi : p.tss);
        }
    y->setRange(std::max(-1.0, std::floor(yMin * 10) / 10 - 0.05), std::min(1.0, std::ceil(yMax * 10) / 10 + 0.05));

    // Chance: TSS 0 is what climatology (and any constant or random forecast) scores.
    auto *chance = new QCPItemStraightLine(&plot);
    chance->point1->setCoords(bMin, 0);
    chance->point2->setCoords(bMax, 0);
    chance->setPen(QPen(QColor(90, 90, 90), 2, Qt::DashLine));
    chance->setAntialiased(false);  // crisp: one colour, so the line is findable in the PNG
    auto *chanceLabel = new QCPItemText(&plot);
    chanceLabel->position->setCoords(bMax * pad, 0);
    chanceLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    chanceLabel->setText(QStringLiteral("chance / climatology (TSS 0)"));
    chanceLabel->setColor(QColor(90, 90, 90));

    static const QColor colours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                                     QColor(148, 103, 189)};
    // Curves sit side by side around each budget (a few percent apart on the log axis) so intervals do not hide
    // each other.
    const int nc = static_cast<int>(curves.size());
    for (int k = 0; k < nc; ++k) {
        const EfficiencyCurve &c = curves[k];
        const QColor col = colours[k % 5];
        const double shift = std::pow(1.04, k - (nc - 1) / 2.0);
        QVector<double> bx, ty, lo, hi, errLo, errHi;
        for (const EfficiencyPoint &p : c.points) {
            bx << p.budget * shift;
            ty << p.tss;
            const bool hasCi = std::isfinite(p.lo) && std::isfinite(p.hi);
            lo << (hasCi ? p.lo : p.tss);
            hi << (hasCi ? p.hi : p.tss);
            errLo << (hasCi ? p.tss - p.lo : 0);
            errHi << (hasCi ? p.hi - p.tss : 0);
        }
        // The 95% band: the fill between the interval's lower and upper lines.
        QCPGraph *gLo = plot.addGraph(), *gHi = plot.addGraph();
        gLo->setData(bx, lo, true);
        gHi->setData(bx, hi, true);
        QColor band = col;
        band.setAlpha(30);
        gLo->setPen(Qt::NoPen);
        gHi->setPen(Qt::NoPen);
        gHi->setBrush(band);
        gHi->setChannelFillGraph(gLo);
        gLo->removeFromLegend();
        gHi->removeFromLegend();
        QCPGraph *g = plot.addGraph();
        g->setData(bx, ty, true);
        g->setPen(QPen(col, 2.2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, col, col, 8));
        g->setName(c.name + QStringLiteral(", 95% interval"));
        auto *bars = new QCPErrorBars(x, y);
        bars->setDataPlottable(g);
        bars->setData(errLo, errHi);
        bars->setPen(QPen(col, 1.3));
        bars->setWhiskerWidth(8);
        bars->removeFromLegend();
    }
    plot.legend->setVisible(true);
    plot.axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot.legend->setBrush(QColor(255, 255, 255, 220));
    const QPixmap pixmap = plot.toPixmap(w, h, 1.0);
    return writePng(path, pixmap.toImage());
}

#else  // OpenCV: the CLI built without the GUI libraries.

Status writeLabelEfficiencyPng(const QString &path, const QVector<EfficiencyCurve> &curvesIn, const QString &title,
                               const QString &yLabel)
{
    const QVector<EfficiencyCurve> curves = finiteCurves(curvesIn);
    const int w = 960, h = 600, left = 90, right = 240, top = 60, bottom = 80;
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    double bMin = 1e9, bMax = -1e9, yMin = 0, yMax = 0.5;
    for (const EfficiencyCurve &c : curves)
        for (const EfficiencyPoint &p : c.points) {
            bMin = std::min(bMin, p.budget);
            bMax = std::max(bMax, p.budget);
            if (std::isfinite(p.lo))
                yMin = std::min(yMin, p.lo);
            if (std::isfinite(p.hi))
                yMax = std::max(yMax, p.hi);
        }
    if (!(bMin < bMax)) {
        bMin = 1;
        bMax = 100;
    }
    yMin = std::floor(yMin * 10) / 10;
    yMax = std::min(1.0, std::ceil(yMax * 10) / 10);
    // A margin of 8% of the log range on both sides keeps the end points off the frame.
    const double pad = 0.08 * std::max(0.3, std::log10(bMax) - std::log10(bMin));
    const double lb0 = std::log10(bMin) - pad, lb1 = std::log10(bMax) + pad;
    auto X = [&](double b) { return left + static_cast<int>((std::log10(b) - lb0) / (lb1 - lb0) * (w - left - right)); };
    auto Y = [&](double v) { return top + static_cast<int>((yMax - v) / (yMax - yMin) * (h - top - bottom)); };
    const cv::Scalar axis(0, 0, 0), grid(225, 225, 225);
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    for (double v = yMin; v <= yMax + 1e-9; v += 0.1) {
        cv::line(img, {left, Y(v)}, {w - right, Y(v)}, grid, 1);
        cv::putText(img, QString::number(v, 'f', 1).toStdString(), {left - 45, Y(v) + 5}, font, 0.45, axis, 1, cv::LINE_AA);
    }
    for (const EfficiencyPoint &p : curves.isEmpty() ? QVector<EfficiencyPoint>{} : curves.front().points) {
        cv::line(img, {X(p.budget), top}, {X(p.budget), h - bottom}, grid, 1);
        cv::putText(img, QString::number(p.budget).toStdString(), {X(p.budget) - 8, h - bottom + 22}, font, 0.45, axis, 1, cv::LINE_AA);
    }
    cv::rectangle(img, {left, top}, {w - right, h - bottom}, axis, 1);
    cv::putText(img, "training labels (%, log scale)", {left + 180, h - 25}, font, 0.55, axis, 1, cv::LINE_AA);
    cv::putText(img, "TSS", {15, top + (h - top - bottom) / 2}, font, 0.6, axis, 1, cv::LINE_AA);
    cv::putText(img, title.toStdString(), {left, 35}, font, 0.6, axis, 1, cv::LINE_AA);
    static const cv::Scalar colours[] = {{180, 90, 20}, {30, 120, 230}, {40, 160, 40}, {60, 60, 200}};
    for (int k = 0; k < curves.size(); ++k) {
        const cv::Scalar col = colours[k % 4];
        const auto &pts = curves[k].points;
        for (int i = 0; i < pts.size(); ++i) {
            const cv::Point pt(X(pts[i].budget) + 4 * k, Y(pts[i].tss));
            if (std::isfinite(pts[i].lo) && std::isfinite(pts[i].hi))
                cv::line(img, {pt.x, Y(pts[i].lo)}, {pt.x, Y(pts[i].hi)}, col, 1, cv::LINE_AA);
            cv::circle(img, pt, 4, col, cv::FILLED, cv::LINE_AA);
            if (i > 0)
                cv::line(img, {X(pts[i - 1].budget) + 4 * k, Y(pts[i - 1].tss)}, pt, col, 2, cv::LINE_AA);
        }
        cv::line(img, {w - right + 15, top + 20 + 25 * k}, {w - right + 45, top + 20 + 25 * k}, col, 2, cv::LINE_AA);
        cv::putText(img, curves[k].name.toStdString(), {w - right + 52, top + 25 + 25 * k}, font, 0.45, axis, 1, cv::LINE_AA);
    }
    const QImage q(img.data, img.cols, img.rows, static_cast<qsizetype>(img.step), QImage::Format_BGR888);
    return writePng(path, q.copy());
}


#endif

}  // namespace solarchip::cli
