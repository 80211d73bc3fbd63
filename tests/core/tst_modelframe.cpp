// core/map/ModelFrame: the model-input geometry against closed forms (the input frame of a real full-disk AIA
// file written down from its definition), the cell grid's round trips, a real HMI submap stored rolled by
// ~180 deg at 0.504"/px (the cell under its pixels is where prepare() actually puts them), and astropy.wcs
// (tests/reference/model_frame.py) for the map <-> input <-> cell chain.
#include "TestSupport.h"

#include "core/map/FramePrep.h"
#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace solarchip;

namespace {

const char *kAia = "fits/aia_171_level1.fits";               // 128 x 128, CDELT 19.183648", full disk
const char *kHmi = "fits/sdo-hmi_2011-02-14_20-34-12.fits";  // 495 x 496, 0.504228"/px, CROTA2 179.93

ModelFrameSpec spec64()
{
    ModelFrameSpec s;
    s.resolution = 64;
    s.oversample = 2;
    s.gridSize = 16;
    return s;
}

}  // namespace

class TestModelFrame : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shrinkAndDisplayFactors();
    void inputFrameIsTheClosedForm();
    void cellsRoundTrip();
    void diskCentreLandsInTheCentralCells();
    void rotatedMapFindsTheCellPrepareUses();
    void agreesWithAstropy();
    void refusesAGridThatDoesNotDivide();
    void fixedDiskRadiusIsTheClosedForm();
    void cutoutIsFramedOnItself();
};

// A cut-out does not show the whole disk: its frame keeps the cut-out's own pointing (its array centre at the
// frame centre), so the model frame covers the cut-out instead of the disk centre region of the same size. The
// cut-out's centre, (153.643", -250.277") by sunpy (pixel_to_world of the array centre), is the frame centre.
void TestModelFrame::cutoutIsFramedOnItself()
{
    SOLARCHIP_REQUIRE_SDO();
    auto full = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    auto cut = PixelFrame::fromFile(test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
    QVERIFY(full && cut);
    QVERIFY(ModelFrame::showsWholeDisk(full->meta, full->width, full->height));
    QVERIFY(!ModelFrame::showsWholeDisk(cut->meta, cut->width, cut->height));
    ModelFrameSpec spec;
    spec.resolution = 256;
    spec.gridSize = 16;
    auto frame = ModelFrame::forReference(*cut, spec);
    QVERIFY2(frame, qPrintable(frame.errorString()));
    const auto centre = frame->inputPixelToHpc(QPointF(127.5, 127.5));
    QVERIFY(centre);
    QVERIFY2(std::abs(centre->x() - 153.643) < 1.0 && std::abs(centre->y() + 250.277) < 1.0,
             qPrintable(QStringLiteral("%1, %2").arg(centre->x()).arg(centre->y())));
    // The full-disk reference keeps the disk centre at the frame centre.
    auto fullFrame = ModelFrame::forReference(*full, spec);
    QVERIFY(fullFrame);
    const auto disk = fullFrame->inputPixelToHpc(QPointF(127.5, 127.5));
    QVERIFY(disk && std::abs(disk->x()) < 0.5 && std::abs(disk->y()) < 0.5);
}

void TestModelFrame::shrinkAndDisplayFactors()
{
    QCOMPARE(FramePrep::shrinkFactor(2.4, 0.6), 4);
    QCOMPARE(FramePrep::shrinkFactor(1.2, 0.6), 2);        // an exact ratio of 2 despite rounding
    QCOMPARE(FramePrep::shrinkFactor(0.6 * 3, 0.6), 3);
    QCOMPARE(FramePrep::shrinkFactor(1.19, 0.6), 1);       // below 2: no averaging
    QCOMPARE(FramePrep::shrinkFactor(19.2, 0.504), 38);    // floor(38.09)
    QCOMPARE(FramePrep::shrinkFactor(1.0, 0.0), 1);
    QCOMPARE(FramePrep::displayFactor(4096, 4096, 1024), 4);
    QCOMPARE(FramePrep::displayFactor(4097, 100, 1024), 5);  // ceil(4097 / 1024)
    QCOMPARE(FramePrep::displayFactor(1024, 512, 1024), 1);
    QCOMPARE(FramePrep::displaySize(4097, 100, 1024), QSize(819, 20));
    QCOMPARE(FramePrep::displaySize(3, 3, 1), QSize(1, 1));
}

void TestModelFrame::inputFrameIsTheClosedForm()
{
    SOLARCHIP_REQUIRE_SDO();
    auto ref = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY2(ref.ok(), qPrintable(ref.errorString()));
    auto f = ModelFrame::forReference(*ref, spec64());
    QVERIFY2(f.ok(), qPrintable(f.errorString()));
    // Working frame: the 128 px field of view on 128 px, so the reference's plate scale, north up, disk centre
    // at 0-based (63.5, 63.5); the input averages 2x2: 2 x 19.183648"/px, disk centre at (31.5, 31.5).
    const double s = 2 * 19.183648;
    QCOMPARE(f->workingFrame().width, 128);
    QCOMPARE(f->inputFrame().width, 64);
    QCOMPARE(f->inputFrame().height, 64);
    QVERIFY(std::abs(f->inputFrame().meta.cdelt1 - s) < 1e-9 && std::abs(f->inputFrame().meta.cdelt2 - s) < 1e-9);
    QCOMPARE(f->inputFrame().meta.crota2, 0.0);
    const auto centre = f->hpcToInputPixel(QPointF(0, 0));
    QVERIFY(centre);
    QVERIFY(std::abs(centre->x() - 31.5) < 1e-9 && std::abs(centre->y() - 31.5) < 1e-9);
    // Cell (r, c) of 4 x 4 pixels has its centre at input pixel (4c + 1.5, 4r + 1.5); TAN differs from the
    // linear form by under 0.01" within 1200" of the centre.
    for (int r = 0; r < 16; r += 5)
        for (int c = 0; c < 16; c += 3) {
            const auto hpc = f->cellCentreHpc(ModelCell{r, c});
            QVERIFY(hpc);
            QVERIFY2(std::abs(hpc->x() - (4 * c + 1.5 - 31.5) * s) < 0.05 && std::abs(hpc->y() - (4 * r + 1.5 - 31.5) * s) < 0.05,
                     qPrintable(QStringLiteral("cell %1,%2 at (%3, %4)").arg(r).arg(c).arg(hpc->x()).arg(hpc->y())));
        }
    // Row 0 is the south edge, col 0 the east edge.
    QVERIFY(f->cellCentreHpc(ModelCell{0, 0})->y() < -1000 && f->cellCentreHpc(ModelCell{0, 0})->x() < -1000);
}

void TestModelFrame::cellsRoundTrip()
{
    SOLARCHIP_REQUIRE_SDO();
    auto ref = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY(ref.ok());
    auto f = ModelFrame::forReference(*ref, spec64());
    QVERIFY(f.ok());
    QCOMPARE(f->cellSide(), 4);
    for (int i = 0; i < 256; ++i) {
        const ModelCell cell = f->cellOfIndex(i);
        QCOMPARE(f->cellIndex(cell), i);
        const auto hpc = f->cellCentreHpc(cell);
        QVERIFY(hpc);
        QCOMPARE(f->cellAt(*hpc), cell);
        // The rectangle's edges: its south-east corner is inside, a hair outside is the neighbour.
        const QRectF r = f->cellRect(cell);
        QCOMPARE(r.width(), 4.0);
        QCOMPARE(f->cellAtInputPixel(r.topLeft()), cell);
        if (cell.col > 0)
            QCOMPARE(f->cellAtInputPixel(r.topLeft() - QPointF(1e-9, 0)), (ModelCell{cell.row, cell.col - 1}));
        if (cell.row > 0)
            QCOMPARE(f->cellAtInputPixel(r.topLeft() - QPointF(0, 1e-9)), (ModelCell{cell.row - 1, cell.col}));
    }
    QVERIFY(!f->cellAtInputPixel(QPointF(-0.5 - 1e-9, 10)).isValid());
    QVERIFY(!f->cellAtInputPixel(QPointF(10, 63.5)).isValid());
    QVERIFY(f->cellAtInputPixel(QPointF(63.49, 63.49)) == (ModelCell{15, 15}));
    QCOMPARE(f->cellOfIndex(256).isValid(), false);
    QVERIFY(!f->cellAt(QPointF(1e5, 0)).isValid());  // far outside the field of view
}

void TestModelFrame::diskCentreLandsInTheCentralCells()
{
    SOLARCHIP_REQUIRE_SDO();
    auto ref = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY(ref.ok());
    auto f = ModelFrame::forReference(*ref, spec64());
    QVERIFY(f.ok());
    // The disk centre is the corner shared by cells (7, 7), (7, 8), (8, 7), (8, 8); 1" off it picks one.
    QCOMPARE(f->cellAt(QPointF(1, 1)), (ModelCell{8, 8}));
    QCOMPARE(f->cellAt(QPointF(-1, -1)), (ModelCell{7, 7}));
    QCOMPARE(f->cellAt(QPointF(1, -1)), (ModelCell{7, 8}));
    QCOMPARE(f->cellAt(QPointF(-1, 1)), (ModelCell{8, 7}));
    // One cell is 4 x 38.37" = 153.5" wide: 150" west and north of centre is still the north-west central cell.
    QCOMPARE(f->cellAt(QPointF(150, 150)), (ModelCell{8, 8}));
    QCOMPARE(f->cellAt(QPointF(160, 150)), (ModelCell{8, 9}));
}

void TestModelFrame::rotatedMapFindsTheCellPrepareUses()
{
    SOLARCHIP_REQUIRE_SDO();
    auto aia = SdoMap::load(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY2(aia.ok(), qPrintable(aia.errorString()));
    auto hmi = SdoMap::load(test::sdoFile(QString::fromLatin1(kHmi)));
    QVERIFY2(hmi.ok(), qPrintable(hmi.errorString()));
    QVERIFY(std::abs(hmi->meta.crota2 - 179.93) < 0.01);
    // A finer grid so the 250" submap spans more than one cell: 128 px input at 19.18"/px (no oversampling),
    // 16 x 16 cells of 8 px (153").
    ModelFrameSpec spec;
    spec.resolution = 128;
    spec.oversample = 1;
    spec.gridSize = 16;
    auto f = ModelFrame::forReference(*aia, spec);
    QVERIFY(f.ok());
    const Wcs &wcs = hmi->wcs;

    // Rolled by 180 deg: going +x in the stored HMI pixels goes east (smaller Tx), so to smaller columns.
    const ModelCell a = f->cellAtMapPixel(QPointF(20, 248), wcs), b = f->cellAtMapPixel(QPointF(474, 248), wcs);
    QVERIFY(a.isValid() && b.isValid());
    QVERIFY2(b.col < a.col, qPrintable(QStringLiteral("cols %1 -> %2").arg(a.col).arg(b.col)));

    // A bright spot on the HMI grid at the HMI pixel under some cell's centre: the prepared input has its
    // maximum in that cell, and the map pixel maps back to it.
    const ModelCell target = f->cellAtMapPixel(QPointF(247, 248), wcs);
    QVERIFY(target.isValid());
    const auto spot = f->inputPixelToMapPixel(f->cellCentrePixel(target), wcs);
    QVERIFY(spot);
    QVERIFY(spot->x() > 20 && spot->x() < 475 && spot->y() > 20 && spot->y() < 476);
    QCOMPARE(f->cellAtMapPixel(*spot, wcs), target);
    SdoMap m = *hmi;
    for (int y = 0; y < m.image.height; ++y)
        for (int x = 0; x < m.image.width; ++x) {
            const double r2 = (x - spot->x()) * (x - spot->x()) + (y - spot->y()) * (y - spot->y());
            m.image.at(x, y) = static_cast<float>(1000.0 * std::exp(-0.5 * r2 / (8.0 * 8.0)));
        }
    auto prepared = f->prepare(std::move(m));
    QVERIFY2(prepared.ok(), qPrintable(prepared.errorString()));
    QCOMPARE(prepared->image.width, 128);
    int bx = -1, by = -1;
    float best = -1;
    for (int y = 0; y < 128; ++y)
        for (int x = 0; x < 128; ++x)
            if (const float v = prepared->image.at(x, y); std::isfinite(v) && v > best) {
                best = v;
                bx = x;
                by = y;
            }
    QVERIFY(best > 0);
    QCOMPARE(f->cellAtInputPixel(QPointF(bx, by)), target);
    // And the prepared map's own WCS is the input frame's.
    double tx0, ty0, tx1, ty1;
    QVERIFY(prepared->wcs.pixelToHelioprojective(bx, by, tx0, ty0));
    QVERIFY(f->inputFrame().wcs.pixelToHelioprojective(bx, by, tx1, ty1));
    QVERIFY(std::abs(tx0 - tx1) < 1e-6 && std::abs(ty0 - ty1) < 1e-6);

    // The cell's outline in the rolled map: its centroid is (close to) the map pixel of the cell centre.
    const QVector<QPointF> poly = f->cellPolygonInMap(target, wcs, 4);
    QCOMPARE(poly.size(), 16);
    // Every cell at once (each shared boundary point mapped once) gives the same outlines, point for point.
    for (int pointsPerEdge : {1, 4}) {
        const std::vector<QVector<QPointF>> all = f->cellPolygonsInMap(wcs, pointsPerEdge);
        QCOMPARE(static_cast<int>(all.size()), f->gridSize() * f->gridSize());
        for (int i = 0; i < f->gridSize() * f->gridSize(); ++i) {
            const QVector<QPointF> one = f->cellPolygonInMap(f->cellOfIndex(i), wcs, pointsPerEdge);
            QCOMPARE(all[static_cast<std::size_t>(i)].size(), one.size());
            for (int k = 0; k < one.size(); ++k) {
                const QPointF d = all[static_cast<std::size_t>(i)][k] - one[k];
                QVERIFY2(std::abs(d.x()) < 1e-9 && std::abs(d.y()) < 1e-9,
                         qPrintable(QStringLiteral("cell %1 point %2: %3, %4").arg(i).arg(k).arg(d.x()).arg(d.y())));
            }
        }
    }
    QPointF mean;
    for (const QPointF &p : poly)
        mean += p / poly.size();
    QVERIFY(std::abs(mean.x() - spot->x()) < 0.5 && std::abs(mean.y() - spot->y()) < 0.5);
    // 8 input px of 19.18" each are 304.4 HMI pixels of 0.504": the outline's extent.
    double minX = 1e9, maxX = -1e9;
    for (const QPointF &p : poly) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
    }
    QVERIFY2(std::abs((maxX - minX) - 8 * f->inputFrame().meta.cdelt1 / 0.504228) < 1.0, qPrintable(QString::number(maxX - minX)));
}

void TestModelFrame::agreesWithAstropy()
{
    SOLARCHIP_REQUIRE_SDO();
    const QString refPath = test::sdoFile(QString::fromLatin1(kAia)), mapPath = test::sdoFile(QString::fromLatin1(kHmi));
    auto ref = PixelFrame::fromFile(refPath);
    auto map = PixelFrame::fromFile(mapPath);
    QVERIFY(ref.ok() && map.ok());
    auto f = ModelFrame::forReference(*ref, spec64());
    QVERIFY(f.ok());
    QJsonArray pixels;
    for (int y = 0; y < 496; y += 55)
        for (int x = 0; x < 495; x += 45)
            pixels.append(QJsonArray{x, y});
    auto r = test::runPython(QStringLiteral("model_frame.py"),
                             {refPath, QStringLiteral("64"), QStringLiteral("2"), QStringLiteral("16"), mapPath,
                              QString::fromUtf8(QJsonDocument(pixels).toJson(QJsonDocument::Compact))});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject py = test::parseJson(r.out).object();
    const QJsonArray points = py.value(QStringLiteral("pixels")).toArray();
    QCOMPARE(points.size(), pixels.size());
    int cells = 0;
    for (int i = 0; i < points.size(); ++i) {
        const QJsonObject p = points[i].toObject();
        const QPointF px(pixels[i].toArray()[0].toDouble(), pixels[i].toArray()[1].toDouble());
        const auto in = f->mapPixelToInputPixel(px, map->wcs);
        QVERIFY(in);
        const QJsonArray ai = p.value(QStringLiteral("input")).toArray();
        QVERIFY2(std::abs(in->x() - ai[0].toDouble()) < 1e-3 && std::abs(in->y() - ai[1].toDouble()) < 1e-3,
                 qPrintable(QStringLiteral("pixel (%1, %2): ours (%3, %4), astropy (%5, %6)").arg(px.x()).arg(px.y())
                                .arg(in->x()).arg(in->y()).arg(ai[0].toDouble()).arg(ai[1].toDouble())));
        // Cells agree wherever the point is not within 1e-3 px of a cell edge.
        const double fx = std::fmod(ai[0].toDouble() + 0.5, 4.0), fy = std::fmod(ai[1].toDouble() + 0.5, 4.0);
        if (std::min({fx, 4 - fx, fy, 4 - fy}) > 1e-3) {
            const QJsonArray c = p.value(QStringLiteral("cell")).toArray();
            QCOMPARE(f->cellAtMapPixel(px, map->wcs), (ModelCell{c[0].toInt(), c[1].toInt()}));
            ++cells;
        }
    }
    QVERIFY(cells > points.size() / 2);
    const QJsonArray centres = py.value(QStringLiteral("centres")).toArray();
    QCOMPARE(centres.size(), 256);
    for (int i = 0; i < 256; ++i) {
        const auto hpc = f->cellCentreHpc(f->cellOfIndex(i));
        QVERIFY(hpc);
        const QJsonArray c = centres[i].toArray();
        QVERIFY2(std::abs(hpc->x() - c[0].toDouble()) < 1e-4 && std::abs(hpc->y() - c[1].toDouble()) < 1e-4,
                 qPrintable(QStringLiteral("cell %1: ours (%2, %3), astropy (%4, %5)").arg(i).arg(hpc->x()).arg(hpc->y())
                                .arg(c[0].toDouble()).arg(c[1].toDouble())));
    }
}

void TestModelFrame::fixedDiskRadiusIsTheClosedForm()
{
    SOLARCHIP_REQUIRE_SDO();
    auto ref = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY(ref.ok());
    // The file's RSUN_OBS as astropy reads it: fits.getheader("aia_171_level1.fits")["RSUN_OBS"] = 971.812597.
    const double rsun = ref->meta.rsunObs;
    QVERIFY2(std::abs(rsun - 971.812597) < 1e-6, qPrintable(QString::number(rsun, 'g', 12)));
    for (double fraction : {0.8, 0.5}) {
        ModelFrameSpec spec = spec64();
        spec.diskRadiusFraction = fraction;
        auto f = ModelFrame::forReference(*ref, spec);
        QVERIFY2(f.ok(), qPrintable(f.errorString()));
        // Input plate scale = R / (fraction * 64 / 2) arcsec per pixel: the limb is fraction * 32 px from the
        // centre (31.5, 31.5) along both axes, whatever the observer's distance.
        const double s = rsun / (fraction * 32.0);
        QVERIFY(std::abs(f->inputFrame().meta.cdelt1 - s) < 1e-9 && std::abs(f->inputFrame().meta.cdelt2 - s) < 1e-9);
        const auto west = f->hpcToInputPixel(QPointF(rsun, 0));
        const auto north = f->hpcToInputPixel(QPointF(0, rsun));
        QVERIFY(west && north);
        // TAN projection: tan(R) vs R differs by < 1e-6 relative at ~0.27 deg.
        QVERIFY2(std::abs(west->x() - (31.5 + fraction * 32)) < 1e-3, qPrintable(QString::number(west->x())));
        QVERIFY2(std::abs(north->y() - (31.5 + fraction * 32)) < 1e-3, qPrintable(QString::number(north->y())));
    }
    ModelFrameSpec bad = spec64();
    bad.diskRadiusFraction = -1;
    QVERIFY(!ModelFrame::forReference(*ref, bad).ok());
}

void TestModelFrame::refusesAGridThatDoesNotDivide()
{
    SOLARCHIP_REQUIRE_SDO();
    auto ref = PixelFrame::fromFile(test::sdoFile(QString::fromLatin1(kAia)));
    QVERIFY(ref.ok());
    ModelFrameSpec s = spec64();
    s.gridSize = 10;
    auto f = ModelFrame::forReference(*ref, s);
    QVERIFY(!f.ok());
    QVERIFY2(f.errorString().contains(QStringLiteral("divide")), qPrintable(f.errorString()));
    QVERIFY2(f.errorString().contains(QStringLiteral("aia_171_level1.fits")), qPrintable(f.errorString()));
}

QTEST_GUILESS_MAIN(TestModelFrame)
#include "tst_modelframe.moc"
