#include "core/archive/FlareFluxBaseline.h"

#include "core/archive/FlareMetrics.h"
#include "core/base/AtomicFile.h"
#include "core/map/DiskFlux.h"
#include "core/map/SdoMap.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace solarchip {

double FluxBaseline::probability(double fluxMx) const
{
    if (!(fluxMx > 0) || !std::isfinite(fluxMx))
        return std::nan("");
    const double z = w * (std::log10(fluxMx) - mean) / spread + b;
    return 1.0 / (1.0 + std::exp(-z));
}

QJsonObject FluxBaseline::toJson() const
{
    return QJsonObject{{QStringLiteral("feature"), QStringLiteral("log10 total unsigned HMI flux (Mx) within 0.95 R_sun")},
                       {QStringLiteral("mean"), mean}, {QStringLiteral("spread"), spread},
                       {QStringLiteral("w"), w}, {QStringLiteral("b"), b}, {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("train_rows"), trainRows}, {QStringLiteral("train_positives"), trainPositives}};
}

FluxBaseline FluxBaseline::fromJson(const QJsonObject &j)
{
    FluxBaseline f;
    if (j.isEmpty())
        return f;
    f.mean = j.value(QStringLiteral("mean")).toDouble();
    f.spread = j.value(QStringLiteral("spread")).toDouble(1);
    f.w = j.value(QStringLiteral("w")).toDouble();
    f.b = j.value(QStringLiteral("b")).toDouble();
    f.threshold = j.value(QStringLiteral("threshold")).toDouble(0.5);
    f.trainRows = j.value(QStringLiteral("train_rows")).toInt();
    f.trainPositives = j.value(QStringLiteral("train_positives")).toInt();
    if (!(f.spread > 0))
        f.trainRows = 0;
    return f;
}

Expected<FluxBaseline> FluxBaseline::fit(const std::vector<double> &flux, const std::vector<int> &y, const std::vector<int> &train,
                                         const std::vector<int> &val)
{
    std::vector<double> u;
    std::vector<int> t;
    for (int i : train) {
        const double f = flux[static_cast<size_t>(i)];
        if (f > 0 && std::isfinite(f)) {
            u.push_back(std::log10(f));
            t.push_back(y[static_cast<size_t>(i)]);
        }
    }
    FluxBaseline out;
    out.trainRows = static_cast<int>(u.size());
    for (int v : t)
        out.trainPositives += v;
    if (out.trainRows == 0)
        return Error{{}, QStringLiteral("none of the %1 training rows has a readable HMI magnetogram: no flux baseline").arg(train.size())};
    if (out.trainPositives == 0 || out.trainPositives == out.trainRows)
        return Error{{}, QStringLiteral("the %1 training rows with an HMI flux hold %2 positives: the flux baseline needs both outcomes")
                             .arg(out.trainRows).arg(out.trainPositives)};
    double m = 0, s = 0;
    for (double v : u)
        m += v;
    m /= static_cast<double>(u.size());
    for (double v : u)
        s += (v - m) * (v - m);
    s = std::sqrt(s / static_cast<double>(u.size()));
    out.mean = m;
    out.spread = s > 1e-12 ? s : 1.0;
    // Newton's method on the mean log-loss of (w, b) (a tiny ridge keeps a separable sample finite).
    const double ridge = 1e-6;
    double w = 0, b = 0;
    for (int it = 0; it < 100; ++it) {
        double gw = ridge * w, gb = 0, hww = ridge, hwb = 0, hbb = 0;
        for (size_t i = 0; i < u.size(); ++i) {
            const double z = (u[i] - out.mean) / out.spread;
            const double p = 1.0 / (1.0 + std::exp(-(w * z + b)));
            const double r = p - t[i], q = p * (1 - p);
            gw += r * z / static_cast<double>(u.size());
            gb += r / static_cast<double>(u.size());
            hww += q * z * z / static_cast<double>(u.size());
            hwb += q * z / static_cast<double>(u.size());
            hbb += q / static_cast<double>(u.size());
        }
        const double det = hww * hbb - hwb * hwb;
        if (!(det > 0))
            break;
        const double dw = (hbb * gw - hwb * gb) / det, db = (hww * gb - hwb * gw) / det;
        w -= dw;
        b -= db;
        if (std::abs(dw) + std::abs(db) < 1e-12)
            break;
    }
    out.w = w;
    out.b = b;
    std::vector<double> pv;
    std::vector<int> yv;
    for (int i : val) {
        const double p = out.probability(flux[static_cast<size_t>(i)]);
        if (std::isfinite(p)) {
            pv.push_back(p);
            yv.push_back(y[static_cast<size_t>(i)]);
        }
    }
    int vPos = 0;
    for (int v : yv)
        vPos += v;
    if (vPos == 0 || vPos == static_cast<int>(yv.size()))
        return Error{{}, QStringLiteral("the %1 validation rows with an HMI flux hold %2 positives: no threshold for the flux baseline")
                             .arg(yv.size()).arg(vPos)};
    out.threshold = maxTssThreshold(pv, yv);
    return out;
}

QString diskFluxCacheFile(const QString &archiveDir)
{
    return QDir(archiveDir).filePath(QStringLiteral(".solarchip/disk_flux.json"));
}

namespace {

constexpr double kFluxRadius = 0.95;
const QString kCacheFormat = QStringLiteral("solarchip-disk-flux/1");

// diskFluxOfFiles, with `noFile[i]` the reason given for an empty path i (default "no HMI magnetogram").
std::vector<double> fluxOfFiles(const QStringList &paths, const QStringList &noFile, QString *problem, int *missing,
                                const QString &cacheFile)
{
    // The cache: {"format", "radius_factor", "files": {absolute path: [size, mtime ms, flux Mx]}}.
    QJsonObject cached;
    if (!cacheFile.isEmpty()) {
        QFile f(cacheFile);
        if (f.open(QIODevice::ReadOnly)) {
            const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
            if (root.value(QStringLiteral("format")).toString() == kCacheFormat
                && root.value(QStringLiteral("radius_factor")).toDouble() == kFluxRadius)
                cached = root.value(QStringLiteral("files")).toObject();
        }
    }
    bool added = false;
    std::vector<double> out(static_cast<size_t>(paths.size()), std::nan(""));
    int nan = 0;
    for (int i = 0; i < paths.size(); ++i) {
        const QString &path = paths[i];
        QString why;
        if (path.isEmpty()) {
            why = noFile.value(i, QStringLiteral("no HMI magnetogram"));
        } else {
            const QFileInfo info(path);
            const double size = static_cast<double>(info.size());
            const double mtime = static_cast<double>(info.lastModified().toMSecsSinceEpoch());
            const QJsonArray entry = cached.value(path).toArray();
            if (entry.size() == 3 && entry.at(0).toDouble() == size && entry.at(1).toDouble() == mtime && entry.at(2).toDouble() > 0) {
                out[static_cast<size_t>(i)] = entry.at(2).toDouble();
            } else if (auto map = SdoMap::load(path); !map) {
                why = map.errorString();
            } else if (auto f = diskUnsignedFlux(*map, kFluxRadius); !f) {
                why = f.errorString();
            } else {
                out[static_cast<size_t>(i)] = f->unsignedMx;
                cached.insert(path, QJsonArray{size, mtime, f->unsignedMx});
                added = true;
            }
        }
        if (!why.isEmpty()) {
            ++nan;
            if (problem && problem->isEmpty())
                *problem = why;
        }
    }
    if (added && !cacheFile.isEmpty()) {
        AtomicWriteOptions ao;
        ao.createFolder = true;
        const QJsonObject root{{QStringLiteral("format"), kCacheFormat}, {QStringLiteral("radius_factor"), kFluxRadius},
                               {QStringLiteral("files"), cached}};
        if (Status st = writeFileAtomically(cacheFile, QJsonDocument(root).toJson(QJsonDocument::Compact), ao); !st && problem
            && problem->isEmpty())
            *problem = st.errorString();
    }
    if (missing)
        *missing = nan;
    return out;
}

}  // namespace

std::vector<double> diskFluxOfSets(const QVector<ObservationSet> &sets, QString *problem, int *missing, const QString &cacheFile)
{
    QStringList paths, noFile;
    for (const ObservationSet &set : sets) {
        const Observation *hmi = set.member(QStringLiteral("hmi"));
        paths << (hmi ? hmi->path : QString());
        noFile << QStringLiteral("the set at %1 has no HMI magnetogram").arg(set.referenceTime().toString(Qt::ISODate));
    }
    return fluxOfFiles(paths, noFile, problem, missing, cacheFile);
}

std::vector<double> diskFluxOfFiles(const QStringList &paths, QString *problem, int *missing, const QString &cacheFile)
{
    return fluxOfFiles(paths, {}, problem, missing, cacheFile);
}

}  // namespace solarchip
