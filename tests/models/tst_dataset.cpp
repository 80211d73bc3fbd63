// The pretraining dataset: co-registration of HMI into the AIA frame, the normalisation against its closed
// form, joint augmentation, the time split with a gap, and the prepared-tensor cache.
#include "CatalogScans.h"
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "core/map/ModelFrame.h"
#include "core/map/SdoMap.h"
#include "models/data/Dataset.h"
#include "models/data/DatasetAugment.h"
#include "models/data/DatasetLoader.h"

#include <QFile>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

using namespace solarchip;
using namespace solarchip::test;

namespace {

const QDateTime kT0(QDate(2011, 6, 7), QTime(6, 0, 0), QTimeZone::utc());

// Intensity-weighted centroid of |v - background| in a window around the extreme of |v - background|.
void centroid(const float *plane, int side, double background, double &cx, double &cy)
{
    int bx = 0, by = 0;
    double best = -1;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const double v = std::abs(plane[y * side + x] - background);
            if (v > best) {
                best = v;
                bx = x;
                by = y;
            }
        }
    double sw = 0, sx = 0, sy = 0;
    for (int y = std::max(0, by - 4); y <= std::min(side - 1, by + 4); ++y)
        for (int x = std::max(0, bx - 4); x <= std::min(side - 1, bx + 4); ++x) {
            const double w = std::abs(plane[y * side + x] - background);
            sw += w;
            sx += w * x;
            sy += w * y;
        }
    cx = sx / sw;
    cy = sy / sw;
}

DatasetOptions optionsFor(const QString &archive, const QString &cache, int resolution = 64)
{
    DatasetOptions o;
    o.archiveDir = archive;
    o.selection.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    o.prep.resolution = resolution;
    o.prep.oversample = 2;
    o.split.validationFraction = 0;
    o.cacheDir = cache;
    return o;
}

}  // namespace

class TestDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void coRegistrationPutsAFeatureAtTheSamePlace();
    void normalisationMatchesClosedForm();
    void augmentationIsIdenticalAcrossChannels();
    void augmentationMovesFeaturesAsTheClosedForm();
    void timeSplitKeepsTheGap();
    void cacheHitsMissesAndInvalidation();
    void loaderKeepsRequestOrder();
    void timeLocalOrderKeepsBatchesInOneWindow();
    void missingChannelFailsNamingTheArchive();
    void modelChannelsNarrowAfterTheOpensOwnScan();
    void preparedInputIsTheCoreModelFrame();
};

void TestDataset::preparedInputIsTheCoreModelFrame()
{
    // The Dataset's geometry is core/map/ModelFrame::prepare and nothing else: its prepared members equal, byte
    // for byte, what the core function makes of the same files (the viewer and heatmaps rely on that frame).
    // Variants: the default (HMI shrunk 2x before resampling), no oversampling with cubic interpolation, and a
    // fine HMI (2.1"/px onto 19.2"/px: shrunk 9x). The FNV-1a checksums printed were the same before the
    // geometry moved to core (commit 70032a2 gave 49ee9502aa6057bc / 7e3cb29c73055f1e / cc53b531b689eb94).
    auto fnv = [](const void *p, std::size_t n) {
        quint64 h = 1469598103934665603ULL;
        const unsigned char *b = static_cast<const unsigned char *>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= b[i];
            h *= 1099511628211ULL;
        }
        return h;
    };
    for (int variant = 0; variant < 3; ++variant) {
        QTemporaryDir dir = scratchDir();
        const QString archive = dir.path() + QStringLiteral("/archive");
        QDir().mkpath(archive);
        const std::vector<Blob> blobs{{300, -225, 1000, 30}, {-450, 600, 600, 30}};
        FakeMap hmi = fakeHmi(blobs, kT0);
        if (variant == 2) {
            hmi.size = 1200;
            hmi.cdelt = 2.1;
        }
        const Status written = writeFakeMap(archive + QStringLiteral("/aia.fits"), fakeAia(blobs, kT0));
        QVERIFY2(written.ok(), qPrintable(written.errorString()));
        QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi.fits"), hmi).ok());
        DatasetOptions o = optionsFor(archive, {});
        o.useCache = false;
        if (variant == 1) {
            o.prep.resolution = 32;
            o.prep.oversample = 1;
            o.prep.interpolation = Interpolation::Cubic;
        }
        auto ds = Dataset::open(o);
        QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
        const ObservationSet set = ds->sets(Split::All)[0];
        auto s = ds->sampleOf(set);
        QVERIFY2(s.ok(), qPrintable(s.errorString()));

        auto ref = SdoMap::load(archive + QStringLiteral("/aia.fits"));
        QVERIFY(ref.ok());
        auto frame = ModelFrame::forReference(*ref, o.prep.frameSpec());
        QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
        quint64 sums[2] = {};
        for (int m = 0; m < 2; ++m) {
            auto fromDataset = ds->preparedMember(set, m);
            QVERIFY2(fromDataset.ok(), qPrintable(fromDataset.errorString()));
            auto map = SdoMap::load(set.members[m].path);
            QVERIFY(map.ok());
            auto fromCore = frame->prepare(std::move(*map));
            QVERIFY2(fromCore.ok(), qPrintable(fromCore.errorString()));
            QCOMPARE(fromCore->image.width, o.prep.resolution);
            QCOMPARE(fromDataset->width, o.prep.resolution);
            const std::size_t bytes = std::size_t(fromCore->image.width) * fromCore->image.height * sizeof(float);
            QVERIFY(std::memcmp(fromCore->image.data(), fromDataset->data(), bytes) == 0);
            sums[m] = fnv(fromDataset->data(), bytes);
        }
        qInfo("variant %d: FNV-1a sample %016llx, hmi %016llx, aia %016llx", variant,
              (unsigned long long)fnv(s->data.data(), s->data.size() * sizeof(float)), (unsigned long long)sums[0],
              (unsigned long long)sums[1]);
    }
}

void TestDataset::coRegistrationPutsAFeatureAtTheSamePlace()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    // One feature in the south-west quadrant, one near the north-east limb.
    const std::vector<Blob> blobs{{300, -225, 1000, 30}, {-450, 600, 600, 30}};
    QVERIFY(writeFakeMap(archive + QStringLiteral("/aia.fits"), fakeAia(blobs, kT0)).ok());
    QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi.fits"), fakeHmi(blobs, kT0)).ok());

    auto ds = Dataset::open(optionsFor(archive, dir.path() + QStringLiteral("/cache")));
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    QCOMPARE(ds->size(Split::All), 1);
    auto s = ds->sampleOf(ds->sets(Split::All)[0]);
    QVERIFY2(s.ok(), qPrintable(s.errorString()));
    QCOMPARE(s->channels, (QStringList{QStringLiteral("hmi"), QStringLiteral("171")}));
    QCOMPARE(s->side, 64);

    // The common frame: the AIA field of view (256 px x 9.6") on 128 px, disk centre at the image centre, then
    // area-averaged 2x: 38.4"/px, centre pixel 31.5. A feature at (tx, ty) lands at 31.5 + (tx, ty)/38.4.
    const double scale = 256 * 9.6 / 64;
    const double ex = 31.5 + 300 / scale, ey = 31.5 - 225 / scale;
    double hx, hy, ax, ay;
    centroid(s->plane(0), 64, 0.0, hx, hy);                  // HMI background 0 -> 0 after signed log
    centroid(s->plane(1), 64, std::log1p(10.0), ax, ay);     // AIA background 10 -> ln 11
    qInfo("expected (%.2f, %.2f); HMI (%.2f, %.2f); AIA (%.2f, %.2f)", ex, ey, hx, hy, ax, ay);
    QVERIFY(std::abs(hx - ax) < 0.25 && std::abs(hy - ay) < 0.25);
    QVERIFY(std::abs(ax - ex) < 0.25 && std::abs(ay - ey) < 0.25);
    QVERIFY(std::abs(hx - ex) < 0.25 && std::abs(hy - ey) < 0.25);
    // HMI field is negative there: the signed log keeps the sign.
    QVERIFY(s->plane(0)[static_cast<int>(std::lround(ey)) * 64 + static_cast<int>(std::lround(ex))] < -3.0f);
}

void TestDataset::normalisationMatchesClosedForm()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    FakeMap aia = fakeAia({}, kT0);
    aia.background = 250.0;
    FakeMap hmi = fakeHmi({}, kT0);
    hmi.background = -37.0;
    QVERIFY(writeFakeMap(archive + QStringLiteral("/aia.fits"), aia).ok());
    QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi.fits"), hmi).ok());
    auto ds = Dataset::open(optionsFor(archive, {}));
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    auto s = ds->sampleOf(ds->sets(Split::All)[0]);
    QVERIFY2(s.ok(), qPrintable(s.errorString()));
    // Constant fields stay constant through resampling and area averaging, so the centre pixels hold exactly
    // sign(x) ln(1 + |x|) of the physical value.
    const int c = 32 * 64 + 32;
    QVERIFY(std::abs(s->plane(1)[c] - std::log(1.0 + 250.0)) < 1e-5);
    QVERIFY(std::abs(s->plane(0)[c] - (-std::log(1.0 + 37.0))) < 1e-5);
    // Off the disk HMI has no data (NaN): 0 after the normalisation, as nan_to_num in the research code.
    QCOMPARE(s->plane(0)[0], 0.0f);
    QCOMPARE(s->plane(0)[63 * 64 + 63], 0.0f);

    // Another transform selected through core/Scaling: asinh(0.5 x).
    DatasetOptions o = optionsFor(archive, {});
    o.prep.normalize.transform = ModelTransform::Asinh;
    o.prep.normalize.scale = 0.5;
    auto ds2 = Dataset::open(o);
    QVERIFY(ds2.ok());
    auto s2 = ds2->sampleOf(ds2->sets(Split::All)[0]);
    QVERIFY(s2.ok());
    QVERIFY(std::abs(s2->plane(1)[c] - std::asinh(0.5 * 250.0)) < 1e-5);
    QVERIFY(std::abs(s2->plane(0)[c] - std::asinh(0.5 * -37.0)) < 1e-5);
}

void TestDataset::augmentationIsIdenticalAcrossChannels()
{
    const int side = 48;
    std::vector<float> data(3 * side * side);
    for (int i = 0; i < side * side; ++i) {
        const float v = static_cast<float>(std::sin(0.37 * i) + 0.01 * (i % 97));
        data[i] = v;
        data[side * side + i] = v;           // identical plane
        data[2 * side * side + i] = 2 * v;   // a scaled plane: the transform is linear per plane
    }
    const std::vector<float> before = data;
    AugmentSpec spec;
    spec.maxRotationDeg = 15;
    spec.hflipProbability = 0.5;
    spec.vflipProbability = 0.5;
    int rotated = 0;
    for (quint64 seed = 1; seed <= 20; ++seed) {
        std::vector<float> d = before;
        const AugmentParams p = drawAugment(spec, seed);
        QVERIFY(std::abs(p.angleDeg) <= 15.0);
        applyAugment(p, d.data(), 3, side);
        for (int i = 0; i < side * side; ++i) {
            QCOMPARE(d[side * side + i], d[i]);
            QVERIFY(std::abs(d[2 * side * side + i] - 2 * d[i]) <= 1e-5f * (1 + std::abs(d[i])));
        }
        if (p.angleDeg != 0 && d != before)
            ++rotated;
        // Same seed, same transform.
        const AugmentParams again = drawAugment(spec, seed);
        QCOMPARE(again.angleDeg, p.angleDeg);
        QCOMPARE(again.hflip, p.hflip);
    }
    QVERIFY(rotated >= 19);
    // Flips are off by default (they would mirror solar handedness).
    const AugmentSpec defaults;
    QCOMPARE(defaults.hflipProbability, 0.0);
    QCOMPARE(defaults.vflipProbability, 0.0);
    for (quint64 seed = 1; seed <= 50; ++seed) {
        const AugmentParams p = drawAugment(defaults, seed);
        QVERIFY(!p.hflip && !p.vflip);
    }
}

void TestDataset::augmentationMovesFeaturesAsTheClosedForm()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    const std::vector<Blob> blobs{{375, -300, 1000, 30}};
    QVERIFY(writeFakeMap(archive + QStringLiteral("/aia.fits"), fakeAia(blobs, kT0)).ok());
    QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi.fits"), fakeHmi(blobs, kT0)).ok());
    auto ds = Dataset::open(optionsFor(archive, {}));
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    AugmentSpec spec;
    spec.maxRotationDeg = 30;
    const quint64 seed = 12345;
    const AugmentParams p = drawAugment(spec, seed);
    QVERIFY(std::abs(p.angleDeg) > 1.0);
    auto s = ds->sample(Split::All, 0, &spec, seed);
    QVERIFY2(s.ok(), qPrintable(s.errorString()));
    // Unrotated position: 31.5 + (375, -300)/38.4; rotated counter-clockwise about the centre 31.5.
    const double a = p.angleDeg * std::numbers::pi / 180.0;
    const double dx = 375 / 38.4, dy = -300 / 38.4;
    const double ex = 31.5 + std::cos(a) * dx - std::sin(a) * dy;
    const double ey = 31.5 + std::sin(a) * dx + std::cos(a) * dy;
    double hx, hy, ax, ay;
    centroid(s->plane(0), 64, 0.0, hx, hy);
    centroid(s->plane(1), 64, std::log1p(10.0), ax, ay);
    qInfo("angle %.3f deg: expected (%.2f, %.2f); HMI (%.2f, %.2f); AIA (%.2f, %.2f)", p.angleDeg, ex, ey, hx, hy, ax, ay);
    QVERIFY(std::abs(hx - ex) < 0.25 && std::abs(hy - ey) < 0.25);
    QVERIFY(std::abs(ax - ex) < 0.25 && std::abs(ay - ey) < 0.25);
}

void TestDataset::timeSplitKeepsTheGap()
{
    QVector<ObservationSet> sets;
    const qint64 hour = 3600 * 1000LL;
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    for (int i = 99; i >= 0; --i) {  // unsorted input
        ObservationSet s;
        s.referenceTimeMs = t0 + i * hour;
        sets << s;
    }
    SplitSpec spec;
    spec.validationFraction = 0.2;
    spec.gapMs = 5 * hour;
    QVector<ObservationSet> train, val;
    Dataset::splitByTime(sets, spec, &train, &val);
    // Validation: the latest 20 (hours 80..99); training: hours before 80 - 5 = 75, i.e. 0..74.
    QCOMPARE(val.size(), 20);
    QCOMPARE(train.size(), 75);
    QCOMPARE(val.first().referenceTimeMs, t0 + 80 * hour);
    QCOMPARE(train.last().referenceTimeMs, t0 + 74 * hour);
    for (const ObservationSet &tr : train)
        for (const ObservationSet &v : val)
            QVERIFY(v.referenceTimeMs - tr.referenceTimeMs > spec.gapMs);
    for (int i = 1; i < train.size(); ++i)
        QVERIFY(train[i].referenceTimeMs > train[i - 1].referenceTimeMs);

    spec.validationFraction = 0;
    Dataset::splitByTime(sets, spec, &train, &val);
    QCOMPARE(train.size(), 100);
    QCOMPARE(val.size(), 0);
}

void TestDataset::cacheHitsMissesAndInvalidation()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    const QString cacheDir = dir.path() + QStringLiteral("/cache");
    QDir().mkpath(archive);
    const QString aiaPath = archive + QStringLiteral("/aia.fits");
    FakeMap aia = fakeAia({{0, 0, 500, 60}}, kT0);
    QVERIFY(writeFakeMap(aiaPath, aia).ok());
    QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi.fits"), fakeHmi({{0, 0, 500, 60}}, kT0)).ok());

    auto ds = Dataset::open(optionsFor(archive, cacheDir));
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    const ObservationSet set = ds->sets(Split::All)[0];
    auto first = ds->sampleOf(set);
    QVERIFY(first.ok());
    CacheCounters c = ds->cache().counters();
    QCOMPARE(c.misses, 2LL);
    QCOMPARE(c.writes, 2LL);
    QCOMPARE(c.hits, 0LL);

    auto second = ds->sampleOf(set);
    QVERIFY(second.ok());
    c = ds->cache().counters();
    QCOMPARE(c.hits, 2LL);
    QCOMPARE(c.misses, 2LL);
    QVERIFY(second->data == first->data);

    // A changed AIA file (new contents, new mtime) misses for AIA and also for HMI, which was co-registered
    // onto the AIA frame; the new values come through.
    aia.background = 90.0;
    QVERIFY(writeFakeMap(aiaPath, aia).ok());
    {
        QFile f(aiaPath);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTimeUtc().addSecs(5), QFileDevice::FileModificationTime));
    }
    auto third = ds->sampleOf(set);
    QVERIFY(third.ok());
    c = ds->cache().counters();
    QCOMPARE(c.misses, 4LL);
    QCOMPARE(c.writes, 4LL);
    QVERIFY(std::abs(third->plane(1)[2] - std::log(91.0)) < 1e-4);  // a far corner: background only

    // A corrupt entry reads as a miss (counted as an error) and is rebuilt; nothing fails.
    const QString key = QStringLiteral("solarchip-prep-test|x");
    Image img(4, 4, 1.5f);
    QVERIFY(ds->cache().put(key, img).ok());
    QVERIFY(ds->cache().get(key).has_value());
    {
        QFile f(ds->cache().entryPath(key));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 3));
    }
    const long long errorsBefore = ds->cache().counters().errors;
    QVERIFY(!ds->cache().get(key).has_value());
    QCOMPARE(ds->cache().counters().errors, errorsBefore + 1);
    // Another key never returns this entry's data.
    QVERIFY(!ds->cache().get(key + QStringLiteral("2")).has_value());
}

void TestDataset::loaderKeepsRequestOrder()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    for (int i = 0; i < 6; ++i) {
        const QDateTime t = kT0.addSecs(3600 * i);
        const std::vector<Blob> b{{-600.0 + 200 * i, 100, 800, 40}};
        QVERIFY(writeFakeMap(archive + QStringLiteral("/aia%1.fits").arg(i), fakeAia(b, t)).ok());
        QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi%1.fits").arg(i), fakeHmi(b, t)).ok());
    }
    auto ds = Dataset::open(optionsFor(archive, {}, 32));
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    QCOMPARE(ds->size(Split::All), 6);
    const std::vector<int> order = epochPermutation(6, 99, 3);
    QCOMPARE(order, epochPermutation(6, 99, 3));
    QVERIFY(order != epochPermutation(6, 99, 4));
    std::vector<SampleRequest> req;
    for (int i : order)
        req.push_back({i, true, mixSeed(99, 3, i)});
    AugmentSpec aug;
    SampleLoader threaded(*ds, Split::All, req, aug, 3, 2);
    SampleLoader serial(*ds, Split::All, req, aug, 0);
    for (std::size_t k = 0; k < req.size(); ++k) {
        auto a = threaded.next();
        auto b = serial.next();
        QVERIFY(a && b);
        QCOMPARE(a->position, static_cast<int>(k));
        QCOMPARE(a->request.index, order[k]);
        QVERIFY(a->sample.ok() && b->sample.ok());
        QCOMPARE(a->sample->timeMs, ds->sets(Split::All)[order[k]].referenceTimeMs);
        QVERIFY(a->sample->data == b->sample->data);
    }
    QVERIFY(!threaded.next().has_value());
}

void TestDataset::missingChannelFailsNamingTheArchive()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    QVERIFY(writeFakeMap(archive + QStringLiteral("/aia.fits"), fakeAia({}, kT0)).ok());
    DatasetOptions o = optionsFor(archive, {});
    auto ds = Dataset::open(o);
    QVERIFY(!ds.ok());
    QVERIFY2(ds.errorString().contains(archive) && ds.errorString().contains(QStringLiteral("hmi,171")),
             qPrintable(ds.errorString()));
    o.selection.channels = {QStringLiteral("hmi"), QStringLiteral("nonsense")};
    QVERIFY(!Dataset::open(o).ok());
}

void TestDataset::modelChannelsNarrowAfterTheOpensOwnScan()
{
    // DatasetOptions::onlyChannelsPresent: a model's channels (hmi,171,193) on an archive of HMI + 171 give the
    // two it has, resolved after the open's own catalog scan: exactly one scan per open (the CLI used to scan
    // once more before it, to find the channels).
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    QVERIFY(writeFakeArchive(archive, 3));
    auto scans = [&] { return catalogScanCount(archive); };
    const QStringList hmi171{QStringLiteral("hmi"), QStringLiteral("171")};
    DatasetOptions o = optionsFor(archive, {});
    o.useCache = false;
    o.selection.channels = hmi171 + QStringList{QStringLiteral("193")};

    // As a demand (the default): no complete set of the three, named.
    auto strict = Dataset::open(o);
    QVERIFY(!strict.ok());
    QVERIFY2(strict.errorString().contains(QStringLiteral("hmi,171,193")), qPrintable(strict.errorString()));
    QCOMPARE(scans(), qint64(1));

    // As a model's channels: the two the archive has, in the model's order, said once through the callback.
    QList<QStringList> told;
    o.onlyChannelsPresent = true;
    o.onChannelsNarrowed = [&](const QStringList &wanted, const QStringList &kept) { told << wanted << kept; };
    auto ds = Dataset::open(o);
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    QCOMPARE(ds->channels(), hmi171);
    QCOMPARE(ds->size(Split::All), 3);
    QCOMPARE(told, (QList<QStringList>{o.selection.channels, hmi171}));
    QCOMPARE(scans(), qint64(2));

    // Every channel there: nothing narrowed, nothing said. Fewer than two there: not narrowed, the open fails.
    told.clear();
    o.selection.channels = hmi171;
    QVERIFY(Dataset::open(o).ok());
    QVERIFY(told.isEmpty());
    o.selection.channels = {QStringLiteral("hmi"), QStringLiteral("193"), QStringLiteral("304")};
    auto single = Dataset::open(o);
    QVERIFY(!single.ok());
    QVERIFY2(single.errorString().contains(QStringLiteral("hmi,193,304")), qPrintable(single.errorString()));
    QVERIFY(told.isEmpty());
    // Without an update (--no-index) the open reads the catalog only.
    o.updateCatalog = false;
    o.selection.channels = hmi171;
    QVERIFY(Dataset::open(o).ok());
    QCOMPARE(scans(), qint64(4));
}

void TestDataset::timeLocalOrderKeepsBatchesInOneWindow()
{
    const int n = 103, batch = 8, window = 20;  // windows of 24 (rounded up to whole batches): 4 full + 7 left
    const std::vector<int> order = epochOrderTimeLocal(n, batch, window, 5, 2);
    QCOMPARE(order, epochOrderTimeLocal(n, batch, window, 5, 2));
    QVERIFY(order != epochOrderTimeLocal(n, batch, window, 5, 3));
    // A permutation: every set exactly once per epoch.
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < n; ++i)
        QCOMPARE(sorted[i], i);
    // Every whole batch before the remainder comes from one window of 24 consecutive sets.
    for (int b = 0; b + batch <= 96; b += batch) {
        const int w0 = order[b] / 24;
        for (int k = b; k < b + batch; ++k)
            QVERIFY2(order[k] / 24 == w0, qPrintable(QStringLiteral("batch at %1 spans windows").arg(b)));
    }
    for (int k = 96; k < n; ++k)
        QVERIFY(order[k] >= 96);
    // The windows themselves are visited in a shuffled order (not 0, 1, 2, 3 every epoch).
    bool shuffled = false;
    for (int e = 0; e < 8 && !shuffled; ++e) {
        const std::vector<int> o = epochOrderTimeLocal(n, batch, window, 5, e);
        for (int w = 0; w < 4; ++w)
            shuffled |= o[w * 24] / 24 != w;
    }
    QVERIFY(shuffled);
    // No window (or one no larger than a batch): the plain shuffle.
    QCOMPARE(epochOrderTimeLocal(n, batch, 0, 5, 2), epochPermutation(n, 5, 2));
    QCOMPARE(epochOrderTimeLocal(n, batch, batch, 5, 2), epochPermutation(n, 5, 2));
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
