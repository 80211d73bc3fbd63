#include "app/cli/LabelEfficiencyPlot.h"

#include "core/base/AtomicFile.h"

#include <QBuffer>
#include <QImage>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace solarchip::cli {

Status writeLabelEfficiencyPng(const QString &path, const QVector<EfficiencyCurve> &curves, const QString &title)
{
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
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    if (!q.save(&buf, "PNG"))
        return Error{path, QStringLiteral("PNG encoding failed")};
    return writeFileAtomically(path, bytes);
}

}  // namespace solarchip::cli
