// solarchip bench lightcurve FILE... --center TX,TY [--size W,H] [--repeat N] [--json]: the time to measure a box on
// each file as the light curve does (core/map/RegionMeasure: the header, then only the tiles that hold the box),
// against reading the whole image first (FitsReader::read, then the same rectangle and selection), and the values of both
// (they must agree). bench/lightcurve_vs_sunpy.py runs it side by side with sunpy's Map + submap on the same files.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/base/NumberPair.h"
#include "core/map/FitsReader.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/RegionMeasure.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace solarchip::cli {

namespace {

const QString kCmd = QStringLiteral("bench lightcurve");

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The whole image read, then the same rectangle and selection as measureRegion's.
Expected<double> meanOfWholeRead(const QString &path, const SkyBox &box)
{
    auto frame = MapFile::readFrame(path);
    if (!frame)
        return frame.error();
    auto image = FitsReader::read(path);
    if (!image)
        return image.error();
    auto rect = regionPixelRect(path, *frame, box);
    if (!rect)
        return rect.error();
    auto m = measureRegionPixels(path, *frame, box, image->image, 0, 0, *rect);
    if (!m)
        return m.error();
    return m->mean;
}

int runBenchLightCurve(const QStringList &args)
{
    CommandLine p(kCmd, QStringLiteral("Time to measure a box on each file (the light curve's read of the tiles that hold "
                                       "it) against reading the whole image first."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("FITS map files."), QStringLiteral("FILE..."));
    p.addOption({QStringLiteral("center"), QStringLiteral("Box centre, helioprojective arcsec."), QStringLiteral("TX,TY")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Box width,height in arcsec (default 120,120)."), QStringLiteral("W,H"),
                 QStringLiteral("120,120")});
    p.addOption({QStringLiteral("repeat"), QStringLiteral("Runs per file and method (default 3)."), QStringLiteral("N"),
                 QStringLiteral("3")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args, Positionals::atLeast(1, QStringLiteral("at least one FILE"))))
        return *exit;
    const auto centre = parseNumberPair(p.value(QStringLiteral("center")));
    const auto size = parseNumberPair(p.value(QStringLiteral("size")));
    bool okRepeat = false;
    const int repeat = p.value(QStringLiteral("repeat")).toInt(&okRepeat);
    if (!centre || !size || !okRepeat || repeat < 1 || size->x() <= 0 || size->y() <= 0)
        return p.usage(QStringLiteral("need --center TX,TY, a positive --size W,H and --repeat >= 1"));
    const SkyBox box{centre->x(), centre->y(), size->x(), size->y()};

    QJsonArray files;
    std::vector<double> sectionAll, wholeAll;
    double worstRel = 0;
    for (const QString &f : p.positionalArguments()) {
        std::vector<double> section, whole;
        double meanSection = 0, meanWhole = 0;
        long long pixels = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            auto m = measureRegion(f, box);
            section.push_back(t.nsecsElapsed() * 1e-9);
            if (!m)
                return fail(kCmd, m.error());
            meanSection = m->mean;
            pixels = m->pixels;
            t.restart();
            auto w = meanOfWholeRead(f, box);
            whole.push_back(t.nsecsElapsed() * 1e-9);
            if (!w)
                return fail(kCmd, w.error());
            meanWhole = *w;
        }
        worstRel = std::max(worstRel, std::fabs(meanSection - meanWhole) / std::max(1e-12, std::fabs(meanWhole)));
        sectionAll.push_back(median(section));
        wholeAll.push_back(median(whole));
        files.append(QJsonObject{{QStringLiteral("file"), f},
                                 {QStringLiteral("pixels"), static_cast<double>(pixels)},
                                 {QStringLiteral("mean"), meanSection},
                                 {QStringLiteral("section_s"), median(section)},
                                 {QStringLiteral("whole_read_s"), median(whole)}});
    }
    const double sec = median(sectionAll), whole = median(wholeAll);
    const QJsonObject out{{QStringLiteral("files"), files},
                          {QStringLiteral("repeat"), repeat},
                          {QStringLiteral("section_median_s"), sec},
                          {QStringLiteral("whole_read_median_s"), whole},
                          {QStringLiteral("speedup"), sec > 0 ? whole / sec : 0.0},
                          {QStringLiteral("max_rel_diff"), worstRel}};
    if (p.json()) {
        printJson(out);
    } else {
        QTextStream(stdout) << "median per file: " << sec * 1e3 << " ms reading the box's tiles, " << whole * 1e3
                            << " ms reading the whole image (" << (sec > 0 ? whole / sec : 0.0) << "x); largest relative "
                            << "difference of the means " << worstRel << "\n";
    }
    return worstRel < 1e-9 ? kOk : fail(kCmd, QStringLiteral("the two reads disagree (relative %1)").arg(worstRel));
}

const BenchRegistration reg(QStringLiteral("lightcurve"),
                            QStringLiteral("measuring a box: the tiles that hold it against the whole image"),
                            runBenchLightCurve);

}  // namespace
}  // namespace solarchip::cli
