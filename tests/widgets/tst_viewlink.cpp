// widgets ViewLink groups: pan and zoom link only views whose maps share a frame. The footprints of real maps
// come from sunpy (tests/reference/footprint_reference.py: the corners through pixel_to_world), and the
// groups the link forms must be the ones the overlap rule (intersection over union >= ViewLink::kMinOverlap,
// transitively) gives on sunpy's boxes; the expected groups are also spelled out (full disks together, cut-
// outs of other regions alone, frames of one cut-out series together). Maps without a helioprojective WCS
// (CEA SHARP patches, plain images) link only with same-size grids that lack one too. Linked views follow each
// other; views of different groups never do, and fitting a grid fits each group to its own data.
#include "core/map/SdoMap.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/ViewLink.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRectF>
#include <QtTest>

#include <numeric>

using namespace solarchip;

namespace {

std::shared_ptr<const SdoMap> loadMap(const QString &path)
{
    auto m = SdoMap::load(path);
    if (!m)
        qWarning("%s", qPrintable(m.errorString()));
    return m ? std::make_shared<const SdoMap>(std::move(m).value()) : nullptr;
}

// Groups by the overlap rule over sunpy's boxes (no box: same-size grids).
QVector<QVector<int>> expectedGroups(const QJsonArray &ref)
{
    const int n = int(ref.size());
    QVector<int> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&](int i) {
        while (parent[i] != i)
            i = parent[i];
        return i;
    };
    auto box = [](const QJsonObject &o) {
        const QJsonArray b = o.value(QStringLiteral("box")).toArray();
        return QRectF(QPointF(b[0].toDouble(), b[2].toDouble()), QPointF(b[1].toDouble(), b[3].toDouble()));
    };
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) {
            const QJsonObject a = ref[i].toObject(), b = ref[j].toObject();
            const bool hpA = a.value(QStringLiteral("helioprojective")).toBool();
            const bool hpB = b.value(QStringLiteral("helioprojective")).toBool();
            bool share = false;
            if (hpA && hpB) {
                const QRectF ra = box(a), rb = box(b), c = ra.intersected(rb);
                const double inter = c.isEmpty() ? 0 : c.width() * c.height();
                share = inter / (ra.width() * ra.height() + rb.width() * rb.height() - inter) >= ViewLink::kMinOverlap;
            } else if (!hpA && !hpB) {
                share = a.value(QStringLiteral("width")).toInt() == b.value(QStringLiteral("width")).toInt()
                        && a.value(QStringLiteral("height")).toInt() == b.value(QStringLiteral("height")).toInt();
            }
            if (share)
                parent[root(j)] = root(i);
        }
    QVector<QVector<int>> groups;
    QHash<int, int> index;
    for (int i = 0; i < n; ++i) {
        const int r = root(i);
        if (!index.contains(r)) {
            index.insert(r, int(groups.size()));
            groups.append(QVector<int>());
        }
        groups[index.value(r)] << i;
    }
    return groups;
}

}  // namespace

class TestViewLink : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void groupsFollowSunpyFootprints()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QStringList names{
            QStringLiteral("fits/aia_171_level1.fits"),                                      // 0 full disk 128 px
            QStringLiteral("fits/aia_171_cutout.fits"),                                      // 1 disk-centre cut-out
            QStringLiteral("fits/resampled_hmi.fits"),                                       // 2 full disk 100 px
            QStringLiteral("fits/AIA20220402_131341_0304.fits"),                             // 3 west-limb cut-out
            QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"),                         // 4 HMI patch
            QStringLiteral("fits/AIA20220402_131505_0304.fits"),                             // 5 same frame as 3
            QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.Br.fits"),        // 6 CEA
            QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.continuum.fits"), // 7 CEA, same grid
        };
        QStringList paths;
        QList<std::shared_ptr<const SdoMap>> maps;
        QList<const SdoMap *> raw;
        for (const QString &n : names) {
            paths << test::sdoFile(n);
            maps << loadMap(paths.back());
            QVERIFY2(maps.back(), qPrintable(n));
            raw << maps.back().get();
        }
        const test::ProcessResult ref = test::runPython(QStringLiteral("footprint_reference.py"), paths);
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonArray boxes = test::parseJson(ref.out).array();
        QCOMPARE(boxes.size(), names.size());

        const QVector<QVector<int>> groups = ViewLink::groupsOf(raw);
        QCOMPARE(groups, expectedGroups(boxes));
        QCOMPARE(groups, (QVector<QVector<int>>{{0, 2}, {1}, {3, 5}, {4}, {6, 7}}));

        // A missing map is a group of its own.
        QCOMPARE(ViewLink::groupsOf({raw[0], nullptr, raw[2]}), (QVector<QVector<int>>{{0, 2}, {1}}));
    }

    void gridsWithoutWcsLinkBySize()
    {
        auto plain = [](int w, int h) {
            auto m = std::make_shared<SdoMap>();
            m->image = Image(w, h, 1.0f);
            return std::shared_ptr<const SdoMap>(m);
        };
        const auto a = plain(100, 80), b = plain(100, 80), c = plain(64, 64);
        QCOMPARE(ViewLink::groupsOf({a.get(), c.get(), b.get()}), (QVector<QVector<int>>{{0, 2}, {1}}));
    }

    void onlyAGroupMovesTogether()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto disk = loadMap(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        auto cutout = loadMap(test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        auto hmi = loadMap(test::sdoFile(QStringLiteral("fits/resampled_hmi.fits")));
        QVERIFY(disk && cutout && hmi);
        MapGrid grid;
        grid.resize(900, 300);
        grid.setColumns(3);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        grid.setMaps({disk, cutout, hmi});
        QCOMPARE(grid.linkedGroups(), (QVector<QVector<int>>{{0, 2}, {1}}));
        MapView *vDisk = grid.view(0), *vCut = grid.view(1), *vHmi = grid.view(2);

        // The cut-out is fitted to its own data, not shown at the full disk's scale.
        auto fillsItsCell = [](MapView *v) {
            return std::max(v->map()->image.width * v->zoom() / v->width(),
                            v->map()->image.height * v->zoom() / v->height());
        };
        QVERIFY(fillsItsCell(vCut) > 0.8);
        const double cutZoom = vCut->zoom();
        vDisk->setZoom(vDisk->zoom() * 3);
        QCOMPARE(vCut->zoom(), cutZoom);  // another group: untouched
        QVERIFY(std::fabs(vHmi->worldView().arcsecPerScreenPixel / vDisk->worldView().arcsecPerScreenPixel - 1) < 1e-9);
        vCut->setZoom(cutZoom * 2);
        QVERIFY(std::fabs(vHmi->worldView().arcsecPerScreenPixel / vDisk->worldView().arcsecPerScreenPixel - 1) < 1e-9);

        // Fit to window: each group fitted to its own data.
        grid.fitAll();
        QVERIFY(std::fabs(fillsItsCell(vCut) - 1.0) < 0.02);
        QVERIFY(std::fabs(fillsItsCell(vDisk) - 1.0) < 0.02);
        QCOMPARE(grid.link()->groupOf(vHmi), (QList<MapView *>{vDisk, vHmi}));
    }
};

QTEST_MAIN(TestViewLink)
#include "tst_viewlink.moc"
